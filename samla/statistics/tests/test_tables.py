"""Tables and shares: the API callers use, and what a suppressed share can give away."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samla.statistics.tables import (
    Category,
    Figure,
    ShareTable,
    count_table,
    hidden_explanation,
    one_way_table,
    share_table,
)
from samla.statistics.tests.oracles import determined

NBSP = "\u00a0"
SEX = [Category("F", "Kvinnor"), Category("M", "Män"), Category("X", "Annat / ej angivet")]
TOWNS = [Category("1", "Hällefors"), Category("2", "Lindesberg"), Category("3", "Nora")]
counts = st.one_of(st.integers(0, 5), st.integers(0, 30))
ks = st.integers(3, 10)


def towns_by_sex(data: dict[tuple[str, str], int], k: int = 5):
    return count_table(data, title="Deltagare", row_heading="Kommun", rows=TOWNS, columns=SEX, k=k)


# --- figures and tables ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figure", "text"),
    [
        (Figure(0), "0"),
        (Figure(999), "999"),
        (Figure(1234), f"1{NBSP}234"),
        (Figure(1234567), f"1{NBSP}234{NBSP}567"),
        (Figure(None, hidden_under_k=True), "–"),
        (Figure(None), "–"),
    ],
)
def test_a_figure_reads_the_swedish_way(figure: Figure, text: str) -> None:
    assert str(figure) == text
    assert figure.shown is (figure.value is not None)


def test_a_count_table_computes_its_margins_and_hides_what_it_must() -> None:
    data = {("1", "F"): 1234, ("1", "M"): 40, ("2", "F"): 12, ("2", "M"): 3}
    table = towns_by_sex(data | {("3", "F"): 25, ("3", "M"): 8})
    assert table.cell("1", "F") == Figure(1234)
    # Missing counts are zero; a table that hides something hides its zeros too (ADR 0012).
    assert table.cell("3", "X") == Figure(None)
    assert table.cell("2", "M") == Figure(None, hidden_under_k=True)
    # The 3 is alone in its row and column; the cheapest cycle runs over 12, 25 and 8.
    for row, column in [("2", "F"), ("3", "F"), ("3", "M")]:
        assert table.cell(row, column) == Figure(None, hidden_under_k=False)
    assert table.row_total("1") == Figure(1274)
    assert table.column_total("F") == Figure(1271)
    assert table.total == Figure(1322)
    assert table.any_hidden
    assert table.one_way is False


def test_records_give_numbers_as_numbers_and_hidden_as_a_dash() -> None:
    table = towns_by_sex({("1", "F"): 20, ("1", "M"): 30, ("2", "F"): 12, ("2", "M"): 15})
    assert not table.any_hidden
    assert table.records() == [
        ["Kommun", "Kvinnor", "Män", "Annat / ej angivet", "Totalt"],
        ["Hällefors", 20, 30, 0, 50],
        ["Lindesberg", 12, 15, 0, 27],
        ["Nora", 0, 0, 0, 0],
        ["Totalt", 32, 45, 0, 77],
    ]


def test_records_of_a_suppressed_table() -> None:
    table = count_table(
        {("a", "F"): 10, ("a", "M"): 2, ("b", "F"): 12, ("b", "M"): 15, ("c", "F"): 20},
        title="Deltagare",
        row_heading="Grupp",
        rows=[Category("a", "A"), Category("b", "B"), Category("c", "C")],
        columns=SEX[:2],
        k=5,
    )
    # 2 is alone in its row and column; the cheapest cycle hides 10, 12 and 15 with it.
    assert table.records() == [
        ["Grupp", "Kvinnor", "Män", "Totalt"],
        ["A", "–", "–", 12],
        ["B", "–", "–", 27],
        ["C", 20, "–", 20],
        ["Totalt", 42, 17, 59],
    ]
    assert table.cell("a", "M").hidden_under_k
    assert not table.cell("a", "F").hidden_under_k  # hidden, but secondarily


def test_a_one_way_table() -> None:
    table = one_way_table(
        {"1": 7, "2": 3, "3": 120},
        title="Deltagare per kommun",
        row_heading="Kommun",
        rows=TOWNS,
        column_label="Antal",
        k=5,
    )
    assert table.one_way
    assert [column.label for column in table.columns] == ["Antal"]
    assert table.records() == [
        ["Kommun", "Antal"],
        ["Hällefors", "–"],
        ["Lindesberg", "–"],
        ["Nora", 120],
        ["Totalt", 130],
    ]
    assert table.cell("2", "") == table.row_total("2") == Figure(None, hidden_under_k=True)
    assert table.column_total("") == table.total == Figure(130)


def test_a_count_for_a_category_the_table_does_not_have_is_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="Y"):
        towns_by_sex({("1", "Y"): 4})
    with pytest.raises(ValueError):
        one_way_table({"9": 1}, title="", row_heading="", rows=TOWNS, column_label="", k=5)


def test_asking_for_a_category_the_table_does_not_have_raises_key_error() -> None:
    with pytest.raises(KeyError):
        towns_by_sex({}).cell("1", "Y")


def test_the_explanation_of_the_dash_names_k() -> None:
    text = hidden_explanation(5)
    assert text.startswith("– betyder att antalet är för litet för att visas (färre än 5)")
    assert "inte kan räknas fram ur andra siffror" in text
    assert text.endswith("I en tabell med – visas även noll som –.")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(counts, min_size=3, max_size=3), min_size=3, max_size=3),
    ks,
)
def test_shown_figures_are_the_true_ones(body: list[list[int]], k: int) -> None:
    data = {(r.key, c.key): body[i][j] for i, r in enumerate(TOWNS) for j, c in enumerate(SEX)}
    table = towns_by_sex(data, k=k)
    expected = [
        (table.cell(r.key, c.key), body[i][j])
        for i, r in enumerate(TOWNS)
        for j, c in enumerate(SEX)
    ]
    expected += [(table.row_total(r.key), sum(body[i])) for i, r in enumerate(TOWNS)]
    expected += [
        (table.column_total(c.key), sum(line[j] for line in body)) for j, c in enumerate(SEX)
    ]
    expected += [(table.total, sum(map(sum, body)))]
    for figure, value in expected:
        assert figure.value in (None, value)
        assert figure.hidden_under_k == (1 <= value < k)
        assert figure.shown or figure.value is None


# --- shares ---------------------------------------------------------------------------------


def feel_better(achieved: dict[str, int], base: dict[str, int], k: int = 5) -> ShareTable:
    return share_table(
        achieved,
        base,
        title="Mår bättre",
        row_heading="Kommun",
        achieved_label="Mår bättre",
        rows=TOWNS,
        k=k,
    )


def test_a_share_is_rounded_half_up_to_one_decimal() -> None:
    table = feel_better({"1": 9, "2": 49, "3": 40}, {"1": 21, "2": 400, "3": 40})
    assert [share.percent for share in table.shares] == [
        Decimal("42.9"),
        Decimal("12.3"),  # 12.25: half up, not to even
        Decimal("100.0"),
    ]
    assert [str(share) for share in table.shares] == [
        f"42,9{NBSP}%",
        f"12,3{NBSP}%",
        f"100,0{NBSP}%",
    ]
    assert table.total.category == Category("", "Totalt")
    assert table.total.achieved == Figure(98)
    assert table.total.base == Figure(461)
    assert not table.any_hidden


def test_a_share_that_would_reveal_a_small_count_is_hidden() -> None:
    # 19 of 20 would say that one person in Hällefors does not feel better.
    table = feel_better({"1": 19, "2": 30, "3": 20}, {"1": 20, "2": 60, "3": 50})
    first = table.shares[0]
    assert first.percent is None
    assert str(first) == "–"
    assert not (first.achieved.shown and first.base.shown)
    assert table.any_hidden


def test_share_records() -> None:
    table = feel_better({"1": 9, "2": 30}, {"1": 21, "2": 70})
    assert table.records() == [
        ["Kommun", "Mår bättre", "Totalt antal", "Andel (%)"],
        ["Hällefors", 9, 21, Fraction(429, 1000)],  # a number with a percent format in XLSX
        ["Lindesberg", 30, 70, Fraction(429, 1000)],
        ["Nora", 0, 0, "–"],
        ["Totalt", 39, 91, Fraction(429, 1000)],
    ]
    assert not table.any_hidden  # an empty group has no share, but nothing is hidden


def test_more_achieved_than_the_base_is_a_caller_bug() -> None:
    with pytest.raises(ValueError):
        feel_better({"1": 6}, {"1": 5})
    with pytest.raises(ValueError):
        feel_better({"9": 1}, {"9": 5})


@st.composite
def share_data(draw: st.DrawFn) -> tuple[list[int], list[int], int]:
    size = draw(st.integers(1, 8))
    bases = draw(st.lists(counts, min_size=size, max_size=size))
    achieved = [draw(st.integers(0, base)) for base in bases]
    return achieved, bases, draw(ks)


@settings(max_examples=300, deadline=None)
@given(share_data())
def test_a_share_table_never_gives_back_a_small_count(
    data: tuple[list[int], list[int], int],
) -> None:
    achieved, bases, k = data
    rows = [Category(str(i), f"Grupp {i}") for i in range(len(bases))]
    table = share_table(
        {row.key: a for row, a in zip(rows, achieved, strict=True)},
        {row.key: b for row, b in zip(rows, bases, strict=True)},
        title="",
        row_heading="",
        achieved_label="",
        rows=rows,
        k=k,
    )
    lines: list[object] = [*range(len(bases)), "T"]
    truth: dict[tuple[str, object], int] = {("a", i): a for i, a in enumerate(achieved)}
    truth |= {("b", i): b for i, b in enumerate(bases)}
    truth |= {("n", i): b - a for i, (a, b) in enumerate(zip(achieved, bases, strict=True))}
    truth |= {("a", "T"): sum(achieved), ("b", "T"): sum(bases)}
    truth |= {("n", "T"): sum(bases) - sum(achieved)}

    published: dict[tuple[str, object], int] = {}
    for line, share in zip(lines, [*table.shares, table.total], strict=True):
        for kind, figure in (("a", share.achieved), ("b", share.base)):
            assert figure.value in (None, truth[(kind, line)])  # shown means true
            if figure.value is not None:
                published[(kind, line)] = figure.value
        if share.percent is not None:
            a, b = truth[("a", line)], truth[("b", line)]
            assert share.achieved.shown and share.base.shown
            assert share.percent == (Decimal(100 * a) / b).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
    for name, value in published.items():
        assert not 1 <= value < k, name
        if name[0] == "a" and ("b", name[1]) in published:
            assert not 1 <= published[("b", name[1])] - value < k, name  # not achieved

    # Not achieved is never published; it and every hidden figure are unknowns.
    relations: list[dict[tuple[str, object], int]] = [
        {("a", i): 1, ("n", i): 1, ("b", i): -1} for i in lines
    ]
    for kind in "anb":
        relations.append({**{(kind, i): 1 for i in range(len(bases))}, (kind, "T"): -1})
    unknowns = [name for name in truth if name not in published]
    for name in determined(relations, unknowns):
        # A hidden achieved count or base never comes back, except a zero hidden because the
        # table hides something (ADR 0012), which reveals nobody.
        assert name[0] == "n" or truth[name] == 0, name
        assert not 1 <= truth[name] < k, name


def test_a_table_without_rows_has_zero_column_totals() -> None:
    """An association with no individual activity yet: its activity × sex table has no rows."""
    columns = [Category("F", "Kvinnor"), Category("M", "Män")]
    table = count_table({}, title="t", row_heading="Insats", rows=[], columns=columns, k=5)
    assert [str(table.column_total(c.key)) for c in columns] == ["0", "0"]
    assert str(table.total) == "0" and not table.any_hidden


def test_a_table_that_hides_nothing_shows_its_zeros() -> None:
    table = towns_by_sex({("1", "F"): 20, ("1", "M"): 30, ("2", "F"): 12, ("2", "M"): 15})
    assert table.cell("3", "F") == Figure(0)
    assert table.total == Figure(77)


def test_hiding_more_hides_the_figures_named_and_then_the_zeros() -> None:
    table = towns_by_sex({("1", "F"): 20, ("1", "M"): 30, ("2", "F"): 12, ("2", "M"): 15})
    hidden = table.hiding({("cell", "1", "F"), ("column", "", "F"), ("total", "", "")})
    assert [hidden.figure(p).value for p in hidden.positions()] == [
        None,
        30,
        None,
        12,
        15,
        None,
        None,
        None,
        None,
        50,
        27,
        None,
        None,
        45,
        None,
        None,
    ]
    assert hidden.any_hidden and not table.any_hidden
    assert table.hiding(()) is table


def test_hiding_a_share_tables_base_hides_its_percent() -> None:
    table = feel_better({"1": 9, "2": 49, "3": 40}, {"1": 21, "2": 400, "3": 40})
    hidden = table.hiding({("base", "1", "")})
    first = hidden.shares[0]
    assert first.base == Figure(None) and first.achieved == Figure(9)
    assert str(first) == "–"
    assert str(hidden.shares[1]) == str(table.shares[1])
    assert hidden.figure(("achieved", "", "")) == Figure(98)
