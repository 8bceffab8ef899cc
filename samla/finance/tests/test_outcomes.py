"""Cost per outcome against figures this test works out itself, in plain Python over the
generated rows of the indicators' data set, and the privacy rule: a cost per is shown only when
every count it is worked from is shown, so no hidden count can be divided back out of it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from math import floor

import pytest
from django.conf import settings as settings_module
from django.template.loader import render_to_string
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.sync_api import Page

from samla.activities.models import Activity
from samla.activities.tests.builders import individual, structural
from samla.demo.outcomes import Row
from samla.finance import actions
from samla.finance.models import BudgetLine, FinancialYear
from samla.finance.outcomes import (
    COLUMNS,
    EXITS,
    MEASURES,
    PARTICIPANTS,
    STARTED,
    TOTAL,
    CostPer,
    CostPerOutcome,
    Measure,
    State,
    outcome_tables,
)
from samla.finance.statement import Statement
from samla.indicators.recording import Recorder, publishing
from samla.indicators.rollups import refresh
from samla.indicators.tests.builders import DataSet, data_set
from samla.people.tests.cast import Cast
from samla.statistics.tables import HIDDEN, Category, Figure, Table, count_table

K = 5
FIRST, LAST = date(2025, 1, 1), date(2025, 12, 31)
SEXES = ("F", "M", "X")
WORK_OR_STUDIES = {"work_unsubsidised", "work_subsidised", "studies"}

MIA, STEGET = Decimal("812345.67"), Decimal("401000.00")
NEW, NEW_ESF = Decimal("250000.50"), Decimal("49999.50")  # activity cost and ESF activity cost


@dataclass
class Year:
    data: DataSet
    year: FinancialYear
    mia: Activity
    steget: Activity
    new: Activity  # ESF co-funded, individual, no participations

    def outcomes(self) -> CostPerOutcome:
        """Counted as a release counts them: each table suppressed on its own, before the
        release's protection across tables (that is ``samla/indicators/tests``)."""
        outcomes = CostPerOutcome(Statement(FinancialYear.objects.get(pk=self.year.pk)))
        with publishing(Recorder()):
            outcomes.figures  # noqa: B018  (made here, it keeps the recorder)
        return outcomes


def line(
    year: FinancialYear,
    cast: Cast,
    activity: Activity,
    kind: str,
    code: str,
    actual: Decimal | None = None,
) -> BudgetLine:
    return actions.add_line(
        year,
        actor=cast.olle,
        kind=kind,
        activity=activity,
        name="",
        code=code,
        budget=Decimal("900000"),
        actual=actual,
    )


def build(cast: Cast, *, steget_actual: Decimal | None = STEGET) -> Year:
    data = data_set(cast)
    mia, steget = data.activities
    new = individual(cast, name="Nya vägar", esf_cofunded=True, starts_on=date(2025, 3, 1))
    builder = structural(cast, name="Kompetens för handläggare")
    year = actions.open_year(cast.association, actor=cast.olle, year=2025)
    activity, esf = BudgetLine.Kind.ACTIVITY, BudgetLine.Kind.ESF_ACTIVITY
    line(year, cast, mia, activity, "1001", MIA)
    line(year, cast, steget, activity, "1002", steget_actual)
    line(year, cast, new, activity, "1003", NEW)
    line(year, cast, new, esf, "1004", NEW_ESF)
    line(year, cast, builder, activity, "1005", Decimal("70000"))  # structural: left out
    actions.add_line(
        year,
        actor=cast.olle,
        kind=BudgetLine.Kind.ADMINISTRATION,
        activity=None,
        name="Kansli",
        code="9000",
        budget=Decimal("500000"),
        actual=Decimal("480000"),
    )
    return Year(data, year, mia, steget, new)


# --- the truth, in plain Python over the generated rows ---


def counted(r: Row) -> bool:
    """Registered in error never was a participation: it counts nowhere."""
    return r.exit_reason != "in_error"


def active(r: Row) -> bool:
    return counted(r) and r.started_on <= LAST and (r.ended_on is None or r.ended_on >= FIRST)


def started(r: Row) -> bool:
    return counted(r) and FIRST <= r.started_on <= LAST


def exited(r: Row) -> bool:
    return bool(r.ended_on and FIRST <= r.ended_on <= LAST and r.exit_reason in WORK_OR_STUDIES)


TESTS: dict[str, Callable[[Row], bool]] = {
    PARTICIPANTS.slug: active,
    STARTED.slug: started,
    EXITS.slug: exited,
}


