"""The differencing audit: what could anyone work out from everything published (R7, ADR 0011)?

Suppression inside one table (``suppression.py``) does not stop a reader from combining tables:
the whole period minus the years shown, an unfiltered table minus a filtered one. Statistics
offices check a release the way an attacker would attack it, by linear programming, and so does
this module.

Every published figure counts a set of records (participations). Records that every published
figure either counts together or leaves out together cannot be told apart, so they make one
*atom*, and the unknowns are the atoms' sizes, x >= 0. What the reader knows:

- a shown figure: the sum of its atoms equals the shown value;
- a hidden figure ("–"): nothing more than that the sum is at least 0, because a table that
  hides anything hides its zeros too (``tables``, ADR 0012).

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
from dataclasses import dataclass, replace

import highspy
import numpy as np
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
    # How readily ``protect`` hides it: a figure in a view with more filters goes first, so
    # that the whole period's and the unfiltered figures are the last to be hidden.
    detail: int = 0

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
    detail: list[int]  # per set, the least detail among the figures that publish it
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
        detail = [min(figures[i].detail for i in where) for where in places]
        return cls(sets, places, detail, matrix)

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

    def solver(self, hidden: set[int]) -> _Solver:
        return _Solver(self, hidden)


class _Solver:
    """One HiGHS model of what is shown: a row per shown set, an equality. A hidden set has no
    row at all: the atoms are non-negative anyway, so "at least 0" would say nothing, and rows
    that say nothing only slow the simplex down (a model of the shown rows alone solves ten times
    faster than one that keeps the hidden ones as free rows). Hiding a set deletes its row, and a
    range only changes the objective, so every solve starts warm from the last basis."""

    def __init__(self, problem: _Problem, hidden: set[int]) -> None:
        self.problem = problem
        self.hidden = set(hidden)
        self._highs: highspy.Highs | None = None
        self._rows: list[int] = []  # the set behind each row of the model
        self._objective: np.ndarray = np.zeros(0, dtype=np.int32)

    def hide(self, number: int) -> None:
        self.hidden.add(number)
        if self._highs is not None and number in self._rows:
            row = self._rows.index(number)
            self._highs.deleteRows(1, np.array([row], dtype=np.int32))
            del self._rows[row]  # the rows after it move up by one, in HiGHS as here

    def _model(self) -> highspy.Highs:
        if self._highs is not None:
            return self._highs
        highs = highspy.Highs()  # type: ignore[no-untyped-call]  # its __init__ is untyped
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("presolve", "off")
        atoms = self.problem.matrix.shape[1]
        highs.addVars(atoms, np.zeros(atoms), np.full(atoms, highspy.kHighsInf))
        self._rows = [n for n in range(len(self.problem.sets)) if n not in self.hidden]
        if self._rows:
            rows = self.problem.matrix[self._rows].tocsr()
            sizes = np.array([len(self.problem.sets[n]) for n in self._rows], dtype=float)
            highs.addRows(
                len(self._rows),
                sizes,
                sizes,
                rows.nnz,
                rows.indptr[:-1].astype(np.int32),
                rows.indices.astype(np.int32),
                rows.data,
            )
        self._highs, self._objective = highs, np.zeros(0, dtype=np.int32)
        return highs

    def range(
        self, number: int, *, narrower_than: float | None = None
    ) -> tuple[float, float, set[int]]:
        """The least and greatest size set ``number`` can have, and the shown sets the two
        bounds rest on. The greatest is solved first: if it is below ``narrower_than``, the range
        is too narrow whatever the least (at least 0), which is then not solved and given as 0."""
        highs = self._model()
        atoms = self.problem.matrix[number].indices.astype(np.int32)
        if len(self._objective):
            highs.changeColsCost(
                len(self._objective), self._objective, np.zeros(len(self._objective))
            )
        highs.changeColsCost(len(atoms), atoms, np.ones(len(atoms)))
        self._objective = atoms
        bounds: list[float] = []
        binding: set[int] = set()
        for sense in _SENSES:
            if sense == _LEAST and narrower_than is not None and bounds[0] < narrower_than:
                bounds.append(0.0)
                break
            highs.changeObjectiveSense(sense)
            highs.run()
            status = highs.getModelStatus()
            if status == highspy.HighsModelStatus.kUnknown:  # a warm start gone astray: afresh
                highs.clearSolver()
                highs.run()
                status = highs.getModelStatus()
            if status == highspy.HighsModelStatus.kUnbounded:
                bounds.append(float("inf"))
                continue
            if status != highspy.HighsModelStatus.kOptimal:
                raise RuntimeError(f"the audit's linear programme failed: {status}")
            bounds.append(highs.getInfo().objective_function_value)
            duals = np.asarray(highs.getSolution().row_dual)
            binding |= {self._rows[int(i)] for i in np.flatnonzero(np.abs(duals) > TOLERANCE)}
        high, low = bounds
        return low, high, binding


_LEAST = highspy.ObjSense.kMinimize
_SENSES = (highspy.ObjSense.kMaximize, _LEAST)


def audit(figures: Sequence[Published], *, k: int, protection: int | None = None) -> list[Finding]:
    """Every small group that is shown, or hidden with a feasible range narrower than
    ``protection``; once per record set, at the first place it is published."""
    protection = k - 1 if protection is None else protection
    problem = _Problem.of(figures)
    hidden = problem.hidden(figures)
    findings = []
    solver = problem.solver(hidden)
    for number in problem.small(k):
        if number not in hidden:  # a small group shown outright
            size = len(problem.sets[number])
            findings.append(Finding(figures[problem.places[number][0]], size, size))
            continue
        low, high, _binding = solver.range(number)
        if high - low < protection - TOLERANCE:
            findings.append(Finding(figures[problem.places[number][0]], low, high))
    return findings


def protect(
    figures: Sequence[Published], *, k: int, protection: int | None = None
) -> list[Published]:
    """The figures with more of them hidden, so that ``audit`` finds nothing: every small group
    first, then in rounds, for each small group whose range is still too narrow, the cheapest
    shown figure its range rests on. A hidden figure stays hidden; a record set hidden in one
    place is hidden in every place. Greedy, not minimal: it may hide more than needed."""
    protection = k - 1 if protection is None else protection
    problem = _Problem.of(figures)
    solver = problem.solver(problem.hidden(figures) | set(problem.small(k)))
    narrow = problem.small(k)
    while narrow:
        still = []
        for number in narrow:
            low, high, binding = solver.range(number, narrower_than=protection - TOLERANCE)
            if high - low >= protection - TOLERANCE:
                continue
            candidates = [i for i in binding if problem.sets[i]]
            if candidates:  # else nothing shown bounds it
                solver.hide(
                    min(candidates, key=lambda i: (-problem.detail[i], len(problem.sets[i]), i))
                )
                still.append(number)
        narrow = still
    hide = {i for number in solver.hidden for i in problem.places[number]}
    return [replace(f, shown=None) if i in hide else f for i, f in enumerate(figures)]
