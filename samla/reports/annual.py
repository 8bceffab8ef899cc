"""What the annual report (verksamhetsberättelse) says about one year, put together from the
same objects as the dashboards: every table and chart in it went through the statistics layer
(R7), and each chart is the dashboard's own inline SVG, which WeasyPrint draws.

The report tells, for the year: the association and its members; its activities with planned
and actual participants by sex; targets against actuals for each programme and activity that
has targets for the year; how the participants split by sex; the year's figures and charts
(participants, exits by reason and sex, outcomes); and the money, when the year is kept in Samla's
finance: the cost report's blocks (funds, activity and administrative costs, the summary) and the
cost per outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from samla.activities.models import Activity
from samla.finance.cost_report import CostReport
from samla.finance.outcomes import CostPerOutcome
from samla.indicators.dashboards import Dashboard, Item, Targets
from samla.indicators.figures import Filters, Scope
from samla.indicators.models import Programme, Target
from samla.organisations.models import Association, AssociationMember
from samla.pdf import render_pdf
from samla.reports.models import AnnualReport
from samla.reports.yearly import ReportingYear
from samla.statistics.charts import bar_chart
from samla.statistics.tables import hidden_explanation

Progress = Callable[[int, str], None]

TEMPLATE = "reports/annual_report_pdf.html"
# The dashboard's items the report prints, section by section, in this order.
PARTICIPANT_ITEMS = ("started", "exit_reasons", "age", "target_groups")
OUTCOME_ITEMS = ("feel_better", "closer", "work_or_studies", "learning_goals")
BEFORE_AFTER_ITEMS = ("occupation", "income")


@dataclass(frozen=True)
class TargetsFor:
    """The targets item of one programme's or activity's dashboard, filtered to the year."""

    title: str
    item: Item | None  # None when nothing has a target for the year


def _no_progress(percent: int, step: str) -> None:
    return None


def annual_report_context(
    association: Association, year: int, *, progress: Progress = _no_progress
) -> dict[str, Any]:
    today = timezone.localdate()
    reporting = ReportingYear(association, year)

    progress(10, AnnualReport.Step.ACTIVITIES)
    lines = reporting.lines()
    totals = reporting.totals()

    progress(30, AnnualReport.Step.TARGETS)
    targets = _targets(association, year, reporting.activities, today)

    progress(50, AnnualReport.Step.STATISTICS)
    dashboard = Dashboard(reporting.scope, Filters(year=year))
    items = {item.slug: item for item in dashboard.items()}
    return {
        "association": association,
        "members": AssociationMember.objects.filter(association=association).select_related(
            "organisation"
        ),
        "year": year,
        "printed_at": timezone.now(),
        "lines": lines,
        "structural": [line for line in lines if line.activity.is_structural],
        "totals": totals,
        "planned_total": reporting.planned_total,
        "participants": reporting.participants,
        "targets": targets,
        "by_sex": Item("by_sex", reporting.by_sex, bar_chart(reporting.by_sex)),
        # Without an individual activity there is no row to draw.
        "active": Item("active", reporting.participants, bar_chart(reporting.participants))
        if reporting.participants.rows
        else None,
        "participant_items": [items[slug] for slug in PARTICIPANT_ITEMS if slug in items],
        "outcome_items": [items[slug] for slug in OUTCOME_ITEMS if slug in items],
        "before_after_items": [items[slug] for slug in BEFORE_AFTER_ITEMS if slug in items],
        "money": CostReport(reporting.statement) if reporting.statement else None,
        "outcomes": CostPerOutcome(reporting.statement) if reporting.statement else None,
        "explanation": hidden_explanation(association.suppression_k),
        "k": association.suppression_k,
    }


def _targets(
    association: Association, year: int, activities: list[Activity], today: date
) -> list[TargetsFor]:
    """One targets table per programme that covers the year and per activity with targets for
    the year, each from its own dashboard filtered to the year."""
    found = []
    programmes = Programme.objects.filter(
        association=association, starts_on__lte=date(year, 12, 31), ends_on__gte=date(year, 1, 1)
    ).order_by("starts_on", "name")
    scopes = [Scope.of_programme(programme) for programme in programmes]
    with_targets = set(
        Target.objects.filter(activity__in=activities, year=year).values_list(
            "activity_id", flat=True
        )
    )
    scopes += [
        Scope.of_activity(activity, today=today)
        for activity in activities
        if activity.pk in with_targets and not activity.is_structural
    ]
    for scope in scopes:
        section = Dashboard(scope, Filters(year=year)).targets_section()
        item = section.items[0] if section.items else None
        shown = item is not None and isinstance(item.content, Targets) and item.content.rows
        found.append(TargetsFor(scope.title, item if shown else None))
    return found


def render_annual_report(
    association: Association, year: int, *, progress: Progress = _no_progress
) -> bytes:
    context = annual_report_context(association, year, progress=progress)
    progress(75, AnnualReport.Step.PDF)
    return render_pdf(TEMPLATE, context)
