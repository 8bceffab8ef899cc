"""What the reports publish, for a release of the statistics (ADR 0012): the annual report of
every year the association has had activities, whose figures the FK follow-up export also
shows (``settings.SAMLA_PUBLICATIONS``)."""

from __future__ import annotations

from datetime import date

from samla.indicators.recording import Recorder, publishing
from samla.organisations.models import Association
from samla.reports.annual import annual_report_context
from samla.reports.yearly import first_year


def record_reports(association: Association, recorder: Recorder, *, today: date) -> None:
    recorder.detail = 0
    for year in range(first_year(association, today), today.year + 1):
        recorder.place = f"Verksamhetsberättelse {year}"
        with publishing(recorder):
            context = annual_report_context(association, year)
            if context["outcomes"] is not None:
                context["outcomes"].tables  # noqa: B018  (counting is the point)
