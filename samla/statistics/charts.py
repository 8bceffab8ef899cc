"""Charts as inline SVG, built on the server from tables that were already suppressed.

Plain SVG strings, no JavaScript and no chart library: the same markup is shown in the browser
and printed by WeasyPrint, so it uses only elements WeasyPrint draws (rect, line, polyline,
circle, text), fonts by family name and colours as literals, never CSS variables. Every text
goes through ``format_html``, so a label cannot break out of the markup.

A chart names itself for assistive technology (``role="img"``, ``<title>`` and ``<desc>``) and
carries a text alternative that states every figure in words; a hidden figure draws no bar,
shows "–" where the bar would be, and reads as "visas inte". The palette is told apart by
people with the common colour-vision deficiencies (after Okabe and Ito, darkened) and every
colour reaches 4.5:1 against white, so it would pass as text too; lines differ by dash pattern
as well as colour, and the same figures always stand in a table beside the chart.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from samla.statistics.tables import (
    HIDDEN,
    NBSP,
    Figure,
    Share,
    ShareTable,
    Table,
    swedish_number,
)

__all__ = ["PALETTE", "Chart", "bar_chart", "line_chart", "share_chart"]

PALETTE = ("#0072B2", "#B35900", "#117733", "#AA3377", "#332288", "#5D5D5D")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")
INK = "#1d2327"
MUTED = "#4a5560"
GRID = "#c9d1d6"
TARGET = "#a3241b"
FONT = "'DejaVu Sans', Arial, sans-serif"
FONT_SIZE = 13
CHAR_WIDTH = 7.4  # a rough average width of one character at FONT_SIZE, for layout only
BAR = 16
BAR_GAP = 4
GROUP_GAP = 14
LINE = 20

_serial = itertools.count(1)


@dataclass(frozen=True)
class Chart:
    svg: SafeString  # a complete inline <svg role="img">, named by its <title> and <desc>
    description: str  # the text alternative: every figure in words
    title: str = ""


def bar_chart(table: Table, *, width: int = 640) -> Chart:
    """Horizontal bars: one per row for a one-way table; for a two-way table one group per row
    with one bar per column, and a legend. Totals are not drawn (they stand in the table)."""
    series = [] if table.one_way else [column.label for column in table.columns]
    groups = [(row.label, line) for row, line, _total in table.lines()]
    ticks = _ticks(max([figure.value or 0 for _, line in groups for figure in line] + [1]))
    top = _legend_height(series, width) + LINE
    bottom = top + sum(len(line) * (BAR + BAR_GAP) + GROUP_GAP for _, line in groups)
    plot = _Plot(width, top, bottom, _label_width([label for label, _ in groups], width), ticks[-1])
    parts = [*_legend(series, width), *_axis(plot, ticks, swedish_number)]
    y = top
    for label, line in groups:
        parts.append(_row_label(plot, y + len(line) * (BAR + BAR_GAP) / 2, label))
        for index, figure in enumerate(line):
            parts += _bar(plot, y, figure.value, str(figure), PALETTE[index % len(PALETTE)])
            y += BAR + BAR_GAP
        y += GROUP_GAP
    return _chart(table.title, _bar_description(table), width, bottom + 4, parts)


def share_chart(
    table: ShareTable, target_percent: Decimal | None = None, *, width: int = 640
) -> Chart:
    """Horizontal bars of the percent achieved, 0–100 %, with the total last and an optional
    dashed line at the target."""
    shares = [*table.shares, table.total]
    top = LINE * (2 if target_percent is not None else 1)
    bottom = top + len(shares) * (BAR + GROUP_GAP)
    plot = _Plot(width, top, bottom, _label_width([s.category.label for s in shares], width), 100)
    parts = _axis(plot, [0, 25, 50, 75, 100], lambda n: f"{n}{NBSP}%")
    y = top
    for share in shares:
        bold = share is table.total
        parts.append(_row_label(plot, y + BAR / 2, share.category.label, bold=bold))
        value = None if share.percent is None else float(share.percent)
        parts += _bar(plot, y, value, str(share), PALETTE[0])
        y += BAR + GROUP_GAP
    if target_percent is not None:
        parts += _target_mark(plot, target_percent)
    description = _share_description(table, shares, target_percent)
    return _chart(table.title, description, width, bottom + 4, parts)


def line_chart(
    series: Sequence[tuple[str, Sequence[tuple[str, int | None]]]],
    *,
    title: str,
    target: int | None = None,
    width: int = 640,
) -> Chart:
    """Progress over time: one line per series over shared x labels (months or years), with a
    dashed target line; a None point is a gap in its line.

    The values must already have been through suppression: this draws what it is given."""
    height, left, bottom = 300, 56, 40
    names = [name for name, _ in series]
    top = _legend_height(names, width)
    labels = list(dict.fromkeys(label for _, points in series for label, _ in points))
    values = [value for _, points in series for _, value in points if value is not None]
    scale = max([*values, target or 0, 1])
    ticks = _ticks(scale)
    box = _Box(left, top + 8, width - 24, height - bottom, max(ticks[-1], 1), max(len(labels), 1))
    parts = [*_legend(names, width, lines=True), *_y_axis(box, ticks), *_x_axis(box, labels)]
    for index, (_name, points) in enumerate(series):
        parts += _series(box, labels, points, index)
    if target is not None:
        parts += _target_line(box, target)
    description = _line_description(title, series, target)
    return _chart(title, description, width, height, parts)


# --- layout -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plot:
    """Horizontal bars between ``top`` and ``bottom``: labels on the left, bars from ``left``
    to ``right``, room after ``right`` for the last figure."""

    width: int
    top: float
    bottom: float
    label_width: float
    scale: float

    @property
    def left(self) -> float:
        return self.label_width + 12

    @property
    def right(self) -> float:
        return self.width - 72

    def x(self, value: float) -> float:
        return self.left + (self.right - self.left) * value / self.scale


@dataclass(frozen=True)
class _Box:
    """A plot area with y upwards: x from ``left`` to ``right``, y from ``bottom`` to ``top``."""

    left: float
    top: float
    right: float
    bottom: float
    scale: float
    slots: int

    def x(self, index: int) -> float:
        step = (self.right - self.left) / self.slots
        return self.left + step * (index + 0.5)

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * value / self.scale


def _label_width(labels: Sequence[str], width: int) -> float:
    longest = max((len(label) for label in labels), default=0)
    return min(longest * CHAR_WIDTH, width * 0.38)


def _fit(label: str, room: float) -> str:
    """The label, cut with an ellipsis when it would not fit (the table has it in full)."""
    most = max(int(room / CHAR_WIDTH), 4)
    return label if len(label) <= most else label[: most - 1] + "…"


def _ticks(scale: float) -> list[int]:
    """Round steps from 0 up to at least ``scale``: 1, 2 or 5 times a power of ten."""
    raw = max(scale / 5, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return list(range(0, math.ceil(scale / step) * step + 1, step))


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


# --- elements -----------------------------------------------------------------------------


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    fill: str = INK,
    bold: bool = False,
    size: int = FONT_SIZE,
) -> SafeString:
    return format_html(
        '<text x="{}" y="{}" text-anchor="{}" fill="{}" font-size="{}" font-weight="{}">{}</text>',
        _n(x),
        _n(y),
        anchor,
        fill,
        size,
        "bold" if bold else "normal",
        content,
    )


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, dash: str = "") -> SafeString:
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"{}/>',
        _n(x1),
        _n(y1),
        _n(x2),
        _n(y2),
        stroke,
        "2" if dash else "1",
        format_html(' stroke-dasharray="{}"', dash) if dash else "",
    )


def _rect(x: float, y: float, width: float, height: float, fill: str) -> SafeString:
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
        _n(x),
        _n(y),
        _n(width),
        _n(height),
        fill,
    )


def _legend_height(names: Sequence[str], width: int) -> float:
    return len(_legend_rows(names, width)) * LINE + (8 if names else 0)


def _legend_rows(names: Sequence[str], width: int) -> list[list[tuple[int, str]]]:
    rows: list[list[tuple[int, str]]] = []
    used = float(width)  # start a new row at the first name
    for index, name in enumerate(names):
        room = 24 + len(name) * CHAR_WIDTH + 16
        if used + room > width:
            rows.append([])
            used = 0
        rows[-1].append((index, name))
        used += room
    return rows


def _legend(names: Sequence[str], width: int, *, lines: bool = False) -> list[SafeString]:
    parts = []
    for row_index, row in enumerate(_legend_rows(names, width)):
        x, y = 0.0, row_index * LINE + 14
        for index, name in row:
            colour = PALETTE[index % len(PALETTE)]
            if lines:
                parts.append(_line(x, y - 4, x + 18, y - 4, colour, DASHES[index % len(DASHES)]))
            else:
                parts.append(_rect(x, y - 11, 12, 12, colour))
            parts.append(_text(x + 24, y, name))
            x += 24 + len(name) * CHAR_WIDTH + 16
    return parts


def _axis(plot: _Plot, ticks: Sequence[int], label: Callable[[int], str]) -> list[SafeString]:
    """Vertical grid lines behind the bars, their values above them."""
    parts = []
    for tick in ticks:
        x = plot.x(tick)
        parts.append(_line(x, plot.top - 4, x, plot.bottom - GROUP_GAP + 4, GRID))
        parts.append(_text(x, plot.top - 8, label(tick), anchor="middle", fill=MUTED, size=11))
    return parts


def _row_label(plot: _Plot, y: float, label: str, *, bold: bool = False) -> SafeString:
    return _text(plot.left - 8, y + 4, _fit(label, plot.label_width), anchor="end", bold=bold)


def _bar(plot: _Plot, y: float, value: float | None, shown: str, colour: str) -> list[SafeString]:
    """A bar and its figure after it, or only "–" where a hidden bar would start."""
    if value is None:
        return [_text(plot.left + 4, y + BAR - 3, HIDDEN)]
    end = plot.x(value)
    parts = [_rect(plot.left, y, end - plot.left, BAR, colour)] if value > 0 else []
    return [*parts, _text(end + 4, y + BAR - 3, shown)]


def _target_mark(plot: _Plot, percent: Decimal) -> list[SafeString]:
    x = plot.x(float(percent))
    label = gettext("Mål %(percent)s") % {"percent": _target_percent(percent)}
    return [
        _line(x, plot.top - 4, x, plot.bottom - GROUP_GAP + 6, TARGET, "5 3"),
        _text(x, plot.top - LINE - 8, label, anchor="middle", fill=TARGET, bold=True),
    ]


def _target_percent(percent: Decimal) -> str:
    """A target as it was set: "80 %", "62,5 %"."""
    return format(percent.normalize(), "f").replace(".", ",") + f"{NBSP}%"


def _y_axis(box: _Box, ticks: Sequence[int]) -> list[SafeString]:
    parts = []
    for tick in ticks:
        y = box.y(tick)
        parts.append(_line(box.left, y, box.right, y, GRID))
        parts.append(_text(box.left - 6, y + 4, swedish_number(tick), anchor="end", fill=MUTED))
    return parts


def _x_axis(box: _Box, labels: Sequence[str]) -> list[SafeString]:
    room = (box.right - box.left) / max(len(labels), 1)
    widest = max((len(label) for label in labels), default=1) * CHAR_WIDTH + 8
    every = max(math.ceil(widest / room), 1)
    return [
        _text(box.x(index), box.bottom + 18, label, anchor="middle", fill=MUTED)
        for index, label in enumerate(labels)
        if index % every == 0
    ]


def _series(
    box: _Box, labels: Sequence[str], points: Sequence[tuple[str, int | None]], index: int
) -> list[SafeString]:
    colour = PALETTE[index % len(PALETTE)]
    dash = DASHES[index % len(DASHES)]
    at = {label: value for label, value in points}
    runs: list[list[tuple[float, float]]] = [[]]
    for slot, label in enumerate(labels):
        value = at.get(label)
        if value is None:
            runs.append([])
        else:
            runs[-1].append((box.x(slot), box.y(value)))
    parts = [_polyline(run, colour, dash) for run in runs if len(run) > 1]
    for run in runs:
        parts += [_dot(x, y, colour) for x, y in run]
    return parts


def _polyline(points: Sequence[tuple[float, float]], colour: str, dash: str) -> SafeString:
    return format_html(
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"{}/>',
        " ".join(f"{_n(x)},{_n(y)}" for x, y in points),
        colour,
        format_html(' stroke-dasharray="{}"', dash) if dash else "",
    )


def _dot(x: float, y: float, colour: str) -> SafeString:
    return format_html('<circle cx="{}" cy="{}" r="3.5" fill="{}"/>', _n(x), _n(y), colour)


def _target_line(box: _Box, target: int) -> list[SafeString]:
    y = box.y(target)
    label = gettext("Mål %(target)s") % {"target": swedish_number(target)}
    return [
        _line(box.left, y, box.right, y, TARGET, "6 4"),
        _text(box.right, y - 6, label, anchor="end", fill=TARGET, bold=True),
    ]


# --- the whole chart ----------------------------------------------------------------------


def _chart(
    title: str, description: str, width: int, height: float, parts: Sequence[SafeString]
) -> Chart:
    ident = _ident(title, description)
    svg = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{0}-title {0}-desc"'
        ' width="{1}" height="{2}" viewBox="0 0 {1} {2}" font-family="{3}" font-size="{4}">'
        '<title id="{0}-title">{5}</title><desc id="{0}-desc">{6}</desc>{7}</svg>',
        ident,
        width,
        _n(math.ceil(height)),
        FONT,
        FONT_SIZE,
        title,
        description,
        mark_safe("".join(parts)),  # every part came from format_html
    )
    return Chart(svg=svg, description=description, title=title)


def _ident(title: str, description: str) -> str:
    """Unique on a page: a digest of the content, so two processes rarely agree, and a serial,
    so one process never repeats itself."""
    digest = hashlib.sha256(f"{title}\n{description}".encode()).hexdigest()[:8]
    return f"statistics-chart-{digest}-{next(_serial)}"


def _words(figure: Figure | Share) -> str:
    return gettext("visas inte") if str(figure) == HIDDEN else str(figure)


def _bar_description(table: Table) -> str:
    if table.one_way:
        items = [f"{row.label}: {_words(line[0])}" for row, line, _ in table.lines()]
    else:
        items = [
            f"{row.label}: "
            + ", ".join(
                f"{column.label} {_words(figure)}"
                for column, figure in zip(table.columns, line, strict=True)
            )
            for row, line, _ in table.lines()
        ]
    return f"{table.title}. {'; '.join(items)}."


def _share_description(
    table: ShareTable, shares: Sequence[Share], target_percent: Decimal | None
) -> str:
    items = "; ".join(f"{share.category.label}: {_words(share)}" for share in shares)
    text = f"{table.title}. {table.achieved_label}, {gettext('andel')}: {items}."
    if target_percent is not None:
        target = _target_percent(target_percent)
        text += " " + gettext("Målet är %(percent)s.") % {"percent": target}
    return text


def _line_description(
    title: str,
    series: Sequence[tuple[str, Sequence[tuple[str, int | None]]]],
    target: int | None,
) -> str:
    def word(value: int | None) -> str:
        return gettext("visas inte") if value is None else swedish_number(value)

    items = "; ".join(
        f"{name}: " + ", ".join(f"{label} {word(value)}" for label, value in points)
        for name, points in series
    )
    text = f"{title}. {items}."
    if target is not None:
        text += " " + gettext("Målet är %(target)s.") % {"target": swedish_number(target)}
    return text
