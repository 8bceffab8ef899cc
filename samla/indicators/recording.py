"""What happens to every table ``Figures`` makes, with the participations (or meetings) behind
each of its figures (ADR 0012).

``Figures`` always fetches the ids behind each cell and hands each finished table to a
*publisher*, which may hide more of it:

- a ``Recorder`` keeps every figure, margins included, exactly as shown or hidden, for the
  differencing audit and for building a release (``releases.py``);
- an ``Approval`` (``releases.py``) hides every figure whose group of people the association's
  current release did not approve.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Protocol

from samla.statistics.audit import Published
from samla.statistics.tables import Figure, Position, ShareTable, Table

Cells = Mapping[tuple[str, str], frozenset[int]]


def _union(sets: Iterable[frozenset[int]]) -> frozenset[int]:
    return frozenset().union(*sets)


def digest(records: frozenset[int]) -> str:
    """A fingerprint of one group of records: the same people give the same digest, a group
    with one more or one fewer another."""
    text = ",".join(map(str, sorted(records)))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def placed(
    table: Table, cells: Cells, *, meetings: bool = False
) -> Iterator[tuple[Position, str, frozenset[int]]]:
    """Each figure of ``table``: its position, where it stands in words, and its records."""
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
                yield (
                    ("cell", row.key, column.key),
                    f"{title}: {row.label}, {column.label}",
                    records,
                )
        yield ("row", row.key, ""), f"{title}: {row.label}", _union(line)
    if not table.one_way:
        for column in table.columns:
            records = _union(of(r, column.key) for r in rows)
            yield ("column", "", column.key), f"{title}: {column.label}", records
    yield ("total", "", ""), f"{title}: totalt", _union(of(r, c) for r in rows for c in columns)


def placed_shares(
    table: ShareTable, achieved: Mapping[str, frozenset[int]], base: Cells
) -> Iterator[tuple[Position, str, frozenset[int]]]:
    """A share table publishes, per row and in total, the achieved count and the base (the
    percent adds nothing they do not give)."""
    title = table.title
    everyone: list[frozenset[int]] = []
    reached: list[frozenset[int]] = []
    for share in table.shares:
        key, label = share.category.key, share.category.label
        everyone.append(base.get((key, ""), frozenset()))
        reached.append(achieved.get(key, frozenset()))
        yield ("achieved", key, ""), f"{title}: {label}, uppnått", reached[-1]
        yield ("base", key, ""), f"{title}: {label}, antal", everyone[-1]
    yield ("achieved", "", ""), f"{title}: totalt, uppnått", _union(reached)
    yield ("base", "", ""), f"{title}: totalt, antal", _union(everyone)


class Publisher(Protocol):
    """What ``Figures`` hands every finished table to; it returns the table to show."""

    def table(self, table: Table, cells: Cells, *, meetings: bool = False) -> Table: ...

    def shares(
        self, table: ShareTable, achieved: Mapping[str, frozenset[int]], base: Cells
    ) -> ShareTable: ...


_publishing: ContextVar[Publisher | None] = ContextVar("publishing", default=None)


@contextmanager
def publishing(publisher: Publisher) -> Iterator[None]:
    """Every ``Figures`` made inside hands its tables to ``publisher``: how a release records
    the figures of reports and cost pages without each of them taking a publisher."""
    token = _publishing.set(publisher)
    try:
        yield
    finally:
        _publishing.reset(token)


def current_publisher() -> Publisher | None:
    return _publishing.get()


@dataclass
class Recorder:
    """Keeps the figures of every table built while it records; ``place`` names the view."""

    place: str = ""
    detail: int = 0  # how many filters the view applies
    figures: list[Published] = field(default_factory=list)

    def _add(self, where: str, records: frozenset[int], figure: Figure) -> None:
        self.figures.append(
            Published(f"{self.place} · {where}", records, figure.value, self.detail)
        )

    def table(self, table: Table, cells: Cells, *, meetings: bool = False) -> Table:
        for position, where, records in placed(table, cells, meetings=meetings):
            self._add(where, records, table.figure(position))
        return table

    def shares(
        self, table: ShareTable, achieved: Mapping[str, frozenset[int]], base: Cells
    ) -> ShareTable:
        for position, where, records in placed_shares(table, achieved, base):
            self._add(where, records, table.figure(position))
        return table
