"""The association's figures: one SQL query per table over the rollup (``rollups.py``, one row
per referral with each dimension's key), grouped by the dimensions in ``dimensions.py``, every
number put through the statistics layer and then through a publisher (``recording.py``) before
anyone sees it (R7, ADR 0012). The publisher needs to know which group of people a figure counts:
a release's recorder gets the ids behind each cell, a page's approval (``approval.Approval``,
the default) a tally of them summed in the database, and shows a figure only if the association's
current release approved exactly that group.

A participation is a referral that started (docs/domain.md §5E); each counts on its own,
anonymous ones included (R5). For a period, a participation *started* in it if its start date
falls in it, was *active* if it was under way at some time in it, and *ended* in it if its end
date falls in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from samla.activities.models import Activity
from samla.indicators import dimensions as d
from samla.indicators import year_counts
from samla.indicators.approval import Approval
from samla.indicators.dimensions import Context, Dimension
from samla.indicators.models import Programme, Rollup, Target, YearCount
from samla.indicators.recording import Cells, Group, Publisher, Tally, current_publisher
from samla.indicators.rollups import refresh_before_counting
from samla.indicators.year_counts import ENDED, IN_ERROR, SENT, STARTED, UNDER_WAY, Event
from samla.meetings.figures import held as meetings_held_between
from samla.meetings.models import Meeting
from samla.organisations.models import Association
from samla.referrals.models import ExitReason
from samla.statistics.tables import (
    Category,
    Figure,
    ShareTable,
    Table,
    count_table,
    one_way_table,
    share_table,
)

Counted = TypeVar("Counted", int, Group)
Counting = TypeVar("Counting", bound=QuerySet[Any])
# Tallies counted ahead: per grouping (the rollup's columns), per their values.
Tallies = dict[tuple[object, ...], Tally]

WORK_OR_STUDIES = (ExitReason.WORK_UNSUBSIDISED, ExitReason.WORK_SUBSIDISED, ExitReason.STUDIES)
ALL = Category("all", "Alla")


@dataclass(frozen=True)
class Scope:
    """What a dashboard speaks of: a programme, one activity, or all the association's
    activities, over a period."""

    association: Association
    title: str
    activity_ids: tuple[int, ...]
    starts_on: date
    ends_on: date
    programme: Programme | None = None
    activity: Activity | None = None

    @property
    def years(self) -> list[int]:
        return list(range(self.starts_on.year, self.ends_on.year + 1))

    @classmethod
    def of_programme(cls, programme: Programme) -> Scope:
        return cls(
            association=programme.association,
            title=programme.name,
            activity_ids=tuple(sorted(programme.activities.values_list("pk", flat=True))),
            starts_on=programme.starts_on,
            ends_on=programme.ends_on,
            programme=programme,
        )

    @classmethod
    def of_activity(cls, activity: Activity, *, today: date) -> Scope:
        return cls(
            association=activity.association,
            title=activity.name,
            activity_ids=(activity.pk,),
            starts_on=activity.starts_on,
            ends_on=activity.ends_on or date(today.year, 12, 31),
            activity=activity,
        )

    @classmethod
    def of_year(cls, association: Association, year: int, *, title: str) -> Scope:
        """The association's individual activities that run in the calendar year, over that
        year: what the yearly reports and the cost per outcome count."""
        activities = Activity.objects.filter(association=association, kind="individual")
        return cls(
            association=association,
            title=title,
            activity_ids=tuple(sorted(activities.active_in(year).values_list("pk", flat=True))),
            starts_on=date(year, 1, 1),
            ends_on=date(year, 12, 31),
        )

    @classmethod
    def of_association(cls, association: Association, *, today: date) -> Scope:
        activities = Activity.objects.filter(association=association, kind="individual")
        first = min(activities.values_list("starts_on", flat=True), default=today)
        return cls(
            association=association,
            title=_("Alla insatser i %(association)s") % {"association": association.short_name},
            activity_ids=tuple(sorted(activities.values_list("pk", flat=True))),
            starts_on=date(first.year, 1, 1),
            ends_on=date(today.year, 12, 31),
        )

    def targets(self) -> list[Target]:
        """The targets in the order of the seed's delmål: counts first, then shares, each for
        the whole period before the years."""
        if self.programme is None and self.activity is None:
            return []
        owner = Q(programme=self.programme) if self.programme else Q(activity=self.activity)
        order = list(Target.Kind)
        targets = Target.objects.filter(owner).select_related("target_group", "municipality")
        return sorted(
            targets,
            key=lambda t: (
                order.index(Target.Kind(t.kind)),
                t.year or 0,
                t.municipality.name if t.municipality else "",
                t.target_group.name if t.target_group else "",
                t.sex,
            ),
        )


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    activity: int | None = None
    municipality: int | None = None
    sex: str = ""

    def period(self, scope: Scope) -> tuple[date, date]:
        if self.year is None:
            return scope.starts_on, scope.ends_on
        return max(scope.starts_on, date(self.year, 1, 1)), min(
            scope.ends_on, date(self.year, 12, 31)
        )

    def apply(self, rows: Counting) -> Counting:
        """Of the rollup, or of the year counts (``YearCount``), which keep the same columns."""
        if self.activity:
            rows = rows.filter(activity_id=self.activity)
        if self.municipality:
            rows = rows.filter(**{d.MUNICIPALITY.column: str(self.municipality)})
        if self.sex:
            rows = rows.filter(**{d.SEX.column: self.sex})
        return rows

    def as_query(self) -> dict[str, str]:
        values = {
            "year": self.year,
            "activity": self.activity,
            "municipality": self.municipality,
            "sex": self.sex,
        }
        return {key: str(value) for key, value in values.items() if value}


def quarters(first: date, last: date) -> list[tuple[int, int]]:
    found, year, quarter = [], first.year, (first.month - 1) // 3 + 1
    while (year, quarter) <= (last.year, (last.month - 1) // 3 + 1):
        found.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return found


class Figures:
    """The counts for one scope and one set of filters, each as a suppressed table."""

    def __init__(
        self, scope: Scope, filters: Filters, *, publisher: Publisher | None = None
    ) -> None:
        self.scope, self.filters = scope, filters
        self.publisher = publisher or current_publisher() or Approval.current(scope.association)
        refresh_before_counting()
        self.first, self.last = filters.period(scope)
        self.k = scope.association.suppression_k
        self.context = Context(
            association=scope.association,
            activity_ids=scope.activity_ids,
            quarters=quarters(self.first, self.last),
        )
        self._categories: dict[str, list[Category]] = {}
        # Tables counted ahead (``count_ahead``), by what and how they count.
        self._ahead: dict[tuple[object, ...], Tallies] = {}

    # --- the participations ---

    @cached_property
    def referrals(self) -> QuerySet[Rollup]:
        return self.filters.apply(Rollup.objects.filter(activity_id__in=self.scope.activity_ids))

    def counted(self, event: Event) -> QuerySet[Rollup]:
        """The referrals the event counts in the period."""
        return self.referrals.filter(event.within(self.first, self.last))

    def started(self) -> QuerySet[Rollup]:
        return self.counted(STARTED)

    def active(self) -> QuerySet[Rollup]:
        return self.counted(UNDER_WAY)

    def ended(self) -> QuerySet[Rollup]:
        return self.counted(ENDED)

    # --- counting ---

    def categories(self, dimension: Dimension) -> list[Category]:
        if dimension.slug not in self._categories:
            self._categories[dimension.slug] = dimension.categories(self.context)
        return self._categories[dimension.slug]

    def cells(
        self, referrals: QuerySet[Rollup], row: Dimension, column: Dimension | None = None
    ) -> dict[tuple[str, str], Group]:
        """One query: the referrals per (row key, column key), as their ids if the publisher
        needs them, or else as a tally summed in the database."""
        if not self.publisher.records:
            counted = self._ahead.get(_counting(referrals, _columns(row, column)))
            if counted is not None:
                return {
                    (str(values[0]), str(values[1]) if column is not None else ALL.key): tally
                    for values, tally in counted.items()
                }
            return {
                self._key(r, column): _tally(r)
                for r in self._grouped(referrals, row, column).annotate(**TALLY).order_by()
            }
        found: dict[tuple[str, str], set[int]] = {}
        for r in self._grouped(referrals, row, column, "pk").order_by():
            found.setdefault(self._key(r, column), set()).add(r["pk"])
        return {key: frozenset(ids) for key, ids in found.items()}

    def count_ahead(
        self,
        event: Event,
        tables: Sequence[tuple[Dimension, Dimension | None]],
        *,
        flagged: Sequence[tuple[Dimension, str]] = (),
    ) -> None:
        """Count several tables of the same referrals ahead, for ``cells`` (and the shares, by
        ``flagged``: a dimension and a flag column of the rollup) to find. The whole years of
        the period are added up from the year counts (``year_counts.py``), and only a partial
        first or last year is counted from the rollup, on PostgreSQL in one scan with
        GROUPING SETS. Only for a publisher that needs tallies: a release's recorder needs the
        ids, which each table's own query finds."""
        if self.publisher.records:
            return
        referrals = self.counted(event)
        wanted = [_columns(row, column) for row, column in tables]
        wanted += [(row.column, flag) for row, flag in flagged]
        sets = [
            names
            for names in dict.fromkeys(wanted)
            if _counting(referrals, names) not in self._ahead
        ]
        if not sets:
            return
        years = year_counts.whole_years(self.first, self.last)
        found: dict[tuple[str, ...], Tallies] = {}
        if years is not None:
            kept = self.filters.apply(
                YearCount.objects.filter(activity_id__in=self.scope.activity_ids)
            )
            for names in sets:
                summed = year_counts.tallies(event, names, years, kept)
                if summed is not None:
                    found[names] = summed
        rests = event.rest(self.first, self.last, years) if found and years is not None else []
        for rest in rests:  # a partial first or last year, from the rollup
            for names, tallies in _scan(referrals.filter(rest), list(found)).items():
                for values, tally in tallies.items():
                    found[names][values] = found[names].get(values, Tally()) + tally
        found.update(_scan(referrals, [names for names in sets if names not in found]))
        for names in sets:
            self._ahead[_counting(referrals, names)] = found.get(names, {})

    @staticmethod
    def _grouped(
        referrals: QuerySet[Rollup], row: Dimension, column: Dimension | None, *more: str
    ) -> QuerySet[Rollup, dict[str, Any]]:
        grouped = referrals.annotate(_row=F(row.column))
        if column is not None:
            grouped = grouped.annotate(_column=F(column.column))
        names = ["_row", "_column"] if column is not None else ["_row"]
        return grouped.values(*names, *more)

    @staticmethod
    def _key(values: Mapping[str, object], column: Dimension | None) -> tuple[str, str]:
        return (str(values["_row"]), str(values["_column"]) if column is not None else ALL.key)

    def table(
        self,
        referrals: QuerySet[Rollup],
        title: str,
        row: Dimension,
        column: Dimension | None = None,
    ) -> Table:
        return self._published(self.cells(referrals, row, column), title, row, column)

    def _published(
        self,
        found: Mapping[tuple[str, str], Group],
        title: str,
        row: Dimension,
        column: Dimension | None,
    ) -> Table:
        cells: Cells = self._known(found, row, column)
        counts = {key: len(ids) for key, ids in cells.items()}
        return self.publisher.table(self._table(counts, title, row, column), cells)

    def _table(
        self,
        counts: Mapping[tuple[str, str], int],
        title: str,
        row: Dimension,
        column: Dimension | None,
    ) -> Table:
        if column is None:
            return one_way_table(
                {r: n for (r, _c), n in counts.items()},
                title=title,
                row_heading=str(row.heading),
                rows=self.categories(row),
                column_label=_("Antal"),
                k=self.k,
            )
        return count_table(
            counts,
            title=title,
            row_heading=str(row.heading),
            rows=self.categories(row),
            columns=self.categories(column),
            k=self.k,
        )

    def _known(
        self, counts: Mapping[tuple[str, str], Counted], row: Dimension, column: Dimension | None
    ) -> dict[tuple[str, str], Counted]:
        """Counts (or sets of ids) whose key has no category (an activity outside the scope's
        list, say) are folded into the dimension's "unknown" category if it has one; a stray key
        is a bug."""
        rows = {c.key for c in self.categories(row)}
        columns = {c.key for c in self.categories(column)} if column else {ALL.key}
        known: dict[tuple[str, str], Counted] = {}
        for (r, c), n in counts.items():
            r = r if r in rows or d.UNKNOWN not in rows else d.UNKNOWN
            c = c if c in columns or d.UNKNOWN not in columns else d.UNKNOWN
            known[(r, c)] = _together(known[(r, c)], n) if (r, c) in known else n
        return known

    def share(
        self,
        referrals: QuerySet[Rollup],
        achieved: Q,
        title: str,
        achieved_label: str,
        row: Dimension = d.SEX,
    ) -> ShareTable:
        """The share achieved per category of ``row``: one query for the base, each referral
        (or each tally) flagged whether it achieved."""
        flagged = referrals.annotate(
            _row=F(row.column), _got=ExpressionWrapper(achieved, output_field=BooleanField())
        )
        base: dict[str, Group] = {}
        got: dict[str, Group] = {}
        if self.publisher.records:
            ids: dict[bool, dict[str, set[int]]] = {True: {}, False: {}}
            for key, pk, reached in flagged.values_list("_row", "pk", "_got").order_by():
                ids[bool(reached)].setdefault(str(key), set()).add(pk)
            got = {key: frozenset(pks) for key, pks in ids[True].items()}
            for key in ids[True].keys() | ids[False].keys():
                base[key] = frozenset(ids[True].get(key, set()) | ids[False].get(key, set()))
        else:
            for r in flagged.values("_row", "_got").annotate(**TALLY).order_by():
                key, tally = str(r["_row"]), _tally(r)
                base[key] = base.get(key, Tally()) + tally  # type: ignore[operator]
                if r["_got"]:
                    got[key] = tally
        return self._published_share(got, base, title, achieved_label, row)

    def _published_share(
        self,
        got: Mapping[str, Group],
        base: Mapping[str, Group],
        title: str,
        achieved_label: str,
        row: Dimension,
    ) -> ShareTable:
        table = self._share_table(
            {key: len(group) for key, group in got.items()},
            {key: len(group) for key, group in base.items()},
            title,
            achieved_label,
            row,
        )
        return self.publisher.shares(table, got, {(key, ""): group for key, group in base.items()})

    def _flag_share(self, flag: str, title: str, achieved_label: str, row: Dimension) -> ShareTable:
        """Of ended participations with ``flag`` set either way, the share where it is true:
        from the tallies counted ahead if there are, else one query."""
        counted = self._ahead.get(_counting(self.ended(), (row.column, flag)))
        if self.publisher.records or counted is None:
            rated = self.ended().filter(**{f"{flag}__isnull": False})
            return self.share(rated, Q(**{flag: True}), title, achieved_label, row)
        flagged = ((str(key), value, tally) for (key, value), tally in counted.items())
        return self._counted_share(flagged, title, achieved_label, row)

    def _counted_share(
        self,
        flagged: Iterable[tuple[str, object, Tally]],
        title: str,
        achieved_label: str,
        row: Dimension,
    ) -> ShareTable:
        """A share from tallies counted ahead, each with its category's key and whether it
        achieved (None: not in the base)."""
        base: dict[str, Tally] = {}
        got: dict[str, Tally] = {}
        for key, achieved, tally in flagged:
            if achieved is None:
                continue
            base[key] = base.get(key, Tally()) + tally
            if achieved:
                got[key] = got.get(key, Tally()) + tally
        return self._published_share(got, base, title, achieved_label, row)

    def _share_table(
        self,
        got: Mapping[str, int],
        base: Mapping[str, int],
        title: str,
        achieved_label: str,
        row: Dimension,
    ) -> ShareTable:
        return share_table(
            got,
            base,
            title=title,
            row_heading=str(row.heading),
            achieved_label=achieved_label,
            rows=self.categories(row),
            k=self.k,
        )

    # --- counts beside the tables ---

    @cached_property
    def by_target_group(self) -> dict[str, Table]:
        """Per target group (its key), the started participations whose participant belongs to
        it, by sex: the actual of a target for a target group (issue 14 item 8).

        Unlike the dimension ``TARGET_GROUP``, which puts a person in several groups under
        "Flera målgrupper" so that a table adds up, a person counts here in every group they
        belong to. The groups overlap, so they are never added up and no total over them is
        published: each group is a table of its own, whose rows (the sexes) are disjoint and
        add up to the group's total, suppressed as one. One GROUP BY query over the
        memberships for all the groups, and one over those kept beside culled rows."""
        ids: dict[tuple[str, str], set[int]] = {}
        counted: dict[tuple[str, str], Tally] = {}
        # A participant's groups, while there is one; a culled row's, kept beside it.
        for culled, groups in (
            (False, "participant__target_groups"),
            (True, "culled_target_groups"),
        ):
            started = self.started().filter(culled=culled, **{f"{groups}__isnull": False})
            names = (groups, d.SEX.column)
            if self.publisher.records:
                for group, sex, pk in started.values_list(*names, "pk").order_by():
                    ids.setdefault((str(group), str(sex)), set()).add(pk)
                continue
            for r in started.values(*names).annotate(**TALLY).order_by():
                key = (str(r[groups]), str(r[d.SEX.column]))
                counted[key] = counted.get(key, Tally()) + _tally(r)
        found: dict[tuple[str, str], Group] = (
            {key: frozenset(pks) for key, pks in ids.items()}
            if self.publisher.records
            else dict(counted)
        )
        sexes = self.categories(d.SEX)
        tables: dict[str, Table] = {}
        for group in self.categories(d.TARGET_GROUP):
            if group.key in (d.SEVERAL, d.UNKNOWN):
                continue
            table = one_way_table(
                {sex.key: len(found.get((group.key, sex.key), ())) for sex in sexes},
                title=_("Påbörjade deltaganden i målgruppen %(group)s, per kön")
                % {"group": group.label},
                row_heading=str(d.SEX.heading),
                rows=sexes,
                column_label=_("Påbörjade deltaganden"),
                k=self.k,
            )
            cells = {(sex.key, ""): found.get((group.key, sex.key), frozenset()) for sex in sexes}
            tables[group.key] = self.publisher.table(table, cells)
        return tables

    def registered_in_error(self) -> Figure:
        """How many referrals that ended in the period were registered in error. They never
        were participations and count in no table (``ReferralQuerySet.participations``); the
        exit-reason table says how many were left out. Published alone, as a table of one row:
        under k it is hidden like any small count."""
        in_error = self.counted(IN_ERROR)
        counted = self._ahead.get(_counting(in_error, (d.SEX.column,)))
        ids: Group
        if self.publisher.records:
            ids = frozenset(in_error.values_list("pk", flat=True).order_by())
        elif counted is not None:
            ids = sum(counted.values(), Tally())
        else:
            ids = _tally(in_error.aggregate(**TALLY))
        category = Category(ExitReason.IN_ERROR.value, str(ExitReason.IN_ERROR.label))
        table = one_way_table(
            {category.key: len(ids)},
            title=_("Felaktigt registrerade remisser som avslutades under perioden"),
            row_heading=str(d.EXIT_REASON.heading),
            rows=[category],
            column_label=_("Antal remisser"),
            k=self.k,
        )
        return self.publisher.table(table, {(category.key, ""): ids}).total

    # --- outcomes ---

    def feel_better(self, row: Dimension = d.SEX) -> ShareTable:
        return self._flag_share(
            "wellbeing_better",
            _("Andel som mår bättre vid avslut än vid start"),
            _("Mår bättre"),
            row,
        )

    def closer(self, row: Dimension = d.SEX) -> ShareTable:
        return self._flag_share(
            "closeness_better",
            _("Andel som känner sig närmare arbete eller studier vid avslut än vid start"),
            _("Närmare arbete eller studier"),
            row,
        )

    def work_or_studies(self, row: Dimension = d.SEX) -> ShareTable:
        title = _("Andel som avslutats till arbete eller studier")
        label = _("Till arbete eller studier")
        counted = self._ahead.get(_counting(self.ended(), _columns(d.EXIT_REASON, row)))
        if self.publisher.records or counted is None:
            return self.share(self.ended(), Q(exit_reason__in=WORK_OR_STUDIES), title, label, row)
        # From the exit reasons counted ahead: each reason's tally, added up per category.
        flagged = (
            (str(key), reason in WORK_OR_STUDIES, tally) for (reason, key), tally in counted.items()
        )
        return self._counted_share(flagged, title, label, row)

    def learning_goals(self, row: Dimension = d.SEX) -> Table:
        title = _("Deltaganden som nått lärandemål med OCN-poäng")
        counted = self._ahead.get(_counting(self.active(), (row.column, "learned")))
        if self.publisher.records or counted is None:
            return self.table(self.active().filter(learned=True), title, row)
        reached = {
            (str(key), ALL.key): tally for (key, learned), tally in counted.items() if learned
        }
        return self._published(reached, title, row, None)

    # --- referrals and meetings ---

    def referrals_sent(self) -> QuerySet[Rollup]:
        return self.counted(SENT)

    def meetings_held(self) -> Table:
        held = meetings_held_between(
            self.scope.association,
            self.first,
            self.last,
            municipality=self.filters.municipality,
            sex=self.filters.sex,
        )
        found: dict[str, set[int]] = {}
        for kind, pk in held:
            found.setdefault(kind, set()).add(pk)
        counts = {kind: len(ids) for kind, ids in found.items()}
        table = one_way_table(
            counts,
            title=_("Möten som hållits, efter sorts möte"),
            row_heading=_("Sorts möte"),
            rows=[Category(str(v), str(label)) for v, label in Meeting.Kind.choices],
            column_label=_("Antal möten"),
            k=self.k,
        )
        cells = {(kind, ""): frozenset(ids) for kind, ids in found.items()}
        return self.publisher.table(table, cells, meetings=True)


