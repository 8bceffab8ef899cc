"""The template tags: accessible tables with "–" explained once, and a figure for a chart."""

from __future__ import annotations

import re

from django.template import Context, Template

from samla.statistics.charts import bar_chart
from samla.statistics.tables import (
    Category,
    count_table,
    hidden_explanation,
    one_way_table,
    share_table,
)

TOWNS = [Category("1", "Hällefors"), Category("2", "Lindesberg"), Category("3", "Nora")]
SEX = [Category("F", "Kvinnor"), Category("M", "Män")]


def render(source: str, **context: object) -> str:
    return Template("{% load statistics %}" + source).render(Context(context))


def compact(html: str) -> str:
    """Runs of layout whitespace as one space (no-break spaces in figures stay)."""
    return re.sub(r"[ \t\r\n]+", " ", html).replace("> <", "><")


def test_a_table_with_hidden_cells_explains_the_dash_once() -> None:
    table = count_table(
        {
            ("1", "F"): 1234,
            ("1", "M"): 40,
            ("2", "F"): 12,
            ("2", "M"): 3,
            ("3", "F"): 25,
            ("3", "M"): 8,
        },
        title="Deltagare per kommun och kön",
        row_heading="Kommun",
        rows=TOWNS,
        columns=SEX,
        k=5,
    )
    html = compact(render("{% statistics_table table %}", table=table))
    assert "<caption>Deltagare per kommun och kön</caption>" in html
    assert '<th scope="col">Kommun</th>' in html
    assert '<th scope="col" class="number">Kvinnor</th>' in html
    assert '<th scope="col" class="number">Totalt</th>' in html
    assert (
        '<tr><th scope="row">Hällefors</th><td class="number">1\u00a0234</td>'
        '<td class="number">40</td><td class="number">1\u00a0274</td></tr>'
    ) in html
    assert (
        '<tr><th scope="row">Lindesberg</th><td class="number">–</td>'
        '<td class="number">–</td><td class="number">15</td></tr>'
    ) in html
    assert (
        '<tfoot><tr><th scope="row">Totalt</th><td class="number">1\u00a0271</td>'
        '<td class="number">51</td><td class="number">1\u00a0322</td></tr></tfoot>'
    ) in html
    assert html.count(hidden_explanation(5)) == 1
    assert '<p class="statistics-note">' in html


def test_a_table_with_nothing_hidden_has_no_note() -> None:
    table = one_way_table(
        {"1": 7, "2": 30, "3": 0},
        title="Deltagare",
        row_heading="Kommun",
        rows=TOWNS,
        column_label="Antal",
        k=5,
    )
    html = compact(render("{% statistics_table table %}", table=table))
    assert "statistics-note" not in html
    assert '<th scope="col" class="number">Antal</th></tr>' in html  # no total column
    assert '<tr><th scope="row">Nora</th><td class="number">0</td></tr>' in html
    assert '<th scope="row">Totalt</th><td class="number">37</td>' in html


def test_a_share_table() -> None:
    table = share_table(
        {"1": 19, "2": 30, "3": 20},
        {"1": 20, "2": 60, "3": 50},
        title="Mår bättre",
        row_heading="Kommun",
        achieved_label="Mår bättre",
        rows=TOWNS,
        k=5,
    )
    html = compact(render("{% statistics_share_table table %}", table=table))
    assert "<caption>Mår bättre</caption>" in html
    assert '<th scope="col" class="number">Andel</th>' in html
    assert '<tr><th scope="row">Hällefors</th><td class="number">–</td>' in html
    assert '<td class="number">50,0\u00a0%</td>' in html
    assert html.count(hidden_explanation(5)) == 1


def test_a_chart_is_a_figure_with_its_text_alternative() -> None:
    table = one_way_table(
        {"1": 7, "2": 30},
        title="Deltagare <per> kommun",
        row_heading="Kommun",
        rows=TOWNS,
        column_label="Antal",
        k=5,
    )
    chart = bar_chart(table)
    html = compact(render("{% statistics_chart chart %}", chart=chart))
    assert html.startswith('<figure class="statistics-chart"><svg ')
    assert str(chart.svg) in html  # not escaped a second time
    assert "<figcaption> Deltagare &lt;per&gt; kommun <details>" in html
    assert "<summary>Diagrammet i text</summary>" in html
    assert "Hällefors: 7; Lindesberg: 30; Nora: 0." in html
