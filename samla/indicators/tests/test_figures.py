"""The dashboard's figures against figures this test works out itself, in plain Python over the
generated rows (issue 6: "a fixed test data set whose expected figures the test computes
independently of the app").

The dashboards here count through a ``Recorder``, as a release does: each table suppressed on its
own, before the release's protection across tables hides more (that is ``test_releases.py``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date

import pytest

from samla.demo.outcomes import Measured, Row
from samla.indicators import dimensions as d
from samla.indicators.dashboards import BeforeAfter, Change, Dashboard
from samla.indicators.figures import Filters, Scope
from samla.indicators.recording import Recorder
from samla.indicators.tests.builders import TODAY, DataSet, data_set
from samla.people.tests.cast import Cast
from samla.statistics.tables import Category, Figure, ShareTable, Table

pytestmark = pytest.mark.django_db

K = 5
WORK_OR_STUDIES = {"work_unsubsidised", "work_subsidised", "studies"}


@pytest.fixture
def data(cast: Cast) -> DataSet:
    return data_set(cast)


def started_in(rows: Iterable[Row], first: date, last: date) -> list[Row]:
    """Registered in error never was a participation: it counts nowhere."""
    return [r for r in rows if first <= r.started_on <= last and r.exit_reason != "in_error"]


def ended_in(rows: Iterable[Row], first: date, last: date) -> list[Row]:
    return [
        r
        for r in rows
        if r.ended_on and first <= r.ended_on <= last and r.exit_reason != "in_error"
    ]


def assert_table_matches(table: Table, expected: Counter[tuple[str, str]]) -> None:
    """Every shown cell and margin is the true count; every hidden one is under k or hidden
    together with another; nothing from 1 to k-1 is shown."""
    for row in table.rows:
        for column in table.columns:
            figure, truth = table.cell(row.key, column.key), expected[(row.key, column.key)]
            if figure.shown:
                assert figure.value == truth, (table.title, row.label, column.label)
                assert not 0 < truth < K
            elif figure.hidden_under_k:
                assert 0 < truth < K
        row_truth = sum(expected[(row.key, c.key)] for c in table.columns)
        if table.row_total(row.key).shown:
            assert table.row_total(row.key).value == row_truth
    assert table.total.value == sum(expected.values())


def keyed(
    rows: Iterable[Row], row: Callable[[Row], str], column: Callable[[Row], str]
) -> Counter[tuple[str, str]]:
    return Counter((row(r), column(r)) for r in rows)


def municipality(r: Row) -> str:
    return str(r.municipality_id) if r.municipality_id else "unknown"


def sex(r: Row) -> str:
    return r.sex


def association_scope(data: DataSet) -> Scope:
    return Scope.of_association(data.cast.association, today=TODAY)


def test_started_per_municipality_and_sex_in_a_year(data: DataSet) -> None:
    dashboard = Dashboard(association_scope(data), Filters(year=2025), publisher=Recorder())
    table = dashboard.figures.table(dashboard.figures.started(), "t", d.MUNICIPALITY, d.SEX)
    rows = started_in(data.rows, date(2025, 1, 1), date(2025, 12, 31))
    assert_table_matches(table, keyed(rows, municipality, sex))
    assert table.total.value == len(rows) > 100


def test_filters_narrow_to_women_in_one_municipality(data: DataSet) -> None:
    tyreso = data.municipalities[1]
    filters = Filters(year=2024, municipality=tyreso.pk, sex="F")
    dashboard = Dashboard(association_scope(data), filters, publisher=Recorder())
    table = dashboard.figures.table(dashboard.figures.started(), "t", d.ACTIVITY, d.SEX)
    rows = [
        r
        for r in started_in(data.rows, date(2024, 1, 1), date(2024, 12, 31))
        if r.municipality_id == tyreso.pk and r.sex == "F"
    ]
    assert_table_matches(table, keyed(rows, lambda r: str(r.activity_id), sex))
    assert dashboard.describe_filters() == "2024, Tyresö, kvinna"


def test_exit_reasons_by_sex(data: DataSet) -> None:
    dashboard = Dashboard(association_scope(data), Filters(), publisher=Recorder())
    table = dashboard.figures.table(dashboard.figures.ended(), "t", d.EXIT_REASON, d.SEX)
    rows = ended_in(data.rows, date(2024, 1, 1), date(2026, 12, 31))
    assert_table_matches(table, keyed(rows, lambda r: r.exit_reason, sex))


def test_age_and_target_group(data: DataSet) -> None:
    dashboard = Dashboard(association_scope(data), Filters(), publisher=Recorder())
    f = dashboard.figures
    rows = started_in(data.rows, date(2024, 1, 1), date(2026, 12, 31))

    def band(r: Row) -> str:
        if r.birth_date is None:
            return "unknown"
        age = r.started_on.year - r.birth_date.year
        for bound, key in (
            (20, "16–19"),
            (25, "20–24"),
            (30, "25–29"),
            (40, "30–39"),
            (50, "40–49"),
            (65, "50–64"),
        ):
            if age < bound:
                return key
        return "65–"

    def group(r: Row) -> str:
        if not r.target_group_ids:
            return "unknown"
        return "several" if len(r.target_group_ids) > 1 else str(r.target_group_ids[0])

    assert_table_matches(f.table(f.started(), "t", d.AGE, d.SEX), keyed(rows, band, sex))
    assert_table_matches(f.table(f.started(), "t", d.TARGET_GROUP, d.SEX), keyed(rows, group, sex))


def test_time_in_activity_and_waiting_time(data: DataSet) -> None:
    dashboard = Dashboard(association_scope(data), Filters(), publisher=Recorder())
    f = dashboard.figures

    def duration(r: Row) -> str:
        assert r.ended_on
        days = (r.ended_on - r.started_on).days
        return (
            "under_3" if days < 91 else "3_6" if days < 183 else "6_12" if days < 365 else "over_12"
        )

    def waiting(r: Row) -> str:
        days = (r.started_on - r.sent_on).days
        return (
            "under_2w" if days < 15 else "2_4w" if days < 29 else "1_3m" if days < 92 else "over_3m"
        )

    ended = ended_in(data.rows, date(2024, 1, 1), date(2026, 12, 31))
    started = started_in(data.rows, date(2024, 1, 1), date(2026, 12, 31))
    assert_table_matches(f.table(f.ended(), "t", d.DURATION, d.SEX), keyed(ended, duration, sex))
    assert_table_matches(f.table(f.started(), "t", d.WAITING, d.SEX), keyed(started, waiting, sex))


def rated(rows: Iterable[Row], attribute: str) -> list[tuple[Row, bool]]:
    found = []
    for r in rows:
        if r.entry is None or r.exit is None:
            continue
        before, after = getattr(r.entry, attribute), getattr(r.exit, attribute)
        if before is not None and after is not None:
            found.append((r, after > before))
    return found


def assert_share_matches(table: ShareTable, pairs: list[tuple[Row, bool]]) -> None:
    achieved = Counter(r.sex for r, ok in pairs if ok)
    base = Counter(r.sex for r, _ok in pairs)
    for share in table.shares:
        if share.percent is not None:
            key = share.category.key
            assert share.achieved.value == achieved[key] and share.base.value == base[key]
            assert achieved[key] >= K and base[key] - achieved[key] >= K
    assert table.total.base.value == len(pairs)
    assert table.total.achieved.value == sum(achieved.values())


def test_outcome_shares(data: DataSet) -> None:
    dashboard = Dashboard(association_scope(data), Filters(), publisher=Recorder())
    f = dashboard.figures
    ended = ended_in(data.rows, date(2024, 1, 1), date(2026, 12, 31))
    assert_share_matches(f.feel_better(), rated(ended, "wellbeing"))
    assert_share_matches(f.closer(), rated(ended, "closeness"))
    assert_share_matches(
        f.work_or_studies(), [(r, r.exit_reason in WORK_OR_STUDIES) for r in ended]
    )


def main_income(m: Measured | None) -> str:
    if m is None or not m.income:
        return "unknown"
    return sorted(m.income, key=lambda pair: (-pair[1], pair[0]))[0][0]


def test_occupation_and_income_before_and_after(data: DataSet) -> None:
    dashboard = Dashboard(association_scope(data), Filters(), publisher=Recorder())
    section = dashboard.before_after_section()
    occupation, income = (item.content for item in section.items)
    assert isinstance(occupation, BeforeAfter) and isinstance(income, BeforeAfter)
    ended = ended_in(data.rows, date(2024, 1, 1), date(2026, 12, 31))

    def job(m: Measured | None) -> str:
        return m.occupation if m and m.occupation else "unknown"

    assert_table_matches(
        occupation.crosstab, keyed(ended, lambda r: job(r.entry), lambda r: job(r.exit))
    )
    assert_table_matches(
        income.crosstab, keyed(ended, lambda r: main_income(r.entry), lambda r: main_income(r.exit))
    )
    before = Counter(job(r.entry) for r in ended)
    after = Counter(job(r.exit) for r in ended)
    for change in occupation.changes:
        if change.before.shown and change.after.shown:
            key = change.category.key
            difference = after[key] - before[key]
            expected = f"{difference:+d}".replace("-", "−") if difference else "0"
            assert change.change == expected


def test_no_change_is_written_0_not_plus_0() -> None:
    same = Change(Category("x", "X"), Figure(7), Figure(7), "", "")
    more = Change(Category("x", "X"), Figure(7), Figure(9), "", "")
    fewer = Change(Category("x", "X"), Figure(9), Figure(7), "", "")
    assert (same.change, more.change, fewer.change) == ("0", "+2", "−2")
