"""The rollup (issue 17 item 2): every figure the dashboards count from it is the figure counted
from the raw rows, cell by cell, suppression included, after any change to what they count.

``RawFigures`` counts as the dashboards did before the rollup: over the referrals themselves,
each dimension's expression evaluated per query, the outcomes from the measurements. The property
test generates participations, changes them in every way the triggers must notice, and compares
every figure of every dashboard view through a ``Recorder`` (the ids behind each figure and what
is shown of it)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from functools import cached_property
from io import StringIO
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from samla.demo.outcomes import Spec, generate_rows, write_rows
from samla.indicators import dimensions as d
from samla.indicators import year_counts
from samla.indicators.dashboards import Dashboard
from samla.indicators.figures import Figures, Filters, Scope
from samla.indicators.models import Release, ReleasedGroup, Rollup, StaleParticipant, YearCount
from samla.indicators.recording import (
    Cells,
    Group,
    Publisher,
    Recorder,
    Tally,
    digest,
    placed,
    placed_shares,
)
from samla.indicators.rollups import refresh
from samla.indicators.tests.builders import TODAY, DataSet, data_set
from samla.measurements.models import IncomeSource, Measurement, Occasion, measured_at
from samla.people.models import Participant, TargetGroup
from samla.people.tests.cast import Cast
from samla.referrals.models import ExitReason, Referral, ReferralEvent
from samla.statistics.tables import ShareTable, Table

pytestmark = pytest.mark.django_db


def _better(name: str) -> Any:
    entry, exit_ = f"_{name}_entry", f"_{name}_exit"
    return Case(
        When(
            Q(**{f"{entry}__isnull": False, f"{exit_}__isnull": False}),
            then=ExpressionWrapper(Q(**{f"{exit_}__gt": F(entry)}), output_field=BooleanField()),
        ),
        default=Value(None),
        output_field=BooleanField(),
    )


class RawFigures(Figures):
    """The figures counted over the raw referrals, with the rollup's column names."""

    @cached_property
    def referrals(self) -> Any:
        raw = Referral.objects.filter(activity_id__in=self.scope.activity_ids).annotate(
            **{dimension.column: dimension.expression() for dimension in d.EVERY},
            **{
                f"_{name}_{occasion}": measured_at(occasion, name)
                for name in ("wellbeing", "closeness")
                for occasion in (Occasion.ENTRY, Occasion.EXIT)
            },
            sent_on=TruncDate("sent_at"),
            learned=Exists(
                Measurement.objects.filter(referral_id=OuterRef("pk"), ocn_points__gt=0)
            ),
        )
        raw = raw.annotate(
            wellbeing_better=_better("wellbeing"), closeness_better=_better("closeness")
        )
        return self.filters.apply(raw)


class RawDashboard(Dashboard):
    def __init__(self, scope: Scope, filters: Filters, *, publisher: Publisher) -> None:
        super().__init__(scope, filters, publisher=publisher)
        self.figures = RawFigures(scope, filters, publisher=publisher)


def every_figure(dashboard: type[Dashboard], data: DataSet) -> list[tuple[str, Any, Any]]:
    """Every figure of the association's dashboard, for the whole period, a year, and filtered
    by municipality and by sex: where it stands, the ids behind it, and what is shown."""
    scope = Scope.of_association(data.cast.association, today=TODAY)
    views = [
        Filters(),
        Filters(year=2025),
        Filters(municipality=data.municipalities[0].pk, sex="F"),
        Filters(year=2024, activity=data.activities[1].pk),
    ]
    found = []
    for filters in views:
        recorder = Recorder(place=str(filters))
        dashboard(scope, filters, publisher=recorder).sections()
        found += [(f.where, f.records, f.shown) for f in recorder.figures]
    return found


def every_digest(dashboard: type[Dashboard], data: DataSet, *, records: bool) -> list[Any]:
    """Every figure of the dashboard as a page counts it (as tallies, from the year counts where
    the period has whole years) or as a release does (as ids), over periods that are whole
    years, cut in the middle of years at both ends, and within one year, unfiltered and
    filtered: where it stands, its group's digest, and what is shown."""
    association = data.cast.association
    activity_ids = tuple(a.pk for a in data.activities)
    periods = [
        (date(2024, 1, 1), date(2026, 12, 31)),
        (date(2024, 3, 15), date(2026, 2, 10)),
        (date(2024, 5, 1), date(2024, 10, 31)),
    ]
    views = [Filters(), Filters(municipality=data.municipalities[1].pk, sex="M")]
    found = []
    for first, last in periods:
        scope = Scope(association, "period", activity_ids, first, last)
        for filters in views:
            recorder = DigestRecorder(records=records)
            dashboard(scope, filters, publisher=recorder).sections()
            found += recorder.figures
    return found


