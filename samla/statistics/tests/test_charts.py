"""Charts: well-formed SVG that names itself, draws no hidden bar, and prints through WeasyPrint."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

from samla.pdf import render_pdf
from samla.statistics.charts import PALETTE, Chart, bar_chart, line_chart, share_chart
from samla.statistics.tables import Category, count_table, one_way_table, share_table
from samla.web.tests.pdf import pdf_text as checked_pdf_text

SVG = "{http://www.w3.org/2000/svg}"
NBSP = "\u00a0"
TOWNS = [Category("1", "Hällefors"), Category("2", "Lindesberg"), Category("3", "Nora")]
SEX = [Category("F", "Kvinnor"), Category("M", "Män")]


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # noqa: S314 -- our own output, no entities


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def bars(root: ET.Element) -> list[ET.Element]:
    """Filled rectangles taller than a legend swatch."""
    return [rect for rect in root.iter(f"{SVG}rect") if float(rect.get("height", 0)) > 12]


def by_town(k: int = 5):
    return one_way_table(
        {"1": 7, "2": 3, "3": 120},
        title="Deltagare per kommun",
        row_heading="Kommun",
        rows=TOWNS,
        column_label="Antal",
        k=k,
    )


def test_a_bar_chart_names_itself_and_draws_no_hidden_bar() -> None:
    chart = bar_chart(by_town())
    root = parse(chart)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text == "Deltagare per kommun"
    assert desc is not None and desc.text == chart.description
    labelled_by = root.get("aria-labelledby", "").split()
    assert labelled_by == [title.get("id"), desc.get("id")]
    assert len(bars(root)) == 1  # Hällefors and Lindesberg are hidden; only Nora is drawn
    assert texts(root).count("–") == 2
    assert "120" in texts(root)
    assert chart.description == (
        "Deltagare per kommun. Hällefors: visas inte; Lindesberg: visas inte; Nora: 120."
    )


def test_two_charts_on_one_page_never_share_an_id() -> None:
    first, second = parse(bar_chart(by_town())), parse(bar_chart(by_town()))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


def test_a_two_way_chart_groups_bars_by_row_with_a_legend() -> None:
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
    chart = bar_chart(table)
    root = parse(chart)
    assert len(bars(root)) == 2  # 1234 and 40; the 3 and the cells protecting it are hidden
    assert {rect.get("fill") for rect in bars(root)} == {PALETTE[0], PALETTE[1]}
    assert {"Kvinnor", "Män", f"1{NBSP}234", "40"} <= set(texts(root))
    assert texts(root).count("–") == 4
    assert chart.description == (
        "Deltagare per kommun och kön. Hällefors: Kvinnor 1\u00a0234, Män 40; "
        "Lindesberg: Kvinnor visas inte, Män visas inte; "
        "Nora: Kvinnor visas inte, Män visas inte."
    )


def test_text_is_escaped() -> None:
    table = one_way_table(
        {"a": 10},
        title='<script>alert("x")</script> & co',
        row_heading="",
        rows=[Category("a", "<b>fet</b>")],
        column_label="",
        k=5,
    )
    chart = bar_chart(table)
    root = parse(chart)
    assert "<script>" not in chart.svg
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == '<script>alert("x")</script> & co'
    assert "<b>fet</b>" in texts(root)


def test_a_share_chart_with_a_target() -> None:
    table = share_table(
        {"1": 19, "2": 30, "3": 20},
        {"1": 20, "2": 60, "3": 50},
        title="Mår bättre",
        row_heading="Kommun",
        achieved_label="Mår bättre",
        rows=TOWNS,
        k=5,
    )
    chart = share_chart(table, target_percent=Decimal("80.0"))
    root = parse(chart)
    shown = [share for share in (*table.shares, table.total) if share.percent is not None]
    assert len(bars(root)) == len(shown)
    assert any(line.get("stroke-dasharray") for line in root.iter(f"{SVG}line"))
    assert f"Mål 80{NBSP}%" in texts(root)
    assert "Hällefors: visas inte" in chart.description
    assert f"Målet är 80{NBSP}%." in chart.description
    for share in shown:
        assert str(share) in texts(root)


def test_a_line_chart_breaks_at_a_gap_and_draws_the_target() -> None:
    chart = line_chart(
        [
            ("Kvinnor", [("2011", 40), ("2012", None), ("2013", 120), ("2014", 160)]),
            ("Män", [("2011", 35), ("2012", 80), ("2013", 110), ("2014", 150)]),
        ],
        title="Deltagare över tid",
        target=165,
    )
    root = parse(chart)
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 2  # Kvinnor: one run of two points (2011 stands alone), Män: one run
    assert len(list(root.iter(f"{SVG}circle"))) == 7
    assert "Mål 165" in texts(root)
    assert {"2011", "2014", "Kvinnor", "Män"} <= set(texts(root))
    assert chart.description == (
        "Deltagare över tid. Kvinnor: 2011 40, 2012 visas inte, 2013 120, 2014 160; "
        "Män: 2011 35, 2012 80, 2013 110, 2014 150. Målet är 165."
    )


def test_chart_colours_are_readable_as_text_on_white() -> None:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in PALETTE:
        assert 1.05 / (luminance(colour) + 0.05) >= 4.5, colour


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    return checked_pdf_text(pdf)  # tagged, nothing cut off


def test_a_chart_prints_through_weasyprint(tmp_path: Path) -> None:
    chart = bar_chart(by_town(k=3))
    text = pdf_text(render_pdf("statistics/chart.html", {"chart": chart}), tmp_path)
    assert "Lindesberg" in text  # drawn inside the SVG
    assert "120" in text
    assert "Deltagare per kommun" in text  # the caption
