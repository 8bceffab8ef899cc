"""``{% load statistics %}``: suppressed tables and charts, the same markup on pages and PDFs."""

from __future__ import annotations

from django import template

from samla.statistics.charts import Chart
from samla.statistics.tables import ShareTable, Table, hidden_explanation

register = template.Library()


@register.inclusion_tag("statistics/table.html")
def statistics_table(table: Table) -> dict[str, object]:
    return {
        "table": table,
        "column_totals": [table.column_total(column.key) for column in table.columns],
        "note": hidden_explanation(table.k) if table.any_hidden else "",
    }


@register.inclusion_tag("statistics/share_table.html")
def statistics_share_table(table: ShareTable) -> dict[str, object]:
    return {
        "table": table,
        "note": hidden_explanation(table.k) if table.any_hidden else "",
    }


@register.inclusion_tag("statistics/chart.html")
def statistics_chart(chart: Chart) -> dict[str, object]:
    return {"chart": chart}