def assert_same_as_raw(data: DataSet) -> None:
    from_rollup = every_figure(Dashboard, data)
    from_raw = every_figure(RawDashboard, data)
    assert len(from_rollup) == len(from_raw) > 300
    for rolled, raw in zip(from_rollup, from_raw, strict=True):
        assert rolled == raw
    tallied = every_digest(Dashboard, data, records=False)
    listed = every_digest(RawDashboard, data, records=True)
    assert len(tallied) == len(listed) > 300
    for counted, raw in zip(tallied, listed, strict=True):
        assert counted == raw


def year_counts_now() -> list[tuple[Any, ...]]:
    fields = [f.name for f in YearCount._meta.fields if f.name != "id"]
    return sorted(YearCount.objects.values_list(*fields))


def assert_year_counts_are_the_rollup_counted_again() -> None:
    kept = year_counts_now()
    year_counts.rebuild()
    assert kept == year_counts_now()
    assert all(count > 0 for *_key, count, _high, _low in kept)


def _participant(referral: Referral) -> Any:
    return Participant.objects.filter(pk=referral.participant_id)


def _referral(referral: Referral) -> Any:
    return Referral.objects.filter(pk=referral.pk)


def _deleted(referral: Referral) -> None:
    """As a gallring will: what protects the referral first."""
    IncomeSource.objects.filter(measurement__referral=referral).delete()
    Measurement.objects.filter(referral=referral).delete()
    ReferralEvent.objects.filter(referral=referral).delete()
    _referral(referral).delete()


# Each a way of changing what the dashboards count, given a referral and a number.
WAYS: dict[str, Callable[[DataSet, Referral, int], object]] = {
    "sex": lambda data, r, n: _participant(r).update(sex="X" if r.participant.sex != "X" else "F"),
    "birth_date": lambda data, r, n: (
        _participant(r)
        .filter(kind="identified")
        .update(birth_date=date(1960 + n % 45, 1 + n % 12, 1))
    ),
    "municipality": lambda data, r, n: _participant(r).update(
        home_municipality=data.municipalities[n % 2]
    ),
    "target_group_added": lambda data, r, n: r.participant.target_groups.add(
        data.groups[n % len(data.groups)]
    ),
    "target_groups_removed": lambda data, r, n: r.participant.target_groups.clear(),
    "wellbeing": lambda data, r, n: Measurement.objects.filter(referral=r).update(
        wellbeing=1 + n % 5
    ),
    "measurement_removed": lambda data, r, n: Measurement.objects.filter(
        referral=r, occasion=Occasion.EXIT
    ).delete(),
    "income": lambda data, r, n: IncomeSource.objects.filter(measurement__referral=r).update(
        extent=1 + n % 100  # a percentage: 1–100, as the database requires
    ),
    "ended_in_error": lambda data, r, n: _referral(r).update(
        state=Referral.State.ENDED,
        exit_reason=ExitReason.IN_ERROR,
        ended_on=r.started_on or TODAY,
    ),
    "referral_deleted": lambda data, r, n: _deleted(r),
    "to_work": lambda data, r, n: _referral(r).update(
        state=Referral.State.ENDED,
        exit_reason=ExitReason.WORK_UNSUBSIDISED,
        ended_on=max(TODAY - timedelta(days=n % 400), r.started_on or date.min),
    ),
}
CHANGES = st.lists(
    st.tuples(st.sampled_from(sorted(WAYS)), st.integers(min_value=0, max_value=10_000)),
    max_size=12,
)


def change(data: DataSet, what: str, n: int) -> None:
    referrals = list(Referral.objects.filter(activity__in=data.activities).order_by("pk"))
    WAYS[what](data, referrals[n % len(referrals)], n)


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failing example is told as it is
)
@given(count=st.integers(min_value=30, max_value=80), seed=st.integers(0, 99), changes=CHANGES)
def test_every_figure_from_the_rollup_is_the_figure_from_the_raw_rows(
    cast: Cast, count: int, seed: int, changes: list[tuple[str, int]]
) -> None:
    with transaction.atomic():
        data = data_set(cast, count=count, seed=seed)
        assert_same_as_raw(data)  # the page refreshes what was just written
        for what, n in changes:
            change(data, what, n)
        refresh()
        assert not StaleParticipant.objects.exists()
        assert_year_counts_are_the_rollup_counted_again()
        assert_same_as_raw(data)
        transaction.set_rollback(True)


