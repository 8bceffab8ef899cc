"""Tables of counts and shares, suppressed before anyone can read them (R7).

This is what pages, exports and charts take: callers pass counts in, and get back figures that
are either shown or hidden. A ``Table`` is never built from raw numbers anywhere else, so there is
no path from a count to a page that skips suppression. Margins are computed here from the counts,
never passed in, so they cannot disagree with the cells they sum.

A table that hides anything hides its zeros too (ADR 0012): if a zero were always shown, a "–"
would tell the reader that the group is at least 1, and hidden groups of 1 beside each other are
then pinned by the margins. A "–" says only that the figure is not shown.

A share (the share who feel better, who left to work or studies) can reveal a small count as
surely as a count can: "95 % of 20" says that one person did not. So each share comes from a
two-column table (achieved, not achieved) per category, suppressed like any other, and its
percent is shown only when the achieved count, the not-achieved count and the base are all
shown.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext

from samla.statistics.suppression import Visibility, suppress, suppress_one_way

__all__ = [
    "HIDDEN",
    "Category",
    "Figure",
    "Share",
    "ShareTable",
    "Table",
    "count_table",
    "hidden_explanation",
    "one_way_table",
    "percent_text",
    "share_table",
]

# Where a figure stands in a table: ("cell", row, column), ("row", row, ""),
# ("column", "", column) or ("total", "", ""); in a share table ("achieved", category, "") and
# ("base", category, ""), the total's category being "".
Position = tuple[str, str, str]

HIDDEN = "–"  # en dash: the mark of a figure that is not shown
NBSP = "\u00a0"

# A record for CSV and XLSX (samla.spreadsheets): a share is a Fraction of one, so a spreadsheet
# gets a number with a percent format, not the text "42,9".
Record = list[str | int | Fraction | None]


def hidden_explanation(k: int) -> str:
    """What "–" means, in plain Swedish, to print once below a table or chart that has one."""
    return gettext(
        "– betyder att antalet är för litet för att visas (färre än %(k)s), eller att det har "
        "dolts så att ett sådant antal inte kan räknas fram ur andra siffror. I en tabell med – "
        "visas även noll som –."
    ) % {"k": k}


def swedish_number(value: int) -> str:
    """1234567 as "1 234 567", groups joined by no-break spaces so a number never wraps."""
    return f"{value:,}".replace(",", NBSP)


@dataclass(frozen=True)
class Category:
    key: str  # stable: "F", "2011", a primary key as text
    label: str  # the text shown


@dataclass(frozen=True)
class Figure:
    value: int | None  # None when hidden
    hidden_under_k: bool = False  # True for primary suppression, False when shown or secondary

    @property
    def shown(self) -> bool:
        return self.value is not None

    def __str__(self) -> str:
        return HIDDEN if self.value is None else swedish_number(self.value)

    def record(self) -> int | str:
        return HIDDEN if self.value is None else self.value


def _figure(value: int, visibility: Visibility) -> Figure:
    if visibility.hidden:
        return Figure(None, hidden_under_k=visibility is Visibility.UNDER_K)
    return Figure(value)


@dataclass(frozen=True)
class Table:
    title: str
    row_heading: str
    rows: tuple[Category, ...]
    columns: tuple[Category, ...]  # a one-way table has exactly one column
    k: int
    one_way: bool
    _body: tuple[tuple[Figure, ...], ...] = field(repr=False)
    _row_totals: tuple[Figure, ...] = field(repr=False)
    _column_totals: tuple[Figure, ...] = field(repr=False)
    _total: Figure = field(repr=False)

    def cell(self, row: str, column: str) -> Figure:
        return self._body[_index(self.rows, row)][_index(self.columns, column)]

    def row_total(self, row: str) -> Figure:
        return self._row_totals[_index(self.rows, row)]

    def column_total(self, column: str) -> Figure:
        return self._column_totals[_index(self.columns, column)]

    @property
    def total(self) -> Figure:
        return self._total

    @property
    def any_hidden(self) -> bool:
        figures = [*self._row_totals, *self._column_totals, self._total]
        figures += [figure for line in self._body for figure in line]
        return any(not figure.shown for figure in figures)

    def positions(self) -> list[Position]:
        """Every figure's place, body first, then row totals, column totals and the total; a
        one-way table's cells are its row totals, so it has no "cell" places."""
        found: list[Position] = []
        if not self.one_way:
            found += [("cell", r.key, c.key) for r in self.rows for c in self.columns]
        found += [("row", r.key, "") for r in self.rows]
        if not self.one_way:
            found += [("column", "", c.key) for c in self.columns]
        return [*found, ("total", "", "")]

    def figure(self, position: Position) -> Figure:
        kind, row, column = position
        if kind == "cell":
            return self.cell(row, column)
        if kind == "row":
            return self.row_total(row)
        if kind == "column":
            return self.column_total(column)
        return self.total

    def hiding(self, positions: Collection[Position]) -> Table:
        """The table with the figures at ``positions`` hidden too, and its zeros if anything is."""
        if not positions:
            return self

        def at(figure: Figure, position: Position) -> Figure:
            return Figure(None) if position in positions and figure.shown else figure

        body = tuple(
            tuple(at(f, ("cell", r.key, c.key)) for f, c in zip(line, self.columns, strict=True))
            for line, r in zip(self._body, self.rows, strict=True)
        )
        row_totals = tuple(
            at(f, ("row", r.key, "")) for f, r in zip(self._row_totals, self.rows, strict=True)
        )
        if self.one_way:  # the cells are the row totals, and the total the column's
            body = tuple((figure,) for figure in row_totals)
        total = at(self._total, ("total", "", ""))
        column_totals = (
            (total,)
            if self.one_way
            else tuple(
                at(f, ("column", "", c.key))
                for f, c in zip(self._column_totals, self.columns, strict=True)
            )
        )
        return _zeros_hidden(
            replace(
                self,
                _body=body,
                _row_totals=row_totals,
                _column_totals=column_totals,
                _total=total,
            )
        )

    def lines(self) -> list[tuple[Category, tuple[Figure, ...], Figure]]:
        """Each row's category, its cells in column order and its total, for templates."""
        return [
            (row, line, total)
            for row, line, total in zip(self.rows, self._body, self._row_totals, strict=True)
        ]

    def records(self) -> list[Record]:
        """Header, one record per row and a total record, for CSV and XLSX: "–" for hidden."""
        total_label = gettext("Totalt")
        if self.one_way:
            header: Record = [self.row_heading, self.columns[0].label]
            body: list[Record] = [[row.label, line[0].record()] for row, line, _ in self.lines()]
            return [header, *body, [total_label, self._total.record()]]
        header = [self.row_heading, *(column.label for column in self.columns), total_label]
        body = [
            [row.label, *(figure.record() for figure in line), total.record()]
            for row, line, total in self.lines()
        ]
        footer: Record = [
            total_label,
            *(f.record() for f in self._column_totals),
            self._total.record(),
        ]
        return [header, *body, footer]


