"""Vem har läst om mig: the person's own access extract (R4), on the page and as a PDF.

The staff's extract (``samla.oversight``) and this one are made by the same code
(``oversight.logs``): the events of every record the person has, a summary per organisation, role
and ground, and each event in words. Opening either is itself logged as the person's own read,
before the log is read, so it is in the extract too ("du själv")."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from samla.accounts.http import AuthedRequest
from samla.audit.models import AuditEvent
from samla.mysamla.http import person_view
from samla.oversight.forms import PeriodForm
from samla.oversight.logs import describe_events, extract_events, summarize, within_period
from samla.pdf import pdf_response, render_pdf
from samla.people.access import read_own
from samla.people.models import Participant

PURPOSE = "Vem har läst om mig"
PER_PAGE = 25


@person_view
@require_GET
def reads(request: AuthedRequest) -> HttpResponse:
    """Who read the person's data: a summary first, then each event, newest first, in a
    period the person may choose."""
    form = PeriodForm(request.GET or None)
    with transaction.atomic():
        records = read_own(request.user, purpose=PURPOSE)
        events = extract_events(record.pk for record in records)
        summary = summarize(events)
        if form.is_valid():
            data = form.cleaned_data
            events = within_period(events, data["date_from"], data["date_to"])
        page = Paginator(events, PER_PAGE).get_page(request.GET.get("sida"))
        rows = describe_events(list(page.object_list), reviewer_organisation_id=None)
    context = {
        "form": form,
        "summary": summary,
        "page": page,
        "rows": rows,
        "several_records": _several_controllers(records),
        "filter_query": _without_page(request),
    }
    status = 422 if form.is_bound and not form.is_valid() else 200
    return render(request, "mysamla/reads.html", context, status=status)


@person_view
@require_GET
def reads_pdf(request: AuthedRequest) -> HttpResponse:
    """The whole extract to keep: the summary, then every event."""
    with transaction.atomic():
        records = read_own(request.user, purpose=PURPOSE, action=AuditEvent.Action.PRINT)
        events = extract_events(record.pk for record in records)
        summary = summarize(events)
        rows = describe_events(list(events), reviewer_organisation_id=None)
    context = {
        "summary": summary,
        "rows": rows,
        "several_records": _several_controllers(records),
        "participant": request.user.get_full_name(),
        "printed_at": timezone.localtime(),
    }
    pdf = render_pdf("mysamla/reads_pdf.html", context, request=request)
    return pdf_response(pdf, "vem-har-last.pdf")


def _several_controllers(records: list[Participant]) -> bool:
    """Whether to say, at each event, which organisation's record of the person was read."""
    return len({record.controlling_organisation_id for record in records}) > 1


def _without_page(request: AuthedRequest) -> str:
    query = request.GET.copy()
    query.pop("sida", None)
    return query.urlencode()