def test_each_kind_of_change_marks_its_participant(cast: Cast) -> None:
    data = data_set(cast, count=20, seed=3)
    refresh()
    entry = Measurement.objects.filter(referral__activity__in=data.activities, occasion="entry")
    referral = entry.order_by("pk").first().referral  # type: ignore[union-attr]
    person = referral.participant_id

    def marked() -> set[int]:
        found = set(StaleParticipant.objects.values_list("participant_id", flat=True))
        refresh()
        return found

    Participant.objects.filter(pk=person).update(sex="X")
    assert marked() == {person}
    assert Rollup.objects.get(referral=referral).by_sex == "X"
    Participant.objects.filter(pk=person).update(search_name="något annat")
    assert marked() == set()  # nothing the dashboards count by
    Measurement.objects.filter(referral=referral, occasion=Occasion.ENTRY).update(
        occupation="studies"
    )
    assert marked() == {person}
    assert Rollup.objects.get(referral=referral).by_occupation_entry == "studies"
    referral.participant.target_groups.set(data.groups)
    assert marked() == {person}
    assert Rollup.objects.get(referral=referral).by_target_group == d.SEVERAL
    Referral.objects.filter(pk=referral.pk).update(
        state=Referral.State.ENDED, ended_on=TODAY, exit_reason=ExitReason.STUDIES
    )
    assert marked() == {person}
    assert Rollup.objects.get(referral=referral).by_exit_reason == ExitReason.STUDIES


def test_a_tally_summed_in_the_database_has_the_digest_of_the_ids(cast: Cast) -> None:
    data = data_set(cast, count=30, seed=4)
    refresh()
    rows = Rollup.objects.filter(activity__in=data.activities)
    ids = frozenset(rows.values_list("referral_id", flat=True))
    figures = Figures(
        Scope.of_association(cast.association, today=TODAY), Filters(), publisher=_Tallying()
    )
    cells = figures.cells(figures.referrals, d.SEX)
    tallies = [cell for cell in cells.values() if isinstance(cell, Tally)]
    assert len(tallies) == len(cells)
    tally = sum(tallies, Tally())
    assert tally.count == len(ids)
    assert digest(tally) == digest(ids)
    assert digest(tally) != digest(ids - {min(ids)})


class _Tallying(Recorder):
    records = False


class DigestRecorder:
    """Keeps the digest of every figure's group and what is shown: what a page's approval
    compares, counted as tallies (on PostgreSQL several tables in one scan) or as ids."""

    def __init__(self, *, records: bool) -> None:
        self.records = records
        self.figures: list[tuple[str, str, int | None]] = []

    def table(self, table: Table, cells: Cells, *, meetings: bool = False) -> Table:
        for position, where, group in placed(table, cells, meetings=meetings):
            self.figures.append((where, digest(group), table.figure(position).value))
        return table

    def shares(self, table: ShareTable, achieved: Mapping[str, Group], base: Cells) -> ShareTable:
        for position, where, group in placed_shares(table, achieved, base):
            self.figures.append((where, digest(group), table.figure(position).value))
        return table


def test_every_figure_a_page_counts_as_a_tally_has_the_digest_of_its_ids(cast: Cast) -> None:
    data_set(cast, count=120, seed=9)
    scope = Scope.of_association(cast.association, today=TODAY)
    for filters in (Filters(), Filters(year=2025, sex="F")):
        tallied, listed = DigestRecorder(records=False), DigestRecorder(records=True)
        Dashboard(scope, filters, publisher=tallied).sections()
        Dashboard(scope, filters, publisher=listed).sections()
        assert len(tallied.figures) > 200
        assert tallied.figures == listed.figures


def test_a_change_waits_in_the_rollup_until_the_next_refresh(cast: Cast) -> None:
    """What the scheduler does every few seconds, without a page in between."""
    data = data_set(cast, count=10, seed=5)
    refresh()
    group = TargetGroup.objects.create(association=cast.association, code="new", name="Nya")
    referral = Referral.objects.filter(activity__in=data.activities).order_by("pk").first()
    assert referral is not None
    referral.participant.target_groups.set([group])
    assert Rollup.objects.get(referral=referral).by_target_group != str(group.pk)
    assert refresh() >= 1
    assert Rollup.objects.get(referral=referral).by_target_group == str(group.pk)