def _zeros_hidden(table: Table) -> Table:
    """A table that hides something shows no zero either (ADR 0012)."""
    if not table.any_hidden:
        return table

    def zero(figure: Figure) -> Figure:
        return Figure(None) if figure.value == 0 else figure

    body = tuple(tuple(map(zero, line)) for line in table._body)
    return replace(
        table,
        _body=body,
        _row_totals=tuple(line[0] for line in body)
        if table.one_way
        else tuple(map(zero, table._row_totals)),
        _column_totals=tuple(map(zero, table._column_totals)),
        _total=zero(table._total),
    )


def _index(categories: tuple[Category, ...], key: str) -> int:
    for index, category in enumerate(categories):
        if category.key == key:
            return index
    raise KeyError(key)


def count_table(
    counts: Mapping[tuple[str, str], int],
    *,
    title: str,
    row_heading: str,
    rows: Sequence[Category],
    columns: Sequence[Category],
    k: int,
) -> Table:
    """A two-way table of counts with its margins, suppressed. Missing counts are 0."""
    _check_keys(counts, {(r.key, c.key) for r in rows for c in columns})
    body = [[counts.get((r.key, c.key), 0) for c in columns] for r in rows]
    result = suppress(body, k, width=len(columns))
    row_totals = [sum(line) for line in body]
    column_totals = [sum(line[j] for line in body) for j in range(len(columns))]
    table = Table(
        title=title,
        row_heading=row_heading,
        rows=tuple(rows),
        columns=tuple(columns),
        k=k,
        one_way=False,
        _body=tuple(
            tuple(map(_figure, line, visibilities))
            for line, visibilities in zip(body, result.body, strict=True)
        ),
        _row_totals=tuple(map(_figure, row_totals, result.row_totals)),
        _column_totals=tuple(map(_figure, column_totals, result.column_totals)),
        _total=_figure(sum(row_totals), result.total),
    )
    return _zeros_hidden(table)


def one_way_table(
    counts: Mapping[str, int],
    *,
    title: str,
    row_heading: str,
    rows: Sequence[Category],
    column_label: str,
    k: int,
) -> Table:
    """Counts per category with their total, suppressed. Missing counts are 0.

    Its one column has the key "" and ``column_label``; a row's total is its one cell."""
    _check_keys(counts, {row.key for row in rows})
    values = [counts.get(row.key, 0) for row in rows]
    result = suppress_one_way(values, k)
    figures = tuple(map(_figure, values, result.values))
    total = _figure(sum(values), result.total)
    table = Table(
        title=title,
        row_heading=row_heading,
        rows=tuple(rows),
        columns=(Category(key="", label=column_label),),
        k=k,
        one_way=True,
        _body=tuple((figure,) for figure in figures),
        _row_totals=figures,
        _column_totals=(total,),
        _total=total,
    )
    return _zeros_hidden(table)


def _check_keys(keys: Iterable[object], known: Collection[object]) -> None:
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise ValueError(f"counts for categories the table does not have: {unknown!r}")