def truth(rows: Iterable[Row], test: Callable[[Row], bool]) -> Counter[tuple[int | None, str]]:
    """Counts by (activity id, sex), with the row totals under TOTAL, the column totals under
    activity None and the grand total under (None, TOTAL)."""
    found: Counter[tuple[int | None, str]] = Counter()
    for r in rows:
        if test(r):
            for activity in (r.activity_id, None):
                found[(activity, r.sex)] += 1
                found[(activity, TOTAL)] += 1
    return found


def half_up(value: Fraction) -> int:
    return floor(value + Fraction(1, 2))


def expected(
    cost: Decimal | None,
    measure: Counter[tuple[int | None, str]],
    participants: Counter[tuple[int | None, str]],
    activity: int | None,
    column: str,
) -> int | None:
    """The cost per worked out from the true counts: None for no actual or a count of 0."""
    if cost is None:
        return None
    count = measure[(activity, column)]
    if column == TOTAL:
        return half_up(Fraction(cost) / count) if count else None
    part, whole = participants[(activity, column)], participants[(activity, TOTAL)]
    if not (count and part and whole):
        return None
    return half_up(Fraction(cost) * part / whole / count)


def underlying(
    outcomes: CostPerOutcome, measure: Measure, activity: int | None, column: str
) -> list[Figure]:
    """The figures of the suppressed tables that a cost per is worked from."""
    figures = [outcomes.count(measure, activity, column)]
    if column != TOTAL:
        figures += [
            outcomes.count(PARTICIPANTS, activity, column),
            outcomes.count(PARTICIPANTS, activity, TOTAL),
        ]
    return figures


@pytest.fixture
def year(cast: Cast) -> Year:
    return build(cast)


def test_cost_per_participant_started_and_exit_by_activity_and_sex(year: Year) -> None:
    outcomes = year.outcomes()
    rows = year.data.rows
    costs: dict[int | None, Decimal | None] = {
        year.mia.pk: MIA,
        year.steget.pk: STEGET,
        year.new.pk: NEW + NEW_ESF,
        None: MIA + STEGET + NEW + NEW_ESF,  # the structural activity's 70 000 is not in it
    }
    assert outcomes.total_cost == costs[None]
    participants = truth(rows, active)
    seen: Counter[State] = Counter()
    for measure in MEASURES:
        true_counts = truth(rows, TESTS[measure.slug])
        for activity, cost in costs.items():
            for column in COLUMNS:
                cell = outcomes.cost_per(measure, activity, column)
                count = true_counts[(activity, column)]
                if cell.count.shown:
                    assert cell.count.value == count
                    assert not 0 < count < K
                figures = underlying(outcomes, measure, activity, column)
                true_values = [count]
                if column != TOTAL:
                    true_values += [
                        participants[(activity, column)],
                        participants[(activity, TOTAL)],
                    ]
                if any(0 < value < K for value in true_values):
                    assert cell.hidden, (measure.slug, activity, column)
                if all(figure.shown for figure in figures):
                    want = expected(cost, true_counts, participants, activity, column)
                    assert cell.amount == (None if want is None else Decimal(want))
                    assert cell.state is (State.SHOWN if want is not None else State.NOT_APPLICABLE)
                else:
                    assert cell.hidden and cell.amount is None
                seen[cell.state] += 1
    assert seen[State.SHOWN] > 20
    assert seen[State.HIDDEN] > 0  # "annat / vill inte ange" is small in this data set
    assert seen[State.NOT_APPLICABLE] > 0  # Nya vägar had no participants


def test_cost_per_participant_is_the_same_for_every_sex(year: Year) -> None:
    outcomes = year.outcomes()
    for activity in (year.mia.pk, year.steget.pk, None):
        overall = outcomes.cost_per(PARTICIPANTS, activity, TOTAL)
        assert overall.shown
        for sex in SEXES:
            cell = outcomes.cost_per(PARTICIPANTS, activity, sex)
            assert cell.amount in (overall.amount, None)


def test_the_activities_are_the_individual_ones_of_the_year(year: Year) -> None:
    outcomes = year.outcomes()
    names = [row.label for row in outcomes.table(PARTICIPANTS).rows]
    assert names == ["Mia Vidare", "Nya vägar", "Steget"]
    assert outcomes.scope.activity_ids == tuple(sorted([year.mia.pk, year.steget.pk, year.new.pk]))


