"""The money in templates: a report cell (``{{ cell|report_cell }}``), and the activity page's
money and decisions (``{% activity_money activity %}``).

The activity page belongs to the catalogue, which every role in the association reads; the tag
shows the board's decisions about the activity to all of them (minutes of a public body's board
are not secret), and the activity's budget lines only to those who read the association's money
(``finance.access``: the office and the board).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from samla.activities.models import Activity
from samla.finance.access import finance_association_ids, may_keep
from samla.finance.models import BudgetLine, Decision
from samla.finance.statement import total
from samla.money import kronor

register = template.Library()


@register.filter
def report_cell(value: object) -> object:
    """A report's cell on a page: money as kronor, nothing for None, anything else as it is."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return kronor(value)
    return value


@register.inclusion_tag("finance/_activity_money.html", takes_context=True)
def activity_money(context: template.Context, activity: Activity) -> dict[str, Any]:
    user = context["request"].user
    reads = activity.association_id in finance_association_ids(user)
    lines = (
        list(
            BudgetLine.objects.filter(activity=activity)
            .select_related("financial_year")
            .order_by("-financial_year__year", "kind")
        )
        if reads
        else []
    )
    years: dict[int, list[BudgetLine]] = {}
    for line in lines:
        years.setdefault(line.financial_year.year, []).append(line)
    return {
        "activity": activity,
        "reads": reads,
        "can_keep": reads and may_keep(user, activity.association_id),
        "years": [(year, entries, total(entries)) for year, entries in years.items()],
        "decisions": Decision.objects.filter(activity=activity).select_related("budget_line"),
    }