def _columns(row: Dimension, column: Dimension | None) -> tuple[str, ...]:
    return (row.column,) if column is None else (row.column, column.column)


def _counting(referrals: QuerySet[Rollup], columns: tuple[str, ...]) -> tuple[object, ...]:
    """What a count ahead counted: the referrals' query and the columns grouped by."""
    try:
        sql, params = referrals.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # no activity in the scope: nothing to count, nothing counted ahead
        return ("", (), *columns)
    return (sql, tuple(params), *columns)


def _scan(
    referrals: QuerySet[Rollup], sets: Sequence[tuple[str, ...]]
) -> dict[tuple[str, ...], Tallies]:
    """The referrals' tally per value of each set of columns: on PostgreSQL in one scan with
    GROUPING SETS, elsewhere one query per set."""
    if not sets:
        return {}
    database = connections[referrals.db]
    if database.vendor != "postgresql":
        return {
            names: {
                tuple(r[name] for name in names): _tally(r)
                for r in referrals.values(*names).annotate(**TALLY).order_by()
            }
            for names in sets
        }
    columns = sorted({name for names in sets for name in names})
    try:
        inner, params = (
            referrals.values(*columns, "hash_high", "hash_low").order_by().query.sql_with_params()
        )
    except EmptyResultSet:  # no activity in the scope: nothing to count
        return {names: {} for names in sets}
    quote = database.ops.quote_name
    listed = ", ".join(quote(name) for name in columns)
    grouping = ", ".join("(" + ", ".join(quote(name) for name in names) + ")" for names in sets)
    # The names are the rollup's own columns, quoted; every value is a parameter.
    sql = (
        f"SELECT GROUPING({listed}), {listed}, COUNT(*), SUM(hash_high), SUM(hash_low) "  # noqa: S608
        f"FROM ({inner}) AS counted GROUP BY GROUPING SETS ({grouping})"
    )
    # GROUPING() sets a bit, first column highest, for each column a row is not grouped by.
    bits = {name: 1 << (len(columns) - 1 - i) for i, name in enumerate(columns)}
    found: dict[int, list[tuple[tuple[object, ...], int, int, int]]] = {}
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        for mask, *values, count, high, low in cursor.fetchall():
            found.setdefault(mask, []).append((tuple(values), count, high, low))
    tallies: dict[tuple[str, ...], Tallies] = {}
    for names in sets:
        mask = sum(bit for name, bit in bits.items() if name not in names)
        at = [columns.index(name) for name in names]
        tallies[names] = {
            tuple(values[i] for i in at): Tally(count, int(high), int(low))
            for values, count, high, low in found.get(mask, [])
        }
    return tallies


# A group's tally, summed in the database beside its count.
TALLY = {"_count": Count("pk"), "_high": Sum("hash_high"), "_low": Sum("hash_low")}


def _tally(values: Mapping[str, Any]) -> Tally:
    # PostgreSQL sums bigints as numeric: exact, returned as Decimal.
    return Tally(values["_count"], int(values["_high"] or 0), int(values["_low"] or 0))


def _together(first: Counted, second: Counted) -> Counted:
    """Two counts added, two tallies added, or two sets of ids joined."""
    if isinstance(first, frozenset) and isinstance(second, frozenset):
        return first | second
    assert type(first) is type(second)
    return first + second  # type: ignore[operator]


def percent(part: int, whole: int) -> Decimal:
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
