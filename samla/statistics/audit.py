"""The differencing audit: what could anyone work out from everything published (R7, ADR 0011)?

Suppression inside one table (``suppression.py``) does not stop a reader from combining tables:
the whole period minus the years shown, an unfiltered table minus a filtered one. Statistics
offices check a release the way an attacker would attack it, by linear programming, and so does
this module.

Every published figure counts a set of records (participations). Records that every published
figure either counts together or leaves out together cannot be told apart, so they make one
*atom*, and the unknowns are the atoms' sizes, x >= 0. What the reader knows:

- a shown figure: the sum of its atoms equals the shown value;
- a hidden figure ("–"): the sum is at least 1, because a zero is always shown.

This is more than a reader really knows (the audit also knows which atoms are empty), so a
figure that passes here is at least as safe in fact. For every hidden figure whose true value is
a small group (1 to k−1), HiGHS minimises and maximises its sum over everything consistent with
what is published. The figure is *protected* when that feasible range is at least ``protection``
wide; the default, k−1, means that a hidden group of 1 cannot be told from a group of k.

``protect`` turns the audit into suppression: while a small figure's range is too narrow, it
hides the cheapest shown figure whose value the bound rests on (a binding constraint: non-zero
dual value), and solves again. Hiding a figure only removes a constraint, so no range ever
narrows: the loop ends, at worst with every non-zero figure hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

__all__ = ["Finding", "Published", "audit", "protect"]

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Published:
    """One figure a user can obtain: where it is shown, the records it counts, and what is
    shown (``None`` for "–")."""

    where: str
    records: frozenset[int]
    shown: int | None

    @property
    def true(self) -> int:
        return len(self.records)


@dataclass(frozen=True)
class Finding:
    """A hidden small group that everything published pins to ``low``..``high``."""

    figure: Published
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low

    def __str__(self) -> str:
        return (
            f"{self.figure.where}: dold, egentligen {self.figure.true}, "
            f"kan räknas fram till {self.low:g}–{self.high:g}"
        )


@dataclass
class _Problem:
    """The distinct record sets among the figures (one set can be published in many places) and
    their incidence on the atoms."""

    sets: list[frozenset[int]]
    places: list[list[int]]  # per set, the figures that publish it
    matrix: csr_matrix  # sets × atoms, 1 where the set counts the atom

    @classmethod
    def of(cls, figures: Sequence[Published]) -> _Problem:
        index: dict[frozenset[int], int] = {}
        places: list[list[int]] = []
        for i, figure in enumerate(figures):
            if figure.records not in index:
                index[figure.records] = len(places)
                places.append([])
            places[index[figure.records]].append(i)
        sets = list(index)
        membership: dict[int, list[int]] = {}
        for number, records in enumerate(sets):
            for record in records:
                membership.setdefault(record, []).append(number)
        atoms: dict[tuple[int, ...], int] = {}
        for containing in membership.values():
            atoms.setdefault(tuple(containing), len(atoms))
        rows: list[int] = []
        columns: list[int] = []
        for signature, atom in atoms.items():
            rows.extend(signature)
            columns.extend([atom] * len(signature))
        matrix = csr_matrix(
            (np.ones(len(rows)), (rows, columns)), shape=(len(sets), max(len(atoms), 1))
        )
        return cls(sets, places, matrix)

    def hidden(self, figures: Sequence[Published]) -> set[int]:
        """The sets no figure shows: a set shown in one place is known everywhere."""
        return {
            number
            for number, places in enumerate(self.places)
            if all(figures[i].shown is None for i in places)
        }

    def small(self, k: int) -> list[int]:
        """The sets of a small group: 1 to k−1 records."""
        return [number for number, records in enumerate(self.sets) if 1 <= len(records) < k]

    def range(self, number: int, hidden: set[int]) -> tuple[float, float, set[int]]:
        """The least and greatest size set ``number`` can have, and the shown sets the two
        bounds rest on."""
        shown = [i for i in range(len(self.sets)) if i not in hidden]
        lower = sorted(i for i in hidden if self.sets[i])
        a_eq = self.matrix[shown] if shown else None
        b_eq = np.array([len(self.sets[i]) for i in shown]) if shown else None
        a_ub = -self.matrix[lower] if lower else None
        b_ub = -np.ones(len(lower)) if lower else None
        objective = self.matrix[number].toarray().ravel()
        bounds: list[float] = []
        binding: set[int] = set()
        for sign in (1.0, -1.0):
            # HiGHS takes sparse matrices; scipy-stubs' overloads list only dense ones.
            result = linprog(  # type: ignore[call-overload]
                sign * objective,
                A_ub=a_ub,
                b_ub=b_ub,
                A_eq=a_eq,
                b_eq=b_eq,
                bounds=(0, None),
                method="highs",
            )
            if result.status == 3:  # unbounded above: nothing caps it
                bounds.append(float("inf"))
                continue
            if result.status != 0:
                raise RuntimeError(f"the audit's linear programme failed: {result.message}")
            bounds.append(sign * float(result.fun))
            if a_eq is not None:
                marginals = result.eqlin.marginals
                binding |= {shown[j] for j in np.flatnonzero(np.abs(marginals) > TOLERANCE)}
        return bounds[0], bounds[1], binding


def audit(figures: Sequence[Published], *, k: int, protection: int | None = None) -> list[Finding]:
    """Every small group that is shown, or hidden with a feasible range narrower than
    ``protection``; once per record set, at the first place it is published."""
    protection = k - 1 if protection is None else protection
    problem = _Problem.of(figures)
    hidden = problem.hidden(figures)
    findings = []
    for number in problem.small(k):
        if number not in hidden:  # a small group shown outright
            size = len(problem.sets[number])
            findings.append(Finding(figures[problem.places[number][0]], size, size))
            continue
        low, high, _binding = problem.range(number, hidden)
        if high - low < protection - TOLERANCE:
            findings.append(Finding(figures[problem.places[number][0]], low, high))
    return findings


def protect(
    figures: Sequence[Published], *, k: int, protection: int | None = None
) -> list[Published]:
    """The figures with more of them hidden, as few as this greedy search finds, so that
    ``audit`` finds nothing: every small group first, then the cheapest figures the narrow
    ranges rest on. A hidden figure stays hidden; a record set hidden in one place is hidden
    in every place."""
    protection = k - 1 if protection is None else protection
    problem = _Problem.of(figures)
    hidden = problem.hidden(figures) | set(problem.small(k))
    for number in problem.small(k):
        while True:
            low, high, binding = problem.range(number, hidden)
            if high - low >= protection - TOLERANCE:
                break
            candidates = [i for i in binding if problem.sets[i]]
            if not candidates:
                break  # only the "at least 1" of hidden figures bounds it; cannot widen more
            hidden.add(min(candidates, key=lambda i: (len(problem.sets[i]), i)))
    hide = {i for number in hidden for i in problem.places[number]}
    return [Published(f.where, f.records, None) if i in hide else f for i, f in enumerate(figures)]
