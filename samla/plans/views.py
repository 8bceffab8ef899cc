from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samla.accounts.http import AuthedRequest, is_htmx, safe_next
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.concurrency import Stale, changes, refuse
from samla.organisations.models import Organisation
from samla.pdf import pdf_response, render_pdf
from samla.people.access import get_participant_for_user, team_with_access
from samla.plans import actions
from samla.plans.access import (
    PlanAccess,
    current_plan,
    get_action_for_follow_up,
    get_action_for_user,
    get_plan_for_user,
)
from samla.plans.forms import (
    ApprovalForm,
    CloseForm,
    CompareForm,
    EditPlanActionForm,
    EditPlanForm,
    PlanActionForm,
    PlanForm,
    StatusForm,
    VersionForm,
)
from samla.plans.models import (
    InvalidTransition,
    Plan,
    PlanAction,
    PlanApproval,
    PlanConfirmation,
    PlanDeferral,
    PlanVersion,
)
from samla.plans.snapshots import PlanView, Snapshot, compare, snapshot_of
from samla.plans.worklists import action_item

NOT_OPEN = gettext_lazy("Planen är avslutad och kan inte ändras.")
STALE_STEP = gettext_lazy(
    "Planen har ändrats sedan du öppnade sidan. Läs igenom den igen och försök sedan på nytt."
)
STALE_FOLLOW_UP = gettext_lazy(
    "Någon annan sparade en uppföljning av insatsen medan du arbetade. Jämför nedan och spara "
    "igen om dina uppgifter ska gälla."
)


def _next_url(request: AuthedRequest, default: str) -> str:
    return safe_next(request, request.POST.get("next", ""), default)


@require_GET
def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    access = get_participant_for_user(request.user, pk, purpose="Plan")
    plan = current_plan(access.participant)
    if plan is None:
        context = {"participant": access.participant, "access": access}
        return render(request, "plans/no_plan.html", context)
    plan.participant = access.participant
    context = _plan_context(PlanAccess(access=access, plan=plan))
    return render(request, "plans/plan_detail.html", context)


def _plan_context(plan_access: PlanAccess) -> dict[str, Any]:
    plan, access = plan_access.plan, plan_access.access
    plan_actions = actions.actions_of(plan)
    by_id = {a.pk: a for a in plan_actions}
    view = PlanView.of(
        snapshot_of(plan, plan_actions),
        allows=plan_access.allows,
        versions={pk: a.version for pk, a in by_id.items()},
    )
    confirmations = list(
        PlanConfirmation.objects.current()
        .filter(plan=plan, revision=plan.revision)
        .select_related("organisation", "confirmed_by")
    )
    required = plan.required_organisation_ids(plan_actions)
    confirmed = {c.organisation_id for c in confirmations}
    own = access.user.organisation_id
    today = timezone.localdate()
    return {
        "access": access,
        "participant": plan.participant,
        "plan": plan,
        "view": view,
        "followable": {a.id for a in view.actions if plan_access.may_follow_up(by_id[a.id])},
        # Another organisation learns only about its own part, not who else takes part.
        "confirmations": [c for c in confirmations if access.sees_part_of(c.organisation_id)],
        "missing": Organisation.objects.filter(pk__in=required - confirmed)
        if access.is_controller
        else [],
        "can_confirm": plan.can(Plan.Transition.CONFIRM) and own in required - confirmed,
        "approval": PlanApproval.objects.current()
        .filter(plan=plan, revision=plan.revision)
        .first(),
        "deferral": PlanDeferral.objects.current()
        .filter(plan=plan, revision=plan.revision, plan__state=Plan.State.INVITED)
        .first()
        if access.is_controller
        else None,
        "latest_version": PlanVersion.objects.filter(plan=plan).order_by("-number").first(),
        "status_choices": PlanAction.Status.choices,
        "overdue": {a.id for a in view.actions if a.is_overdue(today)},
        "today": today,
        "live": True,
    }


