from __future__ import annotations

from datetime import datetime, time

from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from samla.accounts.http import AuthedRequest
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.oversight.forms import ReviewFilterForm
from samla.oversight.logs import describe_events, events_for_review
from samla.pdf import pdf_response, render_pdf
from samla.people.access import get_participant_for_user


@require_GET
def review(request: AuthedRequest) -> HttpResponse:
    """Loggkontroll: the organisation's log reviewer looks through reads of its records and
    its users' actions, with protected identities flagged (R4, R6)."""
    if not request.user.is_org_admin or request.user.organisation is None:
        raise Http404
    form = ReviewFilterForm(request.GET or None)
    events = events_for_review(request.user.organisation)
    if form.is_valid():
        data = form.cleaned_data
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            events = events.filter(
                created_at__gte=datetime.combine(data["date_from"], time.min, tz)
            )
        if data["date_to"]:
            events = events.filter(created_at__lte=datetime.combine(data["date_to"], time.max, tz))
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["flagged"]:
            events = events.filter(flagged=True)
        if data["participant"]:
            events = events.filter(participant_id=data["participant"])
        if data["sample"]:
            events = events.filter(action=AuditEvent.Action.VIEW).order_by("?")[:20]
    with transaction.atomic():
        page = Paginator(events, 50).get_page(request.GET.get("sida"))
        rows = describe_events(list(page.object_list))
        record(actor=request.user, action=AuditEvent.Action.VIEW, summary="Loggranskning")
    return render(request, "oversight/review.html", {"form": form, "page": page, "rows": rows})


@require_GET
def access_extract(request: AuthedRequest, pk: int) -> HttpResponse:
    """Who has read or changed this person's data, when, and under which consent (R4)."""
    access = get_participant_for_user(request.user, pk, purpose="Loggutdrag", manage=True)
    rows = describe_events(list(AuditEvent.objects.for_participant(pk).order_by("-seq")))
    return render(
        request, "oversight/extract.html", {"participant": access.participant, "rows": rows}
    )


@require_GET
def access_extract_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    access = get_participant_for_user(
        request.user, pk, purpose="Loggutdrag", manage=True, action=AuditEvent.Action.PRINT
    )
    rows = describe_events(list(AuditEvent.objects.for_participant(pk).order_by("-seq")))
    pdf = render_pdf(
        "oversight/extract_pdf.html",
        {"participant": access.participant, "rows": rows, "printed_at": timezone.localtime()},
        request=request,
    )
    return pdf_response(pdf, f"vem-har-last-{pk}.pdf")