def test_an_activity_with_no_participations_has_no_cost_per(
    year: Year,
) -> None:
    """Nought, or "–" in a table that hides something (which hides its zeros too)."""
    outcomes = year.outcomes()
    for measure in MEASURES:
        for column in COLUMNS:
            cell = outcomes.cost_per(measure, year.new.pk, column)
            if cell.count == Figure(0):
                assert cell.state is State.NOT_APPLICABLE
                assert str(cell) == "ej tillämpligt" and cell.record() == ""
            else:
                assert cell.count == Figure(None) and cell.state is State.HIDDEN
                assert outcomes.counts[measure.slug].any_hidden
                assert str(cell) == "–" and cell.record() == "–"


def test_no_actual_no_cost_per_and_the_total_counts_the_known(cast: Cast) -> None:
    year = build(cast, steget_actual=None)
    outcomes = year.outcomes()
    assert outcomes.missing_actuals == ["Steget"]
    assert outcomes.total_cost == MIA + NEW + NEW_ESF
    for measure in MEASURES:
        for column in COLUMNS:
            cell = outcomes.cost_per(measure, year.steget.pk, column)
            assert cell.state is State.NO_ACTUAL and cell.amount is None
            assert str(cell) == "utfall saknas" and cell.record() == ""
    participants = truth(year.data.rows, active)
    total = outcomes.cost_per(PARTICIPANTS, None, TOTAL)
    assert total.amount == half_up(Fraction(MIA + NEW + NEW_ESF) / participants[(None, TOTAL)])


def test_a_budget_without_any_actual_gives_no_total(cast: Cast) -> None:
    data = data_set(cast)
    year = actions.open_year(cast.association, actor=cast.olle, year=2025)
    line(year, cast, data.activities[0], BudgetLine.Kind.ACTIVITY, "1001")
    outcomes = CostPerOutcome(Statement(year))
    assert outcomes.total_cost is None
    assert outcomes.cost_per(STARTED, None, TOTAL).state is State.NO_ACTUAL
    assert outcomes.missing_actuals == ["Mia Vidare", "Steget"]


def test_records(year: Year) -> None:
    outcomes = year.outcomes()
    records = outcomes.records()
    header, *body = records
    assert header[:4] == [
        "Insats",
        "Kostnad, utfall (kr)",
        "Deltagare, kvinnor",
        "Kostnad per deltagare (kr), kvinnor",
    ]
    assert header[9] == "Kostnad per deltagare (kr), totalt"
    assert len(header) == 2 + len(MEASURES) * len(COLUMNS) * 2
    assert [r[0] for r in body] == ["Mia Vidare", "Nya vägar", "Steget", "Totalt"]
    assert [r[1] for r in body] == [MIA, NEW + NEW_ESF, STEGET, MIA + STEGET + NEW + NEW_ESF]
    participants = truth(year.data.rows, active)
    activities = [year.mia.pk, year.new.pk, year.steget.pk, None]
    for record, activity in zip(body, activities, strict=True):
        assert len(record) == len(header)
        cells = iter(record[2:])
        for measure in MEASURES:
            true_counts = truth(year.data.rows, TESTS[measure.slug])
            for column in COLUMNS:
                count, cost = next(cells), next(cells)
                figures = underlying(outcomes, measure, activity, column)
                assert count in (HIDDEN, true_counts[(activity, column)])
                if not all(figure.shown for figure in figures):
                    assert cost == HIDDEN
                else:
                    want = expected(
                        Decimal(str(record[1])), true_counts, participants, activity, column
                    )
                    assert cost == ("" if want is None else want)
    assert HIDDEN in [cell for record in body for cell in record]


def test_one_query_per_table(
    year: Year, django_assert_max_num_queries: Callable[[int], AbstractContextManager[object]]
) -> None:
    """The association, its activities of the year and their names, the release's approved
    groups, whether the rollup waits for a refresh, three counts, the lines."""
    refresh()  # as the scheduler does: the page then has nothing to refresh first
    statement = Statement(FinancialYear.objects.get(pk=year.year.pk))
    with django_assert_max_num_queries(10):
        outcomes = CostPerOutcome(statement)
        outcomes.records()
        assert outcomes.any_hidden


