"""Suppression, held to independent oracles over random tables and to hand-worked examples."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samla.statistics.suppression import Suppressed, Visibility, suppress, suppress_one_way
from samla.statistics.tests.oracles import (
    brute_force_determined,
    determined,
    determined_cells,
    extended,
)

S, U, H = Visibility.SHOWN, Visibility.UNDER_K, Visibility.SECONDARY

# Many small counts, so that suppression has work to do, and some large ones.
counts = st.one_of(st.integers(0, 5), st.integers(0, 30))
ks = st.integers(3, 10)


def tables(max_rows: int = 8, max_columns: int = 6, values: st.SearchStrategy[int] = counts):
    return st.integers(1, max_rows).flatmap(
        lambda m: st.integers(1, max_columns).flatmap(
            lambda n: st.lists(st.lists(values, min_size=n, max_size=n), min_size=m, max_size=m)
        )
    )


def visibility_grid(result: Suppressed) -> list[list[Visibility]]:
    """The visibilities laid out like the extended table (totals as a last row and column)."""
    lines = [[*line, total] for line, total in zip(result.body, result.row_totals, strict=True)]
    return [*lines, [*result.column_totals, result.total]]


def hidden_cells(result: Suppressed) -> set[tuple[int, int]]:
    grid = visibility_grid(result)
    return {(i, j) for i, line in enumerate(grid) for j, v in enumerate(line) if v.hidden}


@settings(max_examples=300, deadline=None)
@given(tables(), ks)
def test_no_count_under_k_is_shown(body: list[list[int]], k: int) -> None:
    grid = extended(body)
    status = visibility_grid(suppress(body, k))
    for line, visibilities in zip(grid, status, strict=True):
        for value, visibility in zip(line, visibilities, strict=True):
            assert (visibility is U) == (1 <= value < k)


@settings(max_examples=300, deadline=None)
@given(tables(), ks)
def test_no_hidden_value_can_be_solved_from_the_shown_ones(body: list[list[int]], k: int) -> None:
    hidden = hidden_cells(suppress(body, k))
    assert determined_cells(body, hidden) == set()


@settings(max_examples=150, deadline=None)
@given(tables(max_rows=2, max_columns=2, values=st.integers(0, 6)), st.integers(3, 6))
def test_no_other_integer_table_is_ruled_out_for_a_tiny_table(
    body: list[list[int]], k: int
) -> None:
    hidden = hidden_cells(suppress(body, k))
    assert brute_force_determined(body, hidden) == set()


@settings(max_examples=40, deadline=None)
@given(tables(max_rows=3, max_columns=2, values=st.integers(0, 4)), st.integers(3, 5))
def test_no_other_integer_table_is_ruled_out_for_a_small_table(
    body: list[list[int]], k: int
) -> None:
    hidden = hidden_cells(suppress(body, k))
    assert brute_force_determined(body, hidden) == set()


@settings(max_examples=200, deadline=None)
@given(tables(), ks)
def test_zero_is_never_hidden(body: list[list[int]], k: int) -> None:
    grid = extended(body)
    for i, j in hidden_cells(suppress(body, k)):
        assert grid[i][j] > 0


@settings(max_examples=300, deadline=None)
@given(st.lists(counts, min_size=1, max_size=12), ks)
def test_one_way_shows_nothing_under_k_and_gives_nothing_back(values: list[int], k: int) -> None:
    result = suppress_one_way(values, k)
    cells = [*values, sum(values)]
    status = [*result.values, result.total]
    assert [v is U for v in status] == [1 <= n < k for n in cells]
    hidden = [i for i, v in enumerate(status) if v.hidden]
    relation = {i: 1 for i in range(len(values))} | {len(values): -1}
    assert determined([relation], hidden) == set()
    assert len(hidden) != 1


def test_a_small_cell_is_hidden_with_the_cheapest_rectangle() -> None:
    # Row totals 12, 27, 45; column totals 42, 42; total 84. The 2 alone in its row and its
    # column would be 12 - 10 and 42 - 40. The cheapest cycle through it runs over the 10, the 12
    # and the 15 (cost 37; over the 10, 20 and 25 it would cost 55, over margins more).
    result = suppress([[10, 2], [12, 15], [20, 25]], k=5)
    assert result.body == ((H, U), (H, H), (S, S))
    assert result.row_totals == (S, S, S)
    assert result.column_totals == (S, S)
    assert result.total is S


def test_a_small_row_total_takes_the_next_row_with_it() -> None:
    # 2, 1 and the row total 3 are under k. Row 0 alone would leave each body cell alone in its
    # column; the cheapest cycle adds 10 and 12 from row 1, and then the row total 3 is alone in
    # the total column and takes the row total 22 with it. Column totals 12, 13 and the grand
    # total 25 stay shown: no hidden cell can be solved from them.
    result = suppress([[2, 1], [10, 12]], k=5)
    assert result.body == ((U, U), (H, H))
    assert result.row_totals == (U, H)
    assert result.column_totals == (S, S)
    assert result.total is S


def test_zero_is_shown_and_large_counts_are_untouched() -> None:
    result = suppress([[0, 12], [9, 8]], k=5)
    assert hidden_cells(result) == set()


def test_a_table_of_one_small_count_is_hidden_whole() -> None:
    result = suppress([[3]], k=5)
    assert result == Suppressed(body=((U,),), row_totals=(U,), column_totals=(U,), total=U)


def test_one_way_hides_the_smallest_other_value() -> None:
    result = suppress_one_way([7, 3, 12], k=5)
    assert result.values == (H, U, S)
    assert result.total is S


def test_one_way_with_two_small_values_needs_nothing_more() -> None:
    result = suppress_one_way([4, 3, 12], k=5)
    assert result.values == (U, U, S)
    assert result.total is S


@pytest.mark.parametrize(("body", "k"), [([[1, -1]], 5), ([[1, 2], [3]], 5), ([[1]], 0)], ids=str)
def test_caller_mistakes_are_refused(body: list[list[int]], k: int) -> None:
    with pytest.raises(ValueError):
        suppress(body, k)


def test_an_empty_table_hides_nothing() -> None:
    assert suppress([], 5).total is S
    assert suppress_one_way([], 5).total is S
