"""Primary and secondary cell suppression: no published figure may reveal a small group (R7).

**Primary.** Every count n with 1 <= n < k is hidden, in the body and in the margins alike. Zero
is shown: a true zero reveals no individual, and hiding it would only make tables harder to read.

**Secondary.** The margins are published, so a hidden cell must not be computable from what is
shown. A two-way table of m rows and n columns is extended to (m+1) x (n+1): the row totals
become a last column, the column totals a last row, the grand total their corner. Each line of
the extended table is one additive relation (the body of a row sums to its total, the row
totals sum to the grand total, ...). Negate the cells in the last row and the last column
except the corner, and every line of the extended table sums to zero. Read the lines as the
nodes of a complete bipartite graph (row lines on one side, column lines on the other) and the
cells as its edges: the relations are the node equations of that graph. Known (shown) edges
move to the right-hand side; what the hidden edges can still do without changing any shown
value is exactly the cycle space of the graph they form (the graph is bipartite, so the signs
alternate around a cycle). A hidden cell is therefore determined exactly when it lies on no
cycle of hidden cells, that is when it is a *bridge* of the hidden graph; an edge alone at a
line (one hidden cell in a row) is the simplest bridge.

The repair: while some hidden cell is a bridge, take the first (in reading order of the
extended table), find the cheapest path between its two lines that avoids it (Dijkstra, a
hidden cell costs nothing, a shown cell its value, a zero more than any path of non-zero
cells, since a hidden zero can only move up and so protects in one direction only), and hide
the cells on that path, closing a cycle. Every round hides at least one more cell, so the loop
ends; hiding every cell is always safe and is the fallback. With no hidden zero, every hidden
cell lies on a cycle of cells >= 1, so moving one unit around it gives another non-negative
table with the same shown values: the hidden cell is not even determined among integers.
Any non-zero hidden cell has such a cycle (its row or column total and the grand total are
non-zero too), so zeros are in practice never hidden.

A one-way table (categories and their total) has one relation, cells minus total equal zero:
a hidden value is determined exactly when it is the only one hidden, so 0 or >= 2 must be.
"""

from __future__ import annotations

import enum
import heapq
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Suppressed", "SuppressedOneWay", "Visibility", "suppress", "suppress_one_way"]

Cell = tuple[int, int]  # (line, column) in the extended table


class Visibility(enum.Enum):
    SHOWN = "shown"
    UNDER_K = "under_k"  # primary: 1 <= n < k
    SECONDARY = "secondary"  # hidden so that an under-k value cannot be computed back

    @property
    def hidden(self) -> bool:
        return self is not Visibility.SHOWN


@dataclass(frozen=True)
class Suppressed:
    """What may be shown of a two-way table: one visibility per body cell and per margin."""

    body: tuple[tuple[Visibility, ...], ...]
    row_totals: tuple[Visibility, ...]
    column_totals: tuple[Visibility, ...]
    total: Visibility


@dataclass(frozen=True)
class SuppressedOneWay:
    values: tuple[Visibility, ...]
    total: Visibility


def suppress(body: Sequence[Sequence[int]], k: int, *, width: int | None = None) -> Suppressed:
    """Which cells of ``body`` and of its margins (all published) must be hidden. ``width`` is
    the number of columns, which a table without rows cannot tell by itself."""
    grid = _extended(body, k, width)
    primary = _primary(grid, k)
    hidden = _secondary(grid, primary)
    status = [
        [_visibility((i, j), primary, hidden) for j in range(len(grid[0]))]
        for i in range(len(grid))
    ]
    return Suppressed(
        body=tuple(tuple(line[:-1]) for line in status[:-1]),
        row_totals=tuple(line[-1] for line in status[:-1]),
        column_totals=tuple(status[-1][:-1]),
        total=status[-1][-1],
    )


def suppress_one_way(values: Sequence[int], k: int) -> SuppressedOneWay:
    """Which values, and whether the total, must be hidden in a list of counts with its total."""
    _check(values, k)
    cells = [*values, sum(values)]
    primary = {i for i, n in enumerate(cells) if 1 <= n < k}
    hidden = set(primary)
    if len(hidden) == 1:
        # The smallest other value, never a zero while a non-zero one is left; the total is
        # non-zero whenever something is hidden, so a partner always exists.
        shown = [i for i in range(len(cells)) if i not in hidden]
        hidden.add(min(shown, key=lambda i: (cells[i] == 0, cells[i], i)))
    status = [_visibility(i, primary, hidden) for i in range(len(cells))]
    return SuppressedOneWay(values=tuple(status[:-1]), total=status[-1])