def test_the_partial_shows_counts_amounts_and_what_the_dash_means(year: Year) -> None:
    outcomes = year.outcomes()
    html = render_to_string("finance/_outcomes.html", {"outcomes": outcomes})
    assert outcomes.any_hidden
    assert "för litet för att visas" in html
    assert "Kostnad per avslut till arbete eller studier 2025, per insats och kön" in html
    total = outcomes.cost_per(PARTICIPANTS, None, TOTAL)
    assert f"{total.amount:,}".replace(",", "\u00a0") + "\u00a0kr" in html
    assert "ej tillämpligt" in html
    assert html.count("<caption") == len(MEASURES)


def test_the_partial_is_accessible(
    cast: Cast, page: Page, assert_accessible: Callable[[Page], None]
) -> None:
    """WCAG 2.1 AA by axe-core, on the partial in a bare page with the site's stylesheet."""
    html = render_to_string("finance/_outcomes.html", {"outcomes": build(cast).outcomes()})
    css = (settings_module.BASE_DIR / "static" / "css" / "samla.css").read_text()
    page.set_content(
        f'<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Kostnad</title>'
        f"<style>{css}</style></head><body><main><h1>Kostnad per utfall</h1>{html}</main>"
        "</body></html>"
    )
    assert_accessible(page)


# --- the privacy rule, over any table ---

ROWS = [Category("1", "A"), Category("2", "B"), Category("3", "C")]
SEX_COLUMNS = [Category(s, s) for s in SEXES]
small_or_not = st.one_of(st.integers(0, 6), st.integers(0, 40))


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[str, dict[tuple[str, str], int]], int]:
    """True counts for the three measures: started and exits never above the participants."""
    participants = {(r.key, c.key): draw(small_or_not) for r in ROWS for c in SEX_COLUMNS}
    counts = {PARTICIPANTS.slug: participants}
    for measure in (STARTED, EXITS):
        counts[measure.slug] = {key: draw(st.integers(0, n)) for key, n in participants.items()}
    return counts, draw(st.integers(3, 10))


def figure(table: Table, row: str | None, column: str) -> Figure:
    """A figure of a suppressed table: a cell, a row's total, a column's total or the total."""
    if row is None:
        return table.total if column == TOTAL else table.column_total(column)
    return table.row_total(row) if column == TOTAL else table.cell(row, column)


def margin(counts: dict[tuple[str, str], int], row: str | None, column: str) -> int:
    return sum(
        n
        for (r, c), n in counts.items()
        if (row is None or r == row) and (column == TOTAL or c == column)
    )


@settings(max_examples=300, deadline=None)
@given(
    tables(),
    st.fixed_dictionaries(
        {r.key: st.one_of(st.none(), st.decimals(0, 10_000_000, places=2)) for r in ROWS}
    ),
)
def test_no_cost_per_is_shown_whose_counts_are_hidden(
    drawn: tuple[dict[str, dict[tuple[str, str], int]], int],
    costs: dict[str, Decimal | None],
) -> None:
    true_counts, k = drawn
    suppressed: dict[str, Table] = {
        slug: count_table(counts, title=slug, row_heading="", rows=ROWS, columns=SEX_COLUMNS, k=k)
        for slug, counts in true_counts.items()
    }
    participants = true_counts[PARTICIPANTS.slug]
    for table in outcome_tables(suppressed, costs, year=2025):
        counts = true_counts[table.measure.slug]
        for row in (*table.rows, table.total):
            key = None if row.activity_id is None else str(row.activity_id)
            for column in COLUMNS:
                cell: CostPer = row.cell(column)
                needed = [margin(counts, key, column)]
                if column != TOTAL:
                    needed += [margin(participants, key, column), margin(participants, key, TOTAL)]
                if any(0 < n < k for n in needed):
                    assert not cell.shown  # a count under k can never be divided back out
                if cell.shown:
                    assert cell.amount is not None and row.cost is not None
                    # Every figure it is worked from is shown, and is the true count.
                    shown = [figure(suppressed[table.measure.slug], key, column)]
                    if column != TOTAL:
                        shown += [
                            figure(suppressed[PARTICIPANTS.slug], key, column),
                            figure(suppressed[PARTICIPANTS.slug], key, TOTAL),
                        ]
                    assert [f.value for f in shown] == needed
                    assert cell.count == shown[0]
                    if column == TOTAL:
                        want = half_up(Fraction(row.cost) / needed[0])
                    else:
                        want = half_up(Fraction(row.cost) * needed[1] / needed[2] / needed[0])
                    assert cell.amount == want
                elif cell.state is State.HIDDEN:
                    assert cell.record() == HIDDEN and str(cell) == HIDDEN
