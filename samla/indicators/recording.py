"""What the differencing audit needs from a dashboard: every figure it publishes, with the
participations (or meetings) that figure counts (ADR 0011).

``Figures`` given a ``Recorder`` fetches the ids behind each cell instead of only counting
them, and hands each finished table here with those ids; the recorder turns the table into the
audit's ``Published`` figures, margins included, exactly as shown or hidden on the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from samla.statistics.audit import Published
from samla.statistics.tables import Figure, ShareTable, Table

Cells = Mapping[tuple[str, str], frozenset[int]]


def _union(sets: Iterable[frozenset[int]]) -> frozenset[int]:
    return frozenset().union(*sets)


@dataclass
class Recorder:
    """The figures of every table built while it records; ``place`` names the view."""

    place: str = ""
    detail: int = 0  # how many filters the view applies
    figures: list[Published] = field(default_factory=list)

    def _add(self, where: str, records: frozenset[int], figure: Figure) -> None:
        self.figures.append(
            Published(f"{self.place} · {where}", records, figure.value, self.detail)
        )

    def table(self, table: Table, cells: Cells, *, meetings: bool = False) -> None:
        if table.one_way:  # its one column has the key ""
            cells = {(row, ""): records for (row, _column), records in cells.items()}

        def of(row: str, column: str) -> frozenset[int]:
            # Meetings and participations are different records: meetings count as negatives.
            records = cells.get((row, column), frozenset())
            return frozenset(-r for r in records) if meetings else records

        title = table.title
        rows = [r.key for r in table.rows]
        columns = [c.key for c in table.columns]
        for row in table.rows:
            line = [of(row.key, c) for c in columns]
            if not table.one_way:
                for column, records in zip(table.columns, line, strict=True):
                    self._add(
                        f"{title}: {row.label}, {column.label}",
                        records,
                        table.cell(row.key, column.key),
                    )
            self._add(f"{title}: {row.label}", _union(line), table.row_total(row.key))
        if not table.one_way:
            for column in table.columns:
                records = _union(of(r, column.key) for r in rows)
                self._add(f"{title}: {column.label}", records, table.column_total(column.key))
        everything = _union(of(r, c) for r in rows for c in columns)
        self._add(f"{title}: totalt", everything, table.total)

    def shares(
        self, table: ShareTable, achieved: Mapping[str, frozenset[int]], base: Cells
    ) -> None:
        """A share table publishes, per row and in total, the achieved count and the base (the
        percent adds nothing they do not give)."""
        title = table.title
        everyone: list[frozenset[int]] = []
        reached: list[frozenset[int]] = []
        for share in table.shares:
            key = share.category.key
            row = base.get((key, ""), frozenset())
            everyone.append(row)
            reached.append(achieved.get(key, frozenset()))
            self._add(f"{title}: {share.category.label}, uppnått", reached[-1], share.achieved)
            self._add(f"{title}: {share.category.label}, antal", row, share.base)
        self._add(f"{title}: totalt, uppnått", _union(reached), table.total.achieved)
        self._add(f"{title}: totalt, antal", _union(everyone), table.total.base)
