"""What happens to every table ``Figures`` makes, with the participations (or meetings) behind
each of its figures (ADR 0012).

``Figures`` always fetches the ids behind each cell and hands each finished table to a
*publisher*, which may hide more of it:

- a ``Recorder`` keeps every figure, margins included, exactly as shown or hidden, for the
  differencing audit and for building a release (``releases.py``);
- an ``Approval`` (``releases.py``) hides every figure whose group of people the association's
  current release did not approve.

A ``Recorder`` needs the ids behind every cell (``records = True``). An ``Approval`` needs only
to know whether a cell's group is one the release approved, which a ``Tally`` tells: the group's
size and the sums of two 40-bit hash parts of its ids, which the database adds up beside the count
(the rollup keeps each referral's parts) and which add up again for a margin, a margin's cells
being disjoint. The digest of a group is the same whichever way it was counted.
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

HASH_BITS = 40


def hash_parts(record: int) -> tuple[int, int]:
    """Two 40-bit parts of a hash of one record's id: what the rollup keeps per referral. Sums
    of 40-bit parts stay exact integers in both databases up to 2²³ records a group."""
    parts = hashlib.blake2b(str(record).encode(), digest_size=2 * HASH_BITS // 8).digest()
    half = HASH_BITS // 8
    return int.from_bytes(parts[:half], "big"), int.from_bytes(parts[half:], "big")


@dataclass(frozen=True)
class Tally:
    """A group of records by its size and the sums of their hash parts: a fingerprint that adds
    up. Two disjoint groups together tally to the sum of their tallies."""

    count: int = 0
    high: int = 0
    low: int = 0

    @classmethod
    def of(cls, records: Iterable[int]) -> Tally:
        count = high = low = 0
        for record in records:
            h, lo = hash_parts(record)
            count, high, low = count + 1, high + h, low + lo
        return cls(count, high, low)

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.count + other.count, self.high + other.high, self.low + other.low)

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0


Group = frozenset[int] | Tally
Cells = Mapping[tuple[str, str], Group]


def _union(groups: Iterable[Group]) -> Group:
    """Disjoint groups together: the union of sets of ids, or the sum of tallies."""
    found = list(groups)
    if all(isinstance(g, frozenset) for g in found):
        return frozenset().union(*found)  # type: ignore[arg-type]
    return sum((g if isinstance(g, Tally) else Tally.of(g) for g in found), Tally())


def digest(records: Group) -> str:
    """A fingerprint of one group of records: the same people give the same digest, a group
    with one more or one fewer another, whether counted as ids or as a tally."""
    tally = records if isinstance(records, Tally) else Tally.of(records)
    text = f"{tally.count}:{tally.high}:{tally.low}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def placed(
    table: Table, cells: Cells, *, meetings: bool = False
) -> Iterator[tuple[Position, str, Group]]:
    """Each figure of ``table``: its position, where it stands in words, and its records."""
    if table.one_way:  # its one column has the key ""
        cells = {(row, ""): records for (row, _column), records in cells.items()}

    def of(row: str, column: str) -> Group:
        # Meetings and participations are different records: meetings count as negatives.
        records = cells.get((row, column), frozenset())
        if meetings:
            assert isinstance(records, frozenset), "meetings are counted by their ids"
            return frozenset(-r for r in records)
        return records

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
    table: ShareTable, achieved: Mapping[str, Group], base: Cells
) -> Iterator[tuple[Position, str, Group]]:
    """A share table publishes, per row and in total, the achieved count and the base (the
    percent adds nothing they do not give)."""
    title = table.title
    everyone: list[Group] = []
    reached: list[Group] = []
    for share in table.shares:
        key, label = share.category.key, share.category.label
        everyone.append(base.get((key, ""), frozenset()))
        reached.append(achieved.get(key, frozenset()))
        yield ("achieved", key, ""), f"{title}: {label}, uppnått", reached[-1]
        yield ("base", key, ""), f"{title}: {label}, antal", everyone[-1]
    yield ("achieved", "", ""), f"{title}: totalt, uppnått", _union(reached)
    yield ("base", "", ""), f"{title}: totalt, antal", _union(everyone)


class Publisher(Protocol):
    """What ``Figures`` hands every finished table to; it returns the table to show.
    ``records``: whether it needs the ids behind each cell, or a ``Tally`` of them is enough."""

    records: bool

    def table(self, table: Table, cells: Cells, *, meetings: bool = False) -> Table: ...

    def shares(
        self, table: ShareTable, achieved: Mapping[str, Group], base: Cells
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
    records = True

    def _add(self, where: str, records: Group, figure: Figure) -> None:
        assert isinstance(records, frozenset), "a recorder keeps the ids behind each figure"
        self.figures.append(
            Published(f"{self.place} · {where}", records, figure.value, self.detail)
        )

    def table(self, table: Table, cells: Cells, *, meetings: bool = False) -> Table:
        for position, where, records in placed(table, cells, meetings=meetings):
            self._add(where, records, table.figure(position))
        return table

    def shares(self, table: ShareTable, achieved: Mapping[str, Group], base: Cells) -> ShareTable:
        for position, where, records in placed_shares(table, achieved, base):
            self._add(where, records, table.figure(position))
        return table