@require_http_methods(["GET", "POST"])
def create_plan(request: AuthedRequest, pk: int) -> HttpResponse:
    access = get_participant_for_user(request.user, pk, purpose="Ny plan", manage=True)
    participant = access.participant
    if Plan.objects.active().filter(participant=participant).exists():
        status = 409 if request.method == "POST" else 200
        return render(
            request, "plans/plan_exists.html", {"participant": participant}, status=status
        )
    form = PlanForm(
        request.POST or None,
        organisations=actions.planning_organisations(participant),
        initial={"lead_organisation": participant.controlling_organisation_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.create_plan(participant, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, pgettext("plan", "Planen är skapad. Lägg till insatserna."))
            return redirect("plans:plan", pk=pk)
    context = {"form": form, "participant": participant, "creating": True}
    return render(request, "plans/plan_form.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def edit_plan(request: AuthedRequest, pk: int) -> HttpResponse:
    plan_access = get_plan_for_user(request.user, pk, purpose="Ändra plan", manage=True)
    plan = plan_access.plan
    if not plan.is_open:
        messages.error(request, NOT_OPEN)
        return redirect(plan)
    form = EditPlanForm(
        request.POST or None,
        organisations=actions.planning_organisations(plan.participant),
        initial={f: getattr(plan, f) for f in (*actions.PLAN_FIELDS, "version")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_plan(plan, actor=request.user, **form.cleaned_data)
        except Stale as stale:
            return _refuse_stale(request, "plans/plan_form.html", form, stale)
        except (ValidationError, InvalidTransition) as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, _("Planen är sparad."))
            return redirect(plan)
    context = {"form": form, "participant": plan.participant, "plan": plan}
    return render(request, "plans/plan_form.html", context, status=422 if form.errors else 200)


def _refuse_stale(
    request: AuthedRequest,
    template: str,
    form: EditPlanForm | EditPlanActionForm,
    stale: Stale,
    action: PlanAction | None = None,
) -> HttpResponse:
    current: Plan = stale.current
    saved: Plan | PlanAction = current
    if action is not None:
        saved = PlanAction.objects.select_related(
            "responsible_organisation", "responsible_person"
        ).get(pk=action.pk)
    context = {"participant": current.participant, "plan": current, "plan_action": action}
    return refuse(
        request,
        template,
        context,
        form=form,
        stale=stale,
        message=_(
            "Någon annan sparade ändringar i planen medan du arbetade. Jämför nedan och "
            "spara igen om dina uppgifter ska gälla."
        ),
        changed=changes(form, saved),
    )


@require_http_methods(["GET", "POST"])
def add_action(request: AuthedRequest, pk: int) -> HttpResponse:
    plan_access = get_plan_for_user(request.user, pk, purpose="Ny insats", manage=True)
    plan = plan_access.plan
    if not plan.is_open:
        messages.error(request, NOT_OPEN)
        return redirect(plan)
    form = _action_form(PlanActionForm, request, plan)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_plan_action(plan, actor=request.user, **form.content())
        except ValidationError as error:
            form.add_error("responsible_organisation", error)
        else:
            messages.success(request, pgettext("plan", "Insatsen är tillagd."))
            return redirect(plan)
    return _action_page(request, form, plan)


def _action_form(
    form_class: type[PlanActionForm], request: AuthedRequest, plan: Plan, **kwargs: Any
) -> Any:
    return form_class(
        request.POST or None,
        organisations=actions.planning_organisations(plan.participant),
        candidates=actions.responsible_candidates(plan.participant),
        **kwargs,
    )


def _action_page(
    request: AuthedRequest, form: PlanActionForm, plan: Plan, plan_action: PlanAction | None = None
) -> HttpResponse:
    context = {
        "form": form,
        "participant": plan.participant,
        "plan": plan,
        "plan_action": plan_action,
    }
    return render(request, "plans/action_form.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def edit_action(request: AuthedRequest, pk: int, action_pk: int) -> HttpResponse:
    plan_access, plan_action = get_action_for_user(
        request.user, pk, action_pk, purpose="Ändra insats", manage=True
    )
    plan = plan_access.plan
    if not plan.is_open:
        messages.error(request, NOT_OPEN)
        return redirect(plan)
    initial = {f: getattr(plan_action, f) for f in actions.ACTION_FIELDS}
    form = _action_form(
        EditPlanActionForm, request, plan, initial={**initial, "version": plan.version}
    )
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        try:
            actions.update_plan_action(
                plan_action, actor=request.user, version=version, **form.content()
            )
        except Stale as stale:
            return _refuse_stale(request, "plans/action_form.html", form, stale, plan_action)
        except ValidationError as error:
            form.add_error("responsible_organisation", error)
        else:
            messages.success(request, pgettext("plan", "Insatsen är sparad."))
            return redirect(plan)
    return _action_page(request, form, plan, plan_action)


@require_POST
def invite(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, purpose="Skicka plan", manage=True).plan
    form = VersionForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        actions.invite(plan, actor=request.user, version=form.cleaned_data["version"])
    except Stale:
        messages.error(request, STALE_STEP)
    except (ValidationError, InvalidTransition) as error:
        messages.error(request, _message(error))
    else:
        messages.success(
            request, _("Planen är skickad. Varje ansvarig organisation ska nu bekräfta den.")
        )
    return redirect(plan)


def _message(error: ValidationError | InvalidTransition) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


@require_POST
def confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, purpose="Bekräfta plan").plan
    form = VersionForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        actions.confirm_plan(plan, actor=request.user, version=form.cleaned_data["version"])
    except Stale:
        messages.error(request, STALE_STEP)
    except (ValidationError, InvalidTransition) as error:
        messages.error(request, _message(error))
    else:
        messages.success(
            request,
            _("Du har bekräftat planen för %(org)s.") % {"org": request.user.organisation},
        )
    return redirect(_next_url(request, plan.get_absolute_url()))


@require_http_methods(["GET", "POST"])
def approve(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, purpose="Personens godkännande", manage=True).plan
    form = ApprovalForm(request.POST or None, initial={"version": plan.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_approval(plan, actor=request.user, **data)
        except Stale:
            form.add_error(None, STALE_STEP)
            status = 409
        except (ValidationError, InvalidTransition) as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, _("Personens godkännande är registrerat."))
            return redirect(plan)
    if form.errors and status == 200:
        status = 422
    context = {"form": form, "participant": plan.participant, "plan": plan}
    return render(request, "plans/approve.html", context, status=status)


@require_http_methods(["GET", "POST"])
def close(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, purpose="Avsluta plan", manage=True).plan
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.close_plan(plan, actor=request.user, **form.cleaned_data)
        except InvalidTransition as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Planen är avslutad."))
            return redirect(plan)
    context = {"form": form, "participant": plan.participant, "plan": plan}
    return render(request, "plans/close.html", context, status=422 if form.errors else 200)


@require_GET
def versions(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, purpose="Planens versioner").plan
    agreed = [
        (version, PlanApproval.Method(version.snapshot["approval"]["method"]).label)
        for version in PlanVersion.objects.filter(plan=plan).order_by("-number")
    ]
    context = {"participant": plan.participant, "plan": plan, "versions": agreed}
    return render(request, "plans/versions.html", context)


@require_GET
def version_detail(request: AuthedRequest, pk: int, plan_version: int) -> HttpResponse:
    plan_access = get_plan_for_user(request.user, pk, purpose="Planversion")
    plan = plan_access.plan
    version = PlanVersion.objects.filter(plan=plan, number=plan_version).first()
    if version is None:
        raise Http404
    context = {
        "access": plan_access.access,
        "participant": plan.participant,
        "plan": plan,
        "version": version,
        "view": PlanView.of(version.snapshot, allows=plan_access.allows),
    }
    return render(request, "plans/version_detail.html", context)


@require_GET
def compare_versions(request: AuthedRequest, pk: int) -> HttpResponse:
    plan_access = get_plan_for_user(request.user, pk, purpose="Jämför planversioner")
    plan = plan_access.plan
    choices = _compare_choices(plan)
    numbers = [number for number, _label in choices]
    defaults = {"a": numbers[-2], "b": numbers[-1]} if len(numbers) >= 2 else None
    form = CompareForm(request.GET or defaults, choices=choices)
    context: dict[str, Any] = {"participant": plan.participant, "plan": plan, "form": form}
    if defaults is not None and form.is_valid():
        before, after = (
            PlanView.of(_snapshot(plan, form.cleaned_data[side]), allows=plan_access.allows)
            for side in ("a", "b")
        )
        context["plan_rows"], context["action_rows"] = compare(before, after)
        labels = dict(choices)
        context["before"], context["after"] = (
            labels[form.cleaned_data["a"]],
            labels[form.cleaned_data["b"]],
        )
    status = 422 if request.GET and form.errors else 200
    return render(request, "plans/compare.html", context, status=status)


def _compare_choices(plan: Plan) -> list[tuple[int, str]]:
    """Every agreed version, and the working revision if it is not agreed yet."""
    choices = [
        (
            v.number,
            _("Version %(number)s, överenskommen %(date)s")
            % {"number": v.number, "date": timezone.localtime(v.agreed_at).date().isoformat()},
        )
        for v in PlanVersion.objects.filter(plan=plan)
        .order_by("number")
        .only("number", "agreed_at")
    ]
    if plan.revision not in {number for number, _label in choices}:
        choices.append(
            (
                plan.revision,
                _("Revision %(number)s, inte överenskommen än") % {"number": plan.revision},
            )
        )
    return choices


def _snapshot(plan: Plan, number: int) -> Snapshot:
    version = PlanVersion.objects.filter(plan=plan, number=number).first()
    if version is not None:
        kept: Snapshot = version.snapshot  # a JSONField: what snapshot_of wrote when agreed
        return kept
    return snapshot_of(plan, actions.actions_of(plan))


@require_GET
def plan_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    """The agreed plan on paper, for the person to keep. Someone from another organisation
    prints only what the person's consent lets them see."""
    plan_access = get_plan_for_user(request.user, pk, purpose="Plan, utskrift")
    plan = plan_access.plan
    version = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    if version is None:
        return render(
            request, "plans/no_agreed_version.html", {"participant": plan.participant, "plan": plan}
        )
    context = {
        "participant": plan.participant,
        "plan": plan,
        "version": version,
        "view": PlanView.of(version.snapshot, allows=plan_access.allows),
        "team": [member for member, sees in team_with_access(plan.participant) if sees],
        "printed_at": timezone.localtime(),
        "printed_by": request.user,
    }
    pdf = render_pdf("plans/plan_pdf.html", context, request=request)
    record(
        actor=request.user,
        action=AuditEvent.Action.PRINT,
        obj=version,
        participant_id=plan.participant_id,
        consent_id=plan_access.access.consent.pk if plan_access.access.consent else None,
        role=plan_access.access.role,
        flagged=plan.participant.is_protected,
        summary=f"Skrev ut planen (version {version.number})",
    )
    return pdf_response(pdf, f"plan-{pk}-version-{version.number}.pdf")


@require_POST
def action_status(request: AuthedRequest, action_pk: int) -> HttpResponse:
    _access, plan_action = get_action_for_follow_up(request.user, action_pk)
    form = StatusForm(request.POST, with_note="follow_up_note" in request.POST)
    saved = False
    if form.is_valid():
        try:
            plan_action = actions.change_action_status(
                plan_action,
                actor=request.user,
                version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                follow_up_note=form.cleaned_data.get("follow_up_note"),
            )
            saved = True
        except Stale as stale:
            return _refuse_stale_follow_up(request, form, stale)
        except InvalidTransition as error:
            form.add_error(None, str(error))
    if is_htmx(request):
        item = action_item(plan_action, timezone.localdate())
        context = {
            "item": item,
            "saved": saved,
            "form": form,
            "next": _next_url(request, reverse("worklist:index")),
        }
        return render(
            request, "plans/worklist_section.html#row", context, status=200 if saved else 422
        )
    if saved:
        messages.success(
            request,
            _("Status är sparad: %(status)s.") % {"status": plan_action.get_status_display()},
        )
    else:
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
    return redirect(_next_url(request, reverse("worklist:index")))


def _refuse_stale_follow_up(request: AuthedRequest, form: StatusForm, stale: Stale) -> HttpResponse:
    """409: what the other person saved beside the user's follow-up, which is kept, in the
    worklist row (htmx) or on a page of its own."""
    current: PlanAction = stale.current
    context = {
        "participant": current.plan.participant,
        "plan": current.plan,
        "plan_action": current,
        "item": action_item(current, timezone.localdate()),
        "chosen": form.cleaned_data["status"],
        "next": _next_url(request, reverse("worklist:index")),
    }
    template = "plans/worklist_section.html#row" if is_htmx(request) else "plans/follow_up.html"
    return refuse(
        request,
        template,
        context,
        form=form,
        stale=stale,
        message=STALE_FOLLOW_UP,
        changed=changes(form, current),
    )
