"""Gallring for an organisation's administrator: the rules per record type, the proposals to
start from, and the holds (docs/domain.md R8). Everyone else gets 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from samla.accounts.access import org_admin_required
from samla.accounts.actions import ActionRefused
from samla.accounts.http import AuthedRequest, is_htmx
from samla.concurrency import Stale, changes, refuse
from samla.form_errors import status
from samla.oversight.references import reference_for
from samla.reports.access import get_association_for_reports
from samla.retention import actions
from samla.retention.access import (
    SeveralRecords,
    automatic_culling,
    holds_of,
    person_to_hold,
    protocols_of,
    rules_of,
    runs_of,
)
from samla.retention.culling import WITHIN_A_PERSON
from samla.retention.forms import CullingSettingsForm, HoldForm, LiftForm, PresetForm, RuleForm
from samla.retention.models import CullingRun, LegalHold, RecordType, RetentionRule
from samla.retention.presets import preset, presets_for


@dataclass(frozen=True)
class Row:
    record_type: RecordType
    rule: RetentionRule | None


@dataclass(frozen=True)
class HoldRow:
    hold: LegalHold
    reference: str


@org_admin_required
@require_http_methods(["GET"])
def rules(request: AuthedRequest) -> HttpResponse:
    organisation = request.user.organisation
    assert organisation is not None
    kept = {rule.record_type: rule for rule in rules_of(request.user)}
    context = {
        "rows": [Row(record_type, kept.get(record_type)) for record_type in RecordType],
        "presets": presets_for(organisation),
        "holds_in_force": holds_of(request.user).in_force().count(),
    }
    return render(request, "retention/rules.html", context)


@org_admin_required
@require_http_methods(["GET", "POST"])
def rule(request: AuthedRequest) -> HttpResponse:
    """One record type's rule (``?typ=``): set, change or remove it."""
    organisation = request.user.organisation
    assert organisation is not None
    try:
        record_type = RecordType(request.GET.get("typ", ""))
    except ValueError:
        raise Http404 from None
    current = rules_of(request.user).filter(record_type=record_type).first()
    form = RuleForm(
        request.POST if request.method == "POST" else None,
        instance=current,
        organisation=organisation,
        record_type=record_type,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if "remove" in request.POST and current is not None:
                actions.remove_rule(actor=request.user, rule=current, version=data["version"])
                messages.success(request, _("Regeln är borttagen. Uppgifterna gallras inte."))
            else:
                actions.save_rule(
                    actor=request.user,
                    organisation=organisation,
                    record_type=record_type,
                    years=data["years"],
                    starts_from=data["starts_from"],
                    keeps_research_days=data["keeps_research_days"],
                    decision=data["decision"],
                    decided_on=data["decided_on"],
                    version=data["version"],
                )
                messages.success(request, _("Regeln är sparad."))
        except Stale as stale:
            return refuse(
                request,
                "retention/rule.html",
                {"record_type": record_type, "rule": stale.current},
                form=form,
                stale=stale,
                message=_(
                    "Någon annan har ändrat regeln medan du arbetade. Här är regeln som den är "
                    "sparad nu och dina ändringar. Spara igen om dina ska gälla."
                ),
                changed=changes(form, stale.current),
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect("retention:rules")
    context = {"form": form, "record_type": record_type, "rule": current}
    return render(request, "retention/rule.html", context, status=status(form))


@org_admin_required
@require_POST
def apply_preset(request: AuthedRequest) -> HttpResponse:
    organisation = request.user.organisation
    assert organisation is not None
    form = PresetForm(request.POST)
    chosen = preset(form.data.get("preset", "")) if form.is_valid() else None
    if chosen is None or chosen not in presets_for(organisation):
        messages.error(request, _("Förslaget finns inte för din organisation."))
        return redirect("retention:rules")
    added = actions.apply_preset(actor=request.user, organisation=organisation, preset=chosen)
    if added:
        messages.success(
            request,
            ngettext(
                "%(count)s regel är tillagd ur förslaget. Kontrollera beslutsdatum och beslut.",
                "%(count)s regler är tillagda ur förslaget. Kontrollera beslutsdatum och beslut.",
                added,
            )
            % {"count": added},
        )
    else:
        messages.info(request, _("Alla uppgifter i förslaget har redan en regel. Inget ändrades."))
    return redirect("retention:rules")


@org_admin_required
@require_http_methods(["GET", "POST"])
def holds(request: AuthedRequest) -> HttpResponse:
    """The organisation's holds, in force first, and a form to place one."""
    organisation_id = request.user.organisation_id
    assert organisation_id is not None
    form = HoldForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            person = person_to_hold(request.user, form.cleaned_data["person"])
        except SeveralRecords:
            person = None
            form.add_error(
                "person",
                _(
                    "Personnumret finns i flera akter hos din organisation. Ange referensen "
                    "från loggranskningen för den akt stoppet gäller."
                ),
            )
        if person is None and not form.errors:
            form.add_error(
                "person",
                _(
                    "Ingen person med den referensen eller det numret har uppgifter "
                    "hos din organisation i Samla."
                ),
            )
        elif person is not None:
            data = form.cleaned_data
            hold = actions.place_hold(
                actor=request.user,
                participant=person,
                record_type=data["record_type"],
                object_id=data["object_id"],
                reason=data["reason"],
                note=data["note"],
            )
            messages.success(
                request,
                _("Gallringsstopp är lagt för %(reference)s.")
                % {"reference": reference_for(organisation_id, hold.participant_id)},
            )
            return redirect("retention:holds")
    in_force_first = F("lifted_at").asc(nulls_first=True)  # NULLs sort last on PostgreSQL
    all_holds = list(holds_of(request.user).order_by(in_force_first, "-placed_at", "-pk"))
    rows = [HoldRow(h, reference_for(organisation_id, h.participant_id)) for h in all_holds]
    context = {"form": form, "rows": rows, "lift_form": LiftForm()}
    return render(request, "retention/holds.html", context, status=status(form))


@org_admin_required
@require_POST
def lift_hold(request: AuthedRequest) -> HttpResponse:
    form = LiftForm(request.POST)
    form.is_valid()
    hold_id = form.cleaned_data.get("hold")
    hold = holds_of(request.user).filter(pk=hold_id).first() if hold_id is not None else None
    if hold is None:
        raise Http404
    if form.errors:  # the page's field asks for a reason, of at most 2 000 characters
        messages.error(request, _("Skriv varför stoppet hävs."))
        return redirect("retention:holds")
    try:
        actions.lift_hold(actor=request.user, hold=hold, note=form.cleaned_data["lift_note"])
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Gallringsstoppet är hävt."))
    return redirect("retention:holds")


@dataclass(frozen=True)
class CountRow:
    rule: RecordType  # the rule that culls
    record_type: RecordType
    count: int


def _count_rows(counts: dict[str, int]) -> list[CountRow]:
    """A run's counts ("rule:type"), by rule and type in the order of the record types."""
    order = {kind.value: n for n, kind in enumerate(RecordType)}
    rows = []
    for key, count in counts.items():
        rule, _colon, kind = key.partition(":")
        rows.append(CountRow(RecordType(rule), RecordType(kind), count))
    return sorted(rows, key=lambda row: (order[row.rule], order[row.record_type]))


@org_admin_required
@require_http_methods(["GET", "POST"])
def runs(request: AuthedRequest) -> HttpResponse:
    """The organisation's culling runs, the newest first: the one waiting or under way, and the
    protocols. POST: a new preview, now."""
    organisation = request.user.organisation
    assert organisation is not None
    if request.method == "POST":
        try:
            run = actions.start_preview(
                organisation, actor=request.user, today=timezone.localdate()
            )
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("retention:runs")
        if run is None:
            messages.error(
                request,
                _("Det finns ingen gallringsregel med en tid som gallrar. Ange den först."),
            )
            return redirect("retention:runs")
        return redirect("retention:run", pk=run.pk)
    cullable = [RecordType.PARTICIPANT, *WITHIN_A_PERSON]  # in the order of the record types
    context = {
        "runs": list(runs_of(request.user)[:50]),
        "settings_form": CullingSettingsForm(
            initial={"automatic": automatic_culling(request.user)}
        ),
        "cullable": sorted(
            rules_of(request.user).filter(record_type__in=cullable, years__isnull=False),
            key=lambda rule: cullable.index(RecordType(rule.record_type)),
        ),
    }
    return render(request, "retention/runs.html", context)


@org_admin_required
@require_POST
def culling_settings(request: AuthedRequest) -> HttpResponse:
    organisation = request.user.organisation
    assert organisation is not None
    form = CullingSettingsForm(request.POST)
    form.is_valid()  # a checkbox: always valid
    automatic = bool(form.cleaned_data.get("automatic"))
    actions.save_culling_settings(organisation, actor=request.user, automatic=automatic)
    messages.success(
        request,
        _("Gallringen sker nu automatiskt.")
        if automatic
        else _("Gallringen sker nu först när du godkänt förhandsgranskningen."),
    )
    return redirect("retention:runs")


@org_admin_required
@require_http_methods(["GET"])
def run(request: AuthedRequest, pk: int) -> HttpResponse:
    """A preview to approve, a run under way (the page follows it), or a protocol."""
    found = runs_of(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    context = {
        "run": found,
        "preview_rows": _count_rows(found.counts),
        "culled_rows": _count_rows(found.culled_counts),
    }
    template = "retention/run.html#status" if is_htmx(request) else "retention/run.html"
    return render(request, template, context)


def _decide(
    request: AuthedRequest,
    pk: int,
    decide: Callable[..., CullingRun],
    done: str,
) -> HttpResponse:
    """Approve or discard one of the organisation's previews (404 for another's)."""
    found = runs_of(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    try:
        decide(found, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done)
    return redirect("retention:run", pk=found.pk)


@org_admin_required
@require_POST
def approve_run(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, actions.approve_run, _("Gallringen är godkänd och pågår."))


@org_admin_required
@require_POST
def discard_run(request: AuthedRequest, pk: int) -> HttpResponse:
    done = _("Förhandsgranskningen är avbruten. Inget gallrades.")
    return _decide(request, pk, actions.discard_run, done)


@dataclass(frozen=True)
class ProtocolRow:
    run: CullingRun
    people: int | None  # None: fewer than the association's k, not shown


@require_http_methods(["GET"])
def association_protocols(request: AuthedRequest, association_pk: int) -> HttpResponse:
    """The association's copy of the culling protocols of the organisations around it (office
    and board, as its reports): when, by which organisation under which rule, approved by
    whom, and how many of its participants, hidden under k like any count (R7)."""
    association = get_association_for_reports(request.user, association_pk)
    k = association.suppression_k
    rows = []
    for found in protocols_of(association):
        people = found.by_association[str(association.pk)]
        rows.append(ProtocolRow(found, people if people >= k else None))
    context = {"association": association, "rows": rows, "k": k}
    return render(request, "retention/association_protocols.html", context)
