"""Independent judges of what a suppressed table gives away, for the tests to hold the code to.

Neither knows the graph argument in ``suppression.py``. ``determined_cells`` writes the table's
additive relations out as linear equations over the hidden unknowns, with shown values moved to
the right-hand side, and solves them exactly with fractions: an unknown is determined when it has
one value in every solution, i.e. when no vector of the null space moves it (equivalently, its
column is not in the span of the other hidden columns). ``brute_force_determined`` searches
non-negative integer tables that agree with every shown value, for tiny tables only.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from fractions import Fraction
from typing import TypeVar

Unknown = TypeVar("Unknown")

# An equation: coefficient per cell of the extended table, summing to zero.
Equation = dict[tuple[int, int], int]


def extended(body: Sequence[Sequence[int]]) -> list[list[int]]:
    lines = [[*line, sum(line)] for line in body]
    return [*lines, [sum(line[j] for line in lines) for j in range(len(lines[0]))]]


def table_equations(rows: int, columns: int) -> list[Equation]:
    """Each body row sums to its total, each body column to its total, and the row totals and
    the column totals each sum to the grand total; (rows, columns) is the grand total's cell."""
    equations: list[Equation] = []
    for i in range(rows):
        equations.append({**{(i, j): 1 for j in range(columns)}, (i, columns): -1})
    for j in range(columns):
        equations.append({**{(i, j): 1 for i in range(rows)}, (rows, j): -1})
    equations.append({**{(i, columns): 1 for i in range(rows)}, (rows, columns): -1})
    equations.append({**{(rows, j): 1 for j in range(columns)}, (rows, columns): -1})
    return equations


def determined(
    equations: Sequence[dict[Unknown, int]], unknowns: Sequence[Unknown]
) -> set[Unknown]:
    """The unknowns that every solution of the equations gives the same value (exact)."""
    index = {unknown: position for position, unknown in enumerate(unknowns)}
    matrix = [
        [Fraction(equation.get(unknown, 0)) for unknown in unknowns]
        for equation in equations
        if any(unknown in index for unknown in equation)
    ]
    reduced, pivots = _row_reduce(matrix, len(unknowns))
    free = [column for column in range(len(unknowns)) if column not in pivots]
    fixed = set()
    for row, column in enumerate(pivots):
        if all(reduced[row][other] == 0 for other in free):
            fixed.add(unknowns[column])
    return fixed


def _row_reduce(matrix: list[list[Fraction]], width: int) -> tuple[list[list[Fraction]], list[int]]:
    """Reduced row echelon form, and the pivot column of each of its leading rows."""
    rows = [list(line) for line in matrix]
    pivots: list[int] = []
    for column in range(width):
        row = len(pivots)
        chosen = next((r for r in range(row, len(rows)) if rows[r][column] != 0), None)
        if chosen is None:
            continue
        rows[row], rows[chosen] = rows[chosen], rows[row]
        lead = rows[row][column]
        rows[row] = [value / lead for value in rows[row]]
        for other in range(len(rows)):
            if other != row and rows[other][column] != 0:
                factor = rows[other][column]
                rows[other] = [a - factor * b for a, b in zip(rows[other], rows[row], strict=True)]
        pivots.append(column)
    return rows, pivots


def determined_cells(
    body: Sequence[Sequence[int]], hidden: set[tuple[int, int]]
) -> set[tuple[int, int]]:
    """The hidden cells of the extended table (margins included) that the shown ones give back."""
    rows, columns = len(body), len(body[0])
    equations = table_equations(rows, columns)
    return determined(equations, sorted(hidden))


def brute_force_determined(
    body: Sequence[Sequence[int]], hidden: set[tuple[int, int]]
) -> set[tuple[int, int]]:
    """The hidden cells that take one value in every non-negative integer table agreeing with all
    shown values, searching each hidden body cell over 0..(its value + 2). Tiny tables only."""
    truth = extended(body)
    rows, columns = len(body), len(body[0])
    free = sorted(cell for cell in hidden if cell[0] < rows and cell[1] < columns)
    seen: dict[tuple[int, int], set[int]] = {cell: set() for cell in hidden}
    ranges = [range(truth[i][j] + 3) for i, j in free]
    for values in itertools.product(*ranges):
        other = [list(line) for line in body]
        for (i, j), value in zip(free, values, strict=True):
            other[i][j] = value
        candidate = extended(other)
        agrees = all(
            candidate[i][j] == truth[i][j]
            for i in range(rows + 1)
            for j in range(columns + 1)
            if (i, j) not in hidden
        )
        if agrees:
            for i, j in hidden:
                seen[(i, j)].add(candidate[i][j])
    return {cell for cell, values in seen.items() if len(values) == 1}