@dataclass(frozen=True)
class Share:
    category: Category  # or the total: key "" and label "Totalt"
    achieved: Figure
    base: Figure  # achieved + not achieved
    percent: Decimal | None  # one decimal; None unless achieved, not achieved and base are shown

    def __str__(self) -> str:
        if self.percent is None:
            return HIDDEN
        return percent_text(self.percent)

    @property
    def any_hidden(self) -> bool:
        """Whether a figure of this share is hidden (an empty base has no percent to hide)."""
        return self.percent is None and self.base.value != 0

    def record(self) -> Record:
        percent = HIDDEN if self.percent is None else Fraction(self.percent) / 100
        return [self.category.label, self.achieved.record(), self.base.record(), percent]


def swedish_percent(percent: Decimal) -> str:
    return f"{percent:.1f}".replace(".", ",")


def percent_text(percent: Decimal) -> str:
    """42.9 as "42,9 %", the sign held to its number by a no-break space."""
    return f"{swedish_percent(percent)}{NBSP}%"


@dataclass(frozen=True)
class ShareTable:
    title: str
    row_heading: str
    achieved_label: str
    k: int
    shares: tuple[Share, ...]  # one per row category
    total: Share

    @property
    def any_hidden(self) -> bool:
        return any(share.any_hidden for share in (*self.shares, self.total))

    def positions(self) -> list[Position]:
        keys = [share.category.key for share in self.shares] + [""]
        return [(kind, key, "") for key in keys for kind in ("achieved", "base")]

    def figure(self, position: Position) -> Figure:
        kind, key, _ = position
        share = self.total if key == "" else next(s for s in self.shares if s.category.key == key)
        return share.achieved if kind == "achieved" else share.base

    def hiding(self, positions: Collection[Position]) -> ShareTable:
        """The table with the figures at ``positions`` hidden too (and the percents that rest on
        them), and its zeros if anything is."""
        if not positions:
            return self

        def at(share: Share, key: str) -> Share:
            achieved, base = share.achieved, share.base
            if ("achieved", key, "") in positions:
                achieved = Figure(None)
            if ("base", key, "") in positions:
                base = Figure(None)
            return _share_shown(share, achieved, base)

        shares = tuple(at(share, share.category.key) for share in self.shares)
        return _share_zeros_hidden(replace(self, shares=shares, total=at(self.total, "")))

    def records(self) -> list[Record]:
        """Header, one record per category, the total; the share as a Fraction (0.429)."""
        header: Record = [
            self.row_heading,
            self.achieved_label,
            gettext("Totalt antal"),
            gettext("Andel (%)"),
        ]
        return [header, *(share.record() for share in self.shares), self.total.record()]


def share_table(
    achieved: Mapping[str, int],
    base: Mapping[str, int],
    *,
    title: str,
    row_heading: str,
    achieved_label: str,
    rows: Sequence[Category],
    k: int,
) -> ShareTable:
    """The share achieved per category and in total, from a suppressed table of achieved and
    not achieved."""
    known: set[object] = {row.key for row in rows}
    _check_keys(achieved, known)
    _check_keys(base, known)
    body = [_split(achieved.get(row.key, 0), base.get(row.key, 0), row) for row in rows]
    result = suppress(body, k)
    shares = [
        _share(row, line, visibilities, row_total)
        for row, line, visibilities, row_total in zip(
            rows, body, result.body, result.row_totals, strict=True
        )
    ]
    column_totals = [sum(line[j] for line in body) for j in (0, 1)]
    total = _share(
        Category(key="", label=gettext("Totalt")),
        column_totals,
        result.column_totals,
        result.total,
    )
    table = ShareTable(
        title=title,
        row_heading=row_heading,
        achieved_label=achieved_label,
        k=k,
        shares=tuple(shares),
        total=total,
    )
    return _share_zeros_hidden(table)


def _share_shown(share: Share, achieved: Figure, base: Figure) -> Share:
    """The share with these figures; its percent only while both are still shown."""
    percent = share.percent if achieved.shown and base.shown else None
    return replace(share, achieved=achieved, base=base, percent=percent)


def _share_zeros_hidden(table: ShareTable) -> ShareTable:
    """A share table that hides something shows no zero either (ADR 0012)."""
    if not table.any_hidden:
        return table

    def zero(share: Share) -> Share:
        achieved, base = share.achieved, share.base
        return _share_shown(
            share,
            Figure(None) if achieved.value == 0 else achieved,
            Figure(None) if base.value == 0 else base,
        )

    return replace(table, shares=tuple(map(zero, table.shares)), total=zero(table.total))


def _split(achieved: int, base: int, row: Category) -> list[int]:
    if not 0 <= achieved <= base:
        raise ValueError(f"{row.key!r}: achieved {achieved} must lie between 0 and base {base}")
    return [achieved, base - achieved]


def _share(
    category: Category,
    line: Sequence[int],
    visibilities: Sequence[Visibility],
    base_visibility: Visibility,
) -> Share:
    achieved, not_achieved = line
    base = achieved + not_achieved
    all_shown = not any(v.hidden for v in (*visibilities, base_visibility))
    percent = None
    if all_shown and base > 0:
        percent = (Decimal(100 * achieved) / Decimal(base)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
    return Share(
        category=category,
        achieved=_figure(achieved, visibilities[0]),
        base=_figure(base, base_visibility),
        percent=percent,
    )
