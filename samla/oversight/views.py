from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samla.accounts.access import org_admin_required
from samla.accounts.http import AuthedRequest
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.form_errors import status
from samla.oversight import actions
from samla.oversight.forms import LogReviewForm, ReferenceForm, ReviewFilterForm
from samla.oversight.logs import (
    by_user,
    describe_events,
    events_for_review,
    extract_events,
    summarize,
    within_period,
)
from samla.oversight.models import LogReview
from samla.oversight.references import participant_id_of
from samla.pdf import pdf_response, render_pdf
from samla.people.access import get_participant_for_user, visible_participants

# The review's summary per user: the most active first, over the last 30 days unless a period is
# asked for (a monthly check's period).
SUMMARY_DAYS = 30
SUMMARY_USERS = 25


@require_GET
def review(request: AuthedRequest) -> HttpResponse:
    """Loggkontroll: the organisation's log reviewer looks through reads of its records and
    its users' actions, with protected identities flagged (R4, R6), and every person shown by the
    organisation's reference to them (ADR 0013)."""
    organisation = request.user.organisation
    if not request.user.is_org_admin or organisation is None:
        raise Http404
    form = ReviewFilterForm(request.GET or None)
    events = events_for_review(organisation)
    period: tuple[date | None, date | None] = _last_days(SUMMARY_DAYS)
    if form.is_valid():
        data = form.cleaned_data
        events = within_period(events, data["date_from"], data["date_to"])
        if data["date_from"] or data["date_to"]:
            period = (data["date_from"], data["date_to"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["flagged"]:
            events = events.filter(flagged=True)
        if data["reference"]:
            person = participant_id_of(organisation.pk, data["reference"])
            events = events.filter(participant_id=person) if person else events.none()
    # Per user before the rows: over the period asked for, else the last 30 days.
    summary, more_users = by_user(within_period(events, *period), SUMMARY_USERS)
    if form.is_valid() and form.cleaned_data["sample"]:
        events = events.filter(action=AuditEvent.Action.VIEW).order_by("?")[:20]
    with transaction.atomic():
        page = Paginator(events, 50).get_page(request.GET.get("sida"))
        rows = describe_events(list(page.object_list), reviewer_organisation_id=organisation.pk)
        record(actor=request.user, action=AuditEvent.Action.VIEW, summary="Loggranskning")
    # Whom this reviewer may look up: a link to resolve the reference, nothing of the person.
    resolvable = set(
        visible_participants(request.user)
        .filter(pk__in={row.event.participant_id for row in rows})
        .values_list("pk", flat=True)
    )
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "resolvable": resolvable,
        "summary": summary,
        "more_users": more_users,
        "period": period,
        "last_check": LogReview.objects.filter(organisation=organisation).first(),
    }
    return render(request, "oversight/review.html", context)


@org_admin_required
@require_http_methods(["GET", "POST"])
def checks(request: AuthedRequest) -> HttpResponse:
    """Kontroll dokumenterad: the reviewer records which period they checked, what they found
    and what is done about it; the organisation's earlier checks below."""
    organisation = request.user.organisation
    assert organisation is not None
    start, end = _last_days(SUMMARY_DAYS)
    form = LogReviewForm(
        request.POST if request.method == "POST" else None,
        initial={"period_from": start, "period_to": end, "finding": LogReview.Finding.NONE},
    )
    if form.is_valid():
        actions.document_check(actor=request.user, check=form.save(commit=False))
        messages.success(request, _("Kontrollen är dokumenterad."))
        return redirect("oversight:checks")
    done = LogReview.objects.filter(organisation=organisation).select_related("reviewer")
    context = {"form": form, "checks": done[:100]}
    return render(request, "oversight/checks.html", context, status=status(form))


def _last_days(days: int) -> tuple[date, date]:
    today = timezone.localdate()
    return today - timedelta(days=days - 1), today


@require_GET
def resolve_reference(request: AuthedRequest) -> HttpResponse:
    """From a reference in the log review to the person's page, for a user who may see the
    person, logged as a read of them; 404 for everyone else (ADR 0013)."""
    form = ReferenceForm(request.GET if "reference" in request.GET else None)
    if not form.is_valid():
        return render(request, "oversight/reference.html", {"form": form}, status=status(form))
    organisation_id = request.user.organisation_id
    participant_id = (
        participant_id_of(organisation_id, form.cleaned_data["reference"])
        if organisation_id is not None
        else None
    )
    if participant_id is None:
        raise Http404
    access = get_participant_for_user(
        request.user, participant_id, purpose="Referens från loggranskningen"
    )
    return redirect(access.participant)


@require_GET
def access_extract(request: AuthedRequest, pk: int) -> HttpResponse:
    """Who has read or changed this person's data, when, and under which consent (R4)."""
    access = get_participant_for_user(request.user, pk, purpose="Loggutdrag", manage=True)
    rows = describe_events(
        list(extract_events([pk])),
        reviewer_organisation_id=access.participant.controlling_organisation_id,
    )
    return render(
        request, "oversight/extract.html", {"participant": access.participant, "rows": rows}
    )


@require_GET
def access_extract_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    access = get_participant_for_user(
        request.user, pk, purpose="Loggutdrag", manage=True, action=AuditEvent.Action.PRINT
    )
    events = extract_events([pk])
    rows = describe_events(
        list(events), reviewer_organisation_id=access.participant.controlling_organisation_id
    )
    context = {
        "participant": access.participant,
        "summary": summarize(events),
        "rows": rows,
        "printed_at": timezone.localtime(),
    }
    pdf = render_pdf("oversight/extract_pdf.html", context, request=request)
    return pdf_response(pdf, f"vem-har-last-{pk}.pdf")