def _visibility(
    cell: object, primary: Collection[object], hidden: Collection[object]
) -> Visibility:
    if cell in primary:
        return Visibility.UNDER_K
    if cell in hidden:
        return Visibility.SECONDARY
    return Visibility.SHOWN


def _check(values: Iterable[int], k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    if any(n < 0 for n in values):
        raise ValueError("counts cannot be negative")


def _extended(body: Sequence[Sequence[int]], k: int, width: int | None) -> list[list[int]]:
    """The body with its row totals as a last column and column totals as a last row."""
    if width is None:
        width = len(body[0]) if body else 0
    if any(len(line) != width for line in body):
        raise ValueError("every row of the table must have as many cells")
    _check((n for line in body for n in line), k)
    lines = [[*line, sum(line)] for line in body]
    totals = [sum(line[j] for line in lines) for j in range(width + 1)]
    return [*lines, totals]


def _primary(grid: list[list[int]], k: int) -> set[Cell]:
    return {(i, j) for i, line in enumerate(grid) for j, n in enumerate(line) if 1 <= n < k}


def _secondary(grid: list[list[int]], primary: set[Cell]) -> set[Cell]:
    everything = {(i, j) for i in range(len(grid)) for j in range(len(grid[0]))}
    hidden = set(primary)
    while bridges := _bridges(hidden, len(grid)):
        closing = _closing_path(grid, hidden, bridges[0])
        if closing is None or closing <= hidden:
            return everything  # cannot happen in a complete bipartite graph; safe anyway
        hidden |= closing
    return hidden


def _node(cell: Cell, lines: int) -> tuple[int, int]:
    """The two graph nodes a cell joins: its line, and its column numbered after the lines."""
    return cell[0], lines + cell[1]


def _bridges(hidden: set[Cell], lines: int) -> list[Cell]:
    """The hidden cells that lie on no cycle of hidden cells, in reading order (Tarjan)."""
    adjacent: dict[int, list[tuple[int, Cell]]] = {}
    for cell in sorted(hidden):
        a, b = _node(cell, lines)
        adjacent.setdefault(a, []).append((b, cell))
        adjacent.setdefault(b, []).append((a, cell))
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    found: list[Cell] = []

    def visit(node: int, via: Cell | None) -> None:
        order[node] = low[node] = len(order)
        for other, cell in adjacent[node]:
            if cell == via:
                continue
            if other in order:
                low[node] = min(low[node], order[other])
                continue
            visit(other, cell)
            low[node] = min(low[node], low[other])
            if low[other] > order[node]:
                found.append(cell)

    for node in sorted(adjacent):
        if node not in order:
            visit(node, None)
    return sorted(found)


def _closing_path(grid: list[list[int]], hidden: set[Cell], bridge: Cell) -> set[Cell] | None:
    """The cheapest path between the bridge's two lines that does not use the bridge.

    Cost is (sum of newly hidden values, number of newly hidden cells); nodes are settled in
    order of (cost, node), so equal costs are decided by position."""
    lines, columns = len(grid), len(grid[0])
    zero_cost = sum(map(sum, grid)) + 1
    start, goal = _node(bridge, lines)
    best: dict[int, tuple[int, int]] = {start: (0, 0)}
    came_by: dict[int, Cell] = {}
    queue = [((0, 0), start)]
    while queue:
        cost, node = heapq.heappop(queue)
        if node == goal:
            return _walk_back(came_by, goal, start, lines)
        if cost > best[node]:
            continue
        for cell in _cells_at(node, lines, columns):
            if cell == bridge:
                continue
            value = grid[cell[0]][cell[1]]
            step = (0, 0) if cell in hidden else (value or zero_cost, 1)
            reached = (cost[0] + step[0], cost[1] + step[1])
            other = _other_end(cell, node, lines)
            if other not in best or reached < best[other]:
                best[other] = reached
                came_by[other] = cell
                heapq.heappush(queue, (reached, other))
    return None


def _cells_at(node: int, lines: int, columns: int) -> list[Cell]:
    if node < lines:
        return [(node, j) for j in range(columns)]
    return [(i, node - lines) for i in range(lines)]


def _other_end(cell: Cell, node: int, lines: int) -> int:
    a, b = _node(cell, lines)
    return b if node == a else a


def _walk_back(came_by: dict[int, Cell], goal: int, start: int, lines: int) -> set[Cell]:
    path: set[Cell] = set()
    node = goal
    while node != start:
        cell = came_by[node]
        path.add(cell)
        node = _other_end(cell, node, lines)
    return path
