"""Writes of the reports app, each in one transaction with its audit row: ordering an annual
report (which queues the task in tasks.py that makes it), downloading it, and making an ESF
participant file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samla import spreadsheets
from samla.accounts.models import User
from samla.activities.models import Activity
from samla.audit.models import AuditEvent
from samla.audit.record import record, record_each
from samla.organisations.models import Association
from samla.reports.access import ESF_ROLE, reporting_role
from samla.reports.esf import ESF_HEADER, EsfMonth, esf_line, notes, participations_in
from samla.reports.models import AnnualReport
from samla.reports.tasks import build_annual_report

# A report still queued or running after this long is taken to be lost with its worker.
PENDING_AT_MOST = timedelta(hours=1)


@transaction.atomic
def order_annual_report(association: Association, *, actor: User, year: int) -> AnnualReport:
    """Queue the report, once this transaction commits. A report of the same year that is still
    being made is returned instead of a second one, unless it has waited so long that its
    worker must have died."""
    pending = (
        AnnualReport.objects.filter(
            association=association,
            year=year,
            requested_at__gte=timezone.now() - PENDING_AT_MOST,
        )
        .exclude(state__in=AnnualReport.FINISHED_STATES)
        .defer("pdf")
        .first()
    )
    if pending is not None:
        return pending
    report = AnnualReport.objects.create(association=association, year=year, requested_by=actor)
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=report,
        role=reporting_role(actor, association),
        summary=f"Verksamhetsberättelse {year} beställd",
    )
    transaction.on_commit(lambda: build_annual_report.enqueue(report.pk))
    return report


def record_download(report: AnnualReport, *, actor: User) -> None:
    record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=report,
        role=reporting_role(actor, report.association),
        summary=f"Verksamhetsberättelse {report.year} hämtad",
    )


@dataclass(frozen=True)
class ExportedFile:
    filename: str
    content: bytes
    content_type: str


@transaction.atomic
def export_esf_file(
    activity: Activity, *, actor: User, month: EsfMonth, file_format: str
) -> ExportedFile:
    """The activity's participant file for one month, one line per participation active in it,
    and one audit row per person in it (R3, R4), all in this transaction: a file that could not
    be logged is never handed out. A person with a protected identity gets no line, only a place
    in the count that the notes give (R6); their audit row is flagged."""
    participations = list(participations_in(activity, month))
    lines = [esf_line(p, month) for p in participations if not p.participant.is_protected]
    people = {p.participant_id: p.participant.is_protected for p in participations}
    record_each(
        people.items(),
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=activity,
        role=ESF_ROLE,
        summary=f"ESF-deltagarfil {month}",
    )
    protected = len(participations) - len(lines)
    rows: list[Sequence[object]] = [ESF_HEADER, *lines, *notes(len(participations), protected)]
    filename = f"esf-deltagare-{activity.pk}-{month}.{file_format}"
    if file_format == "xlsx":
        content = spreadsheets.xlsx_bytes(
            rows, sheet_title=_("Deltagare %(month)s") % {"month": month}
        )
        return ExportedFile(filename, content, spreadsheets.XLSX_CONTENT_TYPE)
    content = spreadsheets.csv_text(rows).encode("utf-8")
    return ExportedFile(filename, content, spreadsheets.CSV_CONTENT_TYPE)
