"""The rollup counted per calendar year (issue 17 item 2, ADR 0019's second level).

A dashboard over ten years at a national association would read every one of 300 000 rollup rows
for each table. ``YearCount`` holds, per kind of count (an ``Event``) and per set of columns a
dashboard groups by (``SUMMED``), the number of referrals of each activity in each year, per
municipality and sex, and their tally (``recording.Tally``): a few thousand rows per table.

- **Kept current with the rollup**: ``rollups.refresh_batch`` calls ``add(participants, -1)``
  before it removes the participants' rows and ``add(participants, +1)`` after it writes them
  again, in the same transaction. Tallies are sums, so subtracting the old rows and adding the
  new ones is exact.
- **Read for whole years**: ``Figures.count_ahead`` adds up the years that lie wholly inside the
  period (``whole_years``) and counts only what is left (``Event.rest``: a partial first or last
  year) from the rollup. The sum is the count over the rollup, cell by cell and tally by tally
  (samla/indicators/tests/test_rollups.py).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connections
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear

from samla.indicators import dimensions as d
from samla.indicators.models import Rollup, YearCount
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

    def rest(self, years: tuple[int, int]) -> Q:
        """Of the referrals ``within`` a period, those the whole years ``years`` do not count:
        those of a partial first or last year."""
        first, last = years
        if self.until:
            return Q(started_on__gt=date(last, 12, 31)) | Q(ended_on__lt=date(first, 1, 1))
        return Q(**{f"{self.on}__gt": date(last, 12, 31)}) | Q(
            **{f"{self.on}__lt": date(first, 1, 1)}
        )


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
    """A kept value as the rollup's column holds it."""
    if name in FLAGS:
        return {"true": True, "false": False}.get(str(value))
    return str(value)


# --- keeping them current ---


def _key(name: str | None) -> Any:
    if name is None:
        return Value("")
    if name in FLAGS:
        return Case(
            When(**{name: True}, then=Value("true")),
            When(**{name: False}, then=Value("false")),
            default=Value(""),
            output_field=CharField(),
        )
    return F(name)


def _counted(
    event: Event, columns: Sequence[str], rows: QuerySet[Rollup]
) -> QuerySet[Rollup, dict[str, Any]]:
    padded = [*columns, None, None][:2]
    year = ExtractYear(event.on)
    return (
        rows.filter(event.counts())
        .annotate(
            _activity=F("activity_id"),
            _year=year,
            _until=Coalesce(ExtractYear(event.until), Value(YearCount.STILL_UNDER_WAY))
            if event.until
            else year,
            _municipality=F(d.MUNICIPALITY.column),
            _sex=F(d.SEX.column),
            _first=_key(padded[0]),
            _second=_key(padded[1]),
        )
        .values("_activity", "_year", "_until", "_municipality", "_sex", "_first", "_second")
        .annotate(_count=Count("pk"), _high=Sum("hash_high"), _low=Sum("hash_low"))
        .order_by()
    )


# YearCount's columns a row is kept by, beside ``event`` and ``columns``: each ``_counted``'s
# name for it.
KEPT_BY = {
    "activity_id": "_activity",
    "year": "_year",
    "until": "_until",
    "by_municipality": "_municipality",
    "by_sex": "_sex",
    "first": "_first",
    "second": "_second",
}
SUMS = {"count": "_count", "hash_high": "_high", "hash_low": "_low"}


def add(rows: QuerySet[Rollup]) -> None:
    """Add the rollup's ``rows`` to the year counts: one INSERT … ON CONFLICT DO UPDATE per event
    and columns. Then the counts that came to nothing (after a ``subtract``) are removed."""
    database = connections[rows.db]
    quote = database.ops.quote_name
    table = quote(YearCount._meta.db_table)
    kept = ", ".join(quote(name) for name in ("event", "columns", *KEPT_BY))
    sums = ", ".join(quote(name) for name in SUMS)
    added = ", ".join(f"{quote(n)} = {table}.{quote(n)} + excluded.{quote(n)}" for n in SUMS)
    values = ", ".join([*KEPT_BY.values(), *SUMS.values()])
    with database.cursor() as cursor:
        for event, columns, inner, params in _each_count(rows):
            # The names are YearCount's own columns, quoted; every value is a parameter.
            # (WHERE true: SQLite's parser needs it before ON CONFLICT after a SELECT.)
            cursor.execute(
                f"INSERT INTO {table} ({kept}, {sums}) "  # noqa: S608
                f"SELECT %s, %s, {values} FROM ({inner}) AS counted "
                f"WHERE true ON CONFLICT ({kept}) DO UPDATE SET {added}",
                [event.name, ",".join(columns), *params],
            )
    YearCount.objects.using(rows.db).filter(count=0).delete()


def subtract(rows: QuerySet[Rollup]) -> None:
    """Subtract the rollup's ``rows`` from the year counts, which count them: one UPDATE … FROM
    per event and columns. (Not an upsert: SQLite checks ``count >= 0`` before it finds the
    conflict.)"""
    database = connections[rows.db]
    quote = database.ops.quote_name
    table = quote(YearCount._meta.db_table)
    less = ", ".join(f"{quote(n)} = {table}.{quote(n)} - counted.{a}" for n, a in SUMS.items())
    same = " AND ".join(f"{table}.{quote(n)} = counted.{a}" for n, a in KEPT_BY.items())
    with database.cursor() as cursor:
        for event, columns, inner, params in _each_count(rows):
            # The names are YearCount's own columns, quoted; every value is a parameter.
            cursor.execute(
                f"UPDATE {table} SET {less} FROM ({inner}) AS counted "  # noqa: S608
                f"WHERE {table}.{quote('event')} = %s AND {table}.{quote('columns')} = %s "
                f"AND {same}",
                [*params, event.name, ",".join(columns)],
            )


def _each_count(rows: QuerySet[Rollup]) -> Iterator[tuple[Event, tuple[str, ...], str, Any]]:
    for event, column_sets in SUMMED.items():
        for columns in column_sets:
            inner, params = _counted(event, columns, rows).query.sql_with_params()
            yield event, columns, inner, params


def rebuild(using: str = "default") -> None:
    """Count every year again from the whole rollup: after an upgrade that changes ``SUMMED``,
    or to mend counts that were changed by hand."""
    YearCount.objects.using(using).all().delete()
    add(Rollup.objects.using(using).all())