def test_the_rows_written_are_the_generated_participations(cast: Cast) -> None:
    association = cast.association
    data = data_set(cast, count=15, seed=8)
    refresh()
    assert Rollup.objects.filter(activity__association=association).count() == 15
    spec = Spec(
        activity_ids=[data.activities[0].pk],
        municipality_ids=[data.municipalities[0].pk],
        target_group_ids=[],
        first=date(2024, 1, 1),
        last=date(2024, 12, 31),
        today=TODAY,
    )
    write_rows(
        generate_rows(spec, 5, seed=1),
        association_id=association.pk,
        organisation=cast.tyreso,
        actor=cast.kim,
    )
    refresh()
    assert Rollup.objects.filter(activity__association=association).count() == 20


def test_the_upgrade_forgets_releases_whose_digests_no_longer_match(cast: Cast) -> None:
    """Migration 0005: a release of the old digest would claim to be the current figures while
    approving nothing; without it the page says there is no release yet."""
    data_set(cast, count=20, seed=2)
    release = Release.objects.create(association=cast.association, state=Release.State.DONE)
    ReleasedGroup.objects.create(release=release, digest="0" * 32)
    migration = importlib.import_module(
        "samla.indicators.migrations.0005_forget_releases_of_the_old_digest"
    )
    migration.forget_releases(django_apps, None)
    assert not Release.objects.exists() and not ReleasedGroup.objects.exists()


def test_a_deleted_referral_stays_counted_until_the_refresh_subtracts_it(cast: Cast) -> None:
    data = data_set(cast, count=40, seed=8)
    refresh()
    rows = Rollup.objects.count()
    started = YearCount.objects.filter(event="started", columns="").aggregate(n=Sum("count"))
    change(data, "referral_deleted", 7)
    assert Rollup.objects.count() == rows  # no cascade: the refresh must see the old row
    refresh()
    assert Rollup.objects.count() == rows - 1
    after = YearCount.objects.filter(event="started", columns="").aggregate(n=Sum("count"))
    assert after["n"] == started["n"] - 1
    assert_year_counts_are_the_rollup_counted_again()
    assert_same_as_raw(data)


def test_the_operator_counts_the_years_again_from_the_rollup(cast: Cast) -> None:
    """``refresh_rollups --rebuild`` mends year counts changed by hand."""
    data_set(cast, count=20, seed=1)
    refresh()
    kept = year_counts_now()
    YearCount.objects.filter(event="started").update(count=F("count") + 1)
    out = StringIO()
    call_command("refresh_rollups", "--rebuild", stdout=out)
    assert "Årssummorna är omräknade" in out.getvalue()
    assert year_counts_now() == kept


def test_a_refresh_that_finds_the_year_counts_out_of_step_stops(cast: Cast) -> None:
    """A subtraction with nothing to subtract from is an error, never a silent miscount."""
    data = data_set(cast, count=10, seed=2)
    refresh()
    YearCount.objects.all().delete()  # changed by hand
    change(data, "sex", 3)  # moves the person's counts from one sex to another
    with pytest.raises(year_counts.OutOfStep), transaction.atomic():
        refresh()
    assert StaleParticipant.objects.exists()  # nothing of the refresh was kept
    call_command("refresh_rollups", "--rebuild", stdout=StringIO())
    assert not StaleParticipant.objects.exists()
    assert_year_counts_are_the_rollup_counted_again()


def test_a_participant_marked_again_unchanged_is_not_written_again(cast: Cast) -> None:
    """An import marks each person once per table it writes; only the first refresh of them
    changes anything."""
    data = data_set(cast, count=12, seed=6)
    refresh()
    for participant in Rollup.objects.values_list("participant_id", flat=True):
        StaleParticipant.objects.create(participant_id=participant)
    with CaptureQueriesContext(connection) as queries:
        assert refresh() == 12
    written = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]
    assert not [sql for sql in written if "indicators_rollup" in sql or "yearcount" in sql]
    change(data, "sex", 1)
    with CaptureQueriesContext(connection) as queries:
        refresh()
    assert any(
        "INSERT INTO" in q["sql"] and "indicators_rollup" in q["sql"]
        for q in queries.captured_queries
    )
    assert_year_counts_are_the_rollup_counted_again()
