"""Min plan: the person's agreed plan, a revision waiting for their approval (approve with e-ID,
or "not yet, because …"), and ending the plan with e-ID."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samla.accounts.http import AuthedRequest
from samla.concurrency import Stale
from samla.mysamla import signing
from samla.mysamla.http import person_view
from samla.plans import actions
from samla.plans.access import OwnPlan, get_own_plan, own_plans
from samla.plans.forms import NotYetForm, PersonCloseForm, VersionForm
from samla.plans.models import InvalidTransition, Plan, PlanApproval
from samla.plans.snapshots import PlanView, snapshot_of

CHANGED = gettext_lazy(
    "Planen har ändrats sedan du läste den. Läs igenom den igen. Ingenting har sparats."
)


def _everything(category: str) -> bool:
    """The person sees all of their own plan."""
    return True


def _item(own: OwnPlan, not_yet: NotYetForm | None) -> dict[str, Any]:
    plan = own.plan
    proposal = None
    if plan is not None and own.waits_for_person:
        proposal = PlanView.of(snapshot_of(plan, actions.actions_of(plan)), allows=_everything)
        not_yet = not_yet or NotYetForm(
            initial={"version": plan.version}, auto_id=f"id_{own.participant.pk}_%s"
        )
    return {
        "own": own,
        "plan": plan,
        "agreed": None
        if own.agreed is None
        else PlanView.of(own.agreed.snapshot, allows=_everything),
        "proposal": proposal,
        "not_yet": not_yet,
    }


def _page(
    request: AuthedRequest, *, not_yet: dict[int, NotYetForm] | None = None, status: int = 200
) -> HttpResponse:
    plans = own_plans(request.user, purpose="Min Samla, plan")
    items = [_item(own, (not_yet or {}).get(own.participant.pk)) for own in plans]
    context = {"items": items, "several": len(items) > 1}
    return render(request, "mysamla/plan.html", context, status=status)


@person_view
@require_GET
def plan(request: AuthedRequest) -> HttpResponse:
    return _page(request)


@person_view
@require_POST
def approve(request: AuthedRequest, pk: int) -> HttpResponse:
    """To the e-ID provider, to sign the approval of the revision the person read."""
    own = get_own_plan(request.user, pk, purpose="Min Samla, godkänna planen")
    form = VersionForm(request.POST)
    if not form.is_valid():
        raise Http404
    version = form.cleaned_data["version"]
    assert own.plan is not None
    if not own.waits_for_person or version != own.plan.version:
        messages.error(request, CHANGED)
        return redirect("mysamla:plan")
    data = {"participant": pk, "plan": own.plan.pk, "version": version}
    return signing.start(request, action="plan_approve", data=data, back=reverse("mysamla:plan"))


@signing.handler("plan_approve")
def approve_signed(
    request: AuthedRequest, data: dict[str, Any], signature: signing.Signature
) -> HttpResponse:
    """Signed: the same revision must still wait for the person, else nothing is recorded."""
    own = _still_own(request, data, purpose="Min Samla, godkänna planen")
    if own is None or not own.waits_for_person:
        messages.error(request, CHANGED)
        return redirect("mysamla:plan")
    assert own.plan is not None
    try:
        actions.record_approval(
            own.plan,
            actor=request.user,
            version=int(data.get("version", 0)),
            method=PlanApproval.Method.DIGITAL,
            acr=signature.acr,
            provider=signature.provider,
            at=signature.at,
        )
    except Stale:
        messages.error(request, CHANGED)
    except (ValidationError, InvalidTransition):
        messages.error(request, CHANGED)
    else:
        own.plan.refresh_from_db(fields=["state"])
        if own.plan.state == Plan.State.AGREED:
            messages.success(request, _("Du har godkänt planen. Nu är den överenskommen."))
        else:
            messages.success(
                request,
                _(
                    "Du har godkänt planen. Den blir överenskommen när alla organisationer har "
                    "bekräftat sin del."
                ),
            )
    return redirect("mysamla:plan")


def _still_own(request: AuthedRequest, data: dict[str, Any], *, purpose: str) -> OwnPlan | None:
    """The plan the person signed for, if it is still their open plan."""
    try:
        own = get_own_plan(request.user, int(data.get("participant", 0)), purpose=purpose)
    except (Http404, TypeError, ValueError):
        return None
    assert own.plan is not None
    return own if own.plan.pk == data.get("plan") else None


@person_view
@require_POST
def not_yet(request: AuthedRequest, pk: int) -> HttpResponse:
    """ "Not yet, because …": no e-ID needed, the reason is."""
    own = get_own_plan(request.user, pk, purpose="Min Samla, svara inte än")
    assert own.plan is not None
    form = NotYetForm(request.POST, auto_id=f"id_{pk}_%s")
    if not form.is_valid():
        return _page(request, not_yet={pk: form}, status=422)
    if not own.waits_for_person:
        messages.error(request, CHANGED)
        return redirect("mysamla:plan")
    try:
        actions.defer_approval(
            own.plan,
            actor=request.user,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
    except (Stale, ValidationError, InvalidTransition):
        # The person's words are kept, to send again about the plan as it is now.
        own.plan.refresh_from_db(fields=["version"])
        data = request.POST.copy()
        data["version"] = str(own.plan.version)
        form = NotYetForm(data, auto_id=f"id_{pk}_%s")
        form.is_valid()
        form.add_error(None, CHANGED)
        return _page(request, not_yet={pk: form}, status=409)
    messages.success(
        request, _("Tack för ditt svar. Din koordinator ser det och hör av sig till dig.")
    )
    return redirect("mysamla:plan")


@person_view
@require_http_methods(["GET", "POST"])
def close(request: AuthedRequest, pk: int) -> HttpResponse:
    """Ending the plan: the person may at any time (R10), signed with e-ID."""
    own = get_own_plan(request.user, pk, purpose="Min Samla, avsluta planen")
    assert own.plan is not None
    form = PersonCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {"participant": pk, "plan": own.plan.pk, "note": form.cleaned_data["note"]}
        back = reverse("mysamla:plan")
        return signing.start(request, action="plan_close", data=data, back=back)
    context = {"own": own, "form": form}
    return render(request, "mysamla/plan_close.html", context, status=422 if form.errors else 200)


@signing.handler("plan_close")
def close_signed(
    request: AuthedRequest, data: dict[str, Any], signature: signing.Signature
) -> HttpResponse:
    own = _still_own(request, data, purpose="Min Samla, avsluta planen")
    if own is None:
        messages.error(request, _("Planen är redan avslutad. Ingenting har ändrats."))
        return redirect("mysamla:plan")
    assert own.plan is not None
    try:
        actions.close_plan(
            own.plan,
            actor=request.user,
            reason=Plan.CloseReason.PERSON,
            note=str(data.get("note", ""))[:1000],
            signed=signature.describe(),
        )
    except InvalidTransition:
        messages.error(request, _("Planen är redan avslutad. Ingenting har ändrats."))
    else:
        messages.success(request, _("Din plan är avslutad. Din koordinator får veta det."))
    return redirect("mysamla:plan")
