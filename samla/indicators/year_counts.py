"""The rollup counted per calendar year (issue 17 item 2, ADR 0019's second level).

A dashboard over ten years at a national association would read every one of 300 000 rollup rows
for each table. ``YearCount`` holds, per kind of count (an ``Event``) and per set of columns a
dashboard groups by (``SUMMED``), the number of referrals of each activity in each year, per
municipality and sex, and their tally (``recording.Tally``): a few thousand rows per table.

- **Kept current with the rollup**: a refresh (``rollups.refresh_batch``) gives ``Changes`` the
  rollup rows it removes and those it writes, in the same transaction, and ``Changes.save``
  applies the difference. Tallies are sums, so subtracting the old rows and adding the new ones
  is exact.
- **Read for whole years**: ``Figures.count_ahead`` adds up the years that lie wholly inside the
  period (``whole_years``) and counts only what is left (``Event.rest``: a partial first or last
  year) from the rollup. The sum is the count over the rollup, cell by cell and tally by tally
  (samla/indicators/tests/test_rollups.py).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Sum

from samla.indicators import dimensions as d
from samla.indicators.models import YEAR_COUNT_KEY, Rollup, YearCount
from samla.indicators.recording import Tally
from samla.referrals.models import ExitReason, Referral, is_participation, is_under_way

# The rollup's boolean columns a share is counted by: kept as text, '' for NULL.
FLAGS = ("wellbeing_better", "closeness_better", "learned")
# The columns every YearCount row is kept by, beside its ``columns``.
ALWAYS = (d.MUNICIPALITY.column, d.SEX.column)


@dataclass(frozen=True)
class Event:
    """A kind of count: which referrals (``counts``), and in a period, by which date (``on``);
    the under-way count by its start and end (``until``)."""

    name: str
    counts: Callable[[], Q]
    on: str
    until: str = ""

    def within(self, first: date, last: date) -> Q:
        """The referrals this counts in the period, over the rollup."""
        if self.until:
            return self.counts() & is_under_way(first, last)
        return self.counts() & Q(**{f"{self.on}__gte": first, f"{self.on}__lte": last})

    def in_years(self, years: tuple[int, int]) -> Q:
        """Of ``YearCount``, the rows counted in the whole years ``years`` (first, last)."""
        first, last = years
        if self.until:  # started by the end of the last year, not ended before the first
            return Q(year__lte=last, until__gte=first)
        return Q(year__gte=first, year__lte=last)

    def rest(self, first: date, last: date, years: tuple[int, int]) -> list[Q]:
        """Of the referrals ``within`` the period from ``first`` to ``last``, those the whole
        ``years`` in it do not count, as disjoint parts that are each one range of dates (an
        index's range): a partial first year, a partial last year."""
        start, end = date(years[0], 1, 1), date(years[1], 12, 31)
        parts = []
        # Under way: one that ended before the whole years began, or started after they ended;
        # never both, since it cannot end before it starts.
        before, after = (self.until, self.on) if self.until else (self.on, self.on)
        if first < start:
            parts.append(Q(**{f"{before}__lt": start}))
        if last > end:
            parts.append(Q(**{f"{after}__gt": end}))
        return parts


def _ended() -> Q:
    return is_participation() & Q(state=Referral.State.ENDED)


def _in_error() -> Q:
    return Q(state=Referral.State.ENDED, exit_reason=ExitReason.IN_ERROR)


STARTED = Event("started", is_participation, "started_on")
ENDED = Event("ended", _ended, "ended_on")
SENT = Event("sent", Q, "sent_on")
UNDER_WAY = Event("under_way", is_participation, "started_on", until="ended_on")
IN_ERROR = Event("in_error", _in_error, "ended_on")

# What the dashboards count of each event, beside the municipality, the sex and the activity that
# every row has: the tables of Dashboard.sections and its shares' flags.
SUMMED: dict[Event, tuple[tuple[str, ...], ...]] = {
    STARTED: (
        (),
        (d.AGE.column,),
        (d.TARGET_GROUP.column,),
        (d.WAITING.column,),
        (d.QUARTER.column,),
    ),
    ENDED: (
        (d.EXIT_REASON.column,),
        (d.OCCUPATION_BEFORE.column, d.OCCUPATION_AFTER.column),
        (d.INCOME_BEFORE.column, d.INCOME_AFTER.column),
        (d.DURATION.column,),
        ("wellbeing_better",),
        ("closeness_better",),
    ),
    SENT: ((d.STATE.column,), (d.ORGANISATION.column,)),
    UNDER_WAY: ((), ("learned",)),
    IN_ERROR: ((),),
}


def whole_years(first: date, last: date) -> tuple[int, int] | None:
    """The calendar years that lie wholly in the period, as (first, last), or None if none
    does."""
    start = first.year if (first.month, first.day) == (1, 1) else first.year + 1
    end = last.year if (last.month, last.day) == (12, 31) else last.year - 1
    return (start, end) if start <= end else None


def covering(event: Event, names: Collection[str]) -> tuple[str, ...] | None:
    """The fewest summed columns that, with those every row has, include ``names``."""
    kept = {*ALWAYS, d.ACTIVITY.column}
    found = [columns for columns in SUMMED[event] if set(names) <= kept | set(columns)]
    return min(found, key=len) if found else None


def tallies(
    event: Event,
    names: tuple[str, ...],
    years: tuple[int, int],
    rows: QuerySet[YearCount],
) -> dict[tuple[object, ...], Tally] | None:
    """Of ``rows`` (YearCount, filtered to a scope), the tally per value of ``names`` over the
    whole ``years``, as the rollup's own columns would give them; None if no summed columns
    include ``names``."""
    columns = covering(event, names)
    if columns is None:
        return None
    field = {d.ACTIVITY.column: "activity_id", **{c: c for c in ALWAYS}}
    field.update(zip(columns, ("first", "second"), strict=False))
    counted = (
        rows.filter(Q(event=event.name, columns=",".join(columns)) & event.in_years(years))
        .values(*(field[name] for name in names))
        .annotate(_count=Sum("count"), _high=Sum("hash_high"), _low=Sum("hash_low"))
        .order_by()
    )
    found: dict[tuple[object, ...], Tally] = {}
    for row in counted:
        key = tuple(_as_rollup(name, row[field[name]]) for name in names)
        found[key] = Tally(row["_count"], int(row["_high"]), int(row["_low"]))
    return {key: tally for key, tally in found.items() if tally.count}


def _as_rollup(name: str, value: object) -> object:
    """A kept value as the rollup's column holds it (``_kept`` the other way)."""
    if name in FLAGS:
        return {"true": True, "false": False}.get(str(value))
    return str(value)


# --- keeping them current ---

# A year count's key (``models.YEAR_COUNT_KEY``): event, columns, activity, year, until,
# municipality, sex, first, second.
Key = tuple[str, str, int, int, int, str, str, str, str]
SUMS = ("count", "hash_high", "hash_low")
# Each column's type, in the order of YEAR_COUNT_KEY and SUMS, for PostgreSQL's unnest.
ARRAY_TYPES = (
    *("text", "text", "bigint", "int", "int", "text", "text", "text", "text"),
    *("int", "bigint", "bigint"),
)


class OutOfStep(Exception):
    """The year counts do not count rows the rollup holds: mend with ``refresh_rollups
    --rebuild``."""


class Changes:
    """What a refresh changes in the year counts: the rollup's rows it removes, subtracted, and
    those it writes, added, netted per year count, so a participant computed again unchanged
    changes nothing. Which event counts a row is asked of the database with the event's own
    condition (``Event.counts``)."""

    def __init__(self) -> None:
        self.net: dict[Key, list[int]] = {}

    def subtract(self, rows: QuerySet[Rollup]) -> None:
        self._count(rows, -1)

    def add(self, rows: QuerySet[Rollup]) -> None:
        self._count(rows, 1)

    def _count(self, rows: QuerySet[Rollup], sign: int) -> None:
        events = {f"_{event.name}": event for event in SUMMED}
        asked = {
            name: ExpressionWrapper(event.counts(), output_field=BooleanField())
            for name, event in events.items()
            if event.counts()
        }
        kept = {name for column_sets in SUMMED.values() for names in column_sets for name in names}
        dates = {event.on for event in SUMMED} | {event.until for event in SUMMED if event.until}
        read = rows.annotate(**asked).values(
            "activity_id", "hash_high", "hash_low", *ALWAYS, *kept, *dates, *asked
        )
        net = self.net
        for row in read.order_by().iterator(chunk_size=2000):
            municipality, sex = row[d.MUNICIPALITY.column], row[d.SEX.column]
            high, low = sign * row["hash_high"], sign * row["hash_low"]
            for name, event in events.items():
                on = row[event.on]
                if on is None or not row.get(name, True):
                    continue
                if event.until:
                    ended = row[event.until]
                    until = ended.year if ended is not None else YearCount.STILL_UNDER_WAY
                else:
                    until = on.year
                for columns in SUMMED[event]:
                    values = [_kept(row[column]) for column in columns]
                    values += [""] * (2 - len(values))
                    key: Key = (
                        event.name,
                        ",".join(columns),
                        row["activity_id"],
                        on.year,
                        until,
                        municipality,
                        sex,
                        values[0],
                        values[1],
                    )
                    counted = net.setdefault(key, [0, 0, 0])
                    counted[0] += sign
                    counted[1] += high
                    counted[2] += low

    def save(self, using: str = "default") -> None:
        """Apply the net changes: what grows by an upsert, what shrinks (or changes only its
        sums) by an update that must find its row, and remove what came to nothing."""
        grows: list[tuple[str | int, ...]] = [
            (*key, *sums) for key, sums in self.net.items() if sums[0] > 0
        ]
        shrinks: list[tuple[str | int, ...]] = [
            (*sums, *key) for key, sums in self.net.items() if sums[0] <= 0 and any(sums)
        ]
        self.net = {}
        database = connections[using]
        quote = database.ops.quote_name
        table = quote(YearCount._meta.db_table)
        kept = ", ".join(quote(name) for name in YEAR_COUNT_KEY)
        placeholders = ", ".join(["%s"] * (len(YEAR_COUNT_KEY) + len(SUMS)))
        added = ", ".join(f"{quote(n)} = {table}.{quote(n)} + excluded.{quote(n)}" for n in SUMS)
        changed = ", ".join(f"{quote(n)} = {quote(n)} + %s" for n in SUMS)
        same = " AND ".join(f"{quote(n)} = %s" for n in YEAR_COUNT_KEY)
        with database.cursor() as cursor:
            if shrinks:
                # Not an upsert: SQLite checks ``count >= 0`` before it finds the conflict.
                cursor.executemany(f"UPDATE {table} SET {changed} WHERE {same}", shrinks)  # noqa: S608
                if cursor.rowcount != len(shrinks):
                    raise OutOfStep(f"{len(shrinks) - cursor.rowcount} year counts missing")
                YearCount.objects.using(using).filter(count=0).delete()
            if not grows:
                return
            insert = f"INSERT INTO {table} ({kept}, {', '.join(quote(n) for n in SUMS)}) "
            upsert = f"ON CONFLICT ({kept}) DO UPDATE SET {added}"
            if database.vendor == "postgresql":
                # One statement of arrays, a column each: one statement per row took most of the
                # time of building the year counts at 300 000 participations, and a VALUES list
                # of thousands of rows most of the driver's.
                arrays = ", ".join(f"%s::{kind}[]" for kind in ARRAY_TYPES)
                columns = [list(column) for column in zip(*grows, strict=True)]
                cursor.execute(f"{insert} SELECT * FROM unnest({arrays}) {upsert}", columns)  # noqa: S608
            else:
                cursor.executemany(f"{insert} VALUES ({placeholders}) {upsert}", grows)


def _kept(value: object) -> str:
    """A rollup value as a year count keeps it: flags as text, '' for NULL."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


def rebuild(using: str = "default") -> None:
    """Count every year again from the whole rollup: after an upgrade that changes ``SUMMED``,
    or to mend counts that were changed by hand."""
    YearCount.objects.using(using).all().delete()
    changes = Changes()
    changes.add(Rollup.objects.using(using).all())
    changes.save(using)
