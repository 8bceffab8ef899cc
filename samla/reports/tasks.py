"""The background task that makes an annual report.

Progress is written in short transactions of its own (the worker runs in autocommit), so the
report's page, polling, sees the bar move while the figures are counted and the PDF is drawn.
``actions.order_annual_report`` queues it; the task writes only its own report's state.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django_tasks import task

from samla.replica import reading_from_replica
from samla.reports.annual import render_annual_report
from samla.reports.models import AnnualReport


@task()
def build_annual_report(report_id: int) -> str:
    """Make the report's PDF. Returns the report's final state."""
    claimed = AnnualReport.objects.filter(pk=report_id, state=AnnualReport.State.QUEUED).update(
        state=AnnualReport.State.RUNNING, started_at=timezone.now(), progress=5
    )
    if not claimed:
        return "not queued"  # already taken by another run of the task
    report = AnnualReport.objects.select_related("association").defer("pdf").get(pk=report_id)

    def progress(percent: int, step: str) -> None:
        AnnualReport.objects.filter(pk=report_id).update(progress=percent, step=step)

    # The report is the association's document, written in the site's language. Its figures
    # are counts, read where the heavy reads go (samla/replica.py); progress goes to the primary.
    with translation.override(settings.LANGUAGE_CODE), reading_from_replica():
        try:
            pdf = render_annual_report(report.association, report.year, progress=progress)
        except Exception:
            _fail(report_id)
            raise
    _finish(report_id, pdf)
    return AnnualReport.State.DONE


def _finish(report_id: int, pdf: bytes) -> None:
    AnnualReport.objects.filter(pk=report_id).update(
        state=AnnualReport.State.DONE,
        progress=100,
        step=AnnualReport.Step.FINISHED,
        pdf=pdf,
        pdf_size=len(pdf),
        finished_at=timezone.now(),
    )


def _fail(report_id: int) -> None:
    AnnualReport.objects.filter(pk=report_id).update(
        state=AnnualReport.State.FAILED, finished_at=timezone.now()
    )
