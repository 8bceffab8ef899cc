"""The differencing audit finds what a reader could work out across tables, and ``protect``
hides until it finds nothing (issue 14 item 1, ADR 0011)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from samla.statistics.audit import Published, audit, protect
from samla.statistics.suppression import suppress

K = 5


def records(start: int, n: int) -> frozenset[int]:
    return frozenset(range(start, start + n))


def test_the_period_minus_the_years_shown_gives_the_hidden_year() -> None:
    """The issue's case: Nora women, 21 in the period, 2011 shows 7 and 2012 shows 11, so the
    hidden 2010 is 3."""
    y2010, y2011, y2012 = records(0, 3), records(3, 7), records(10, 11)
    figures = [
        Published("2010, Nora, kvinnor", y2010, None),
        Published("2011, Nora, kvinnor", y2011, 7),
        Published("2012, Nora, kvinnor", y2012, 11),
        Published("Hela perioden, Nora, kvinnor", y2010 | y2011 | y2012, 21),
    ]

    (finding,) = audit(figures, k=K)

    assert finding.figure.where == "2010, Nora, kvinnor"
    assert (finding.low, finding.high) == (3, 3)
    assert "egentligen 3, kan räknas fram till 3–3" in str(finding)


def test_a_small_group_shown_outright_is_a_finding() -> None:
    (finding,) = audit([Published("Nora", records(0, 2), 2)], k=K)
    assert (finding.low, finding.high) == (2, 2)


def test_hidden_ones_around_a_cycle_move_but_their_difference_is_found() -> None:
    """Four hidden 1s in a 2×2 table: a "–" may be 0 (a table that hides anything hides its
    zeros), so each can be 0 to 4 — but their total, 4, is the difference of two shown figures
    in another table. Suppression within one table does not see this."""
    a, b, c, d = (records(i, 1) for i in range(4))
    figures = [
        Published("a", a, None),
        Published("b", b, None),
        Published("c", c, None),
        Published("d", d, None),
        Published("rad 1", a | b, None),
        Published("rad 2", c | d, None),
        Published("kolumn 1", a | c, None),
        Published("kolumn 2", b | d, None),
        Published("totalt", a | b | c | d, None),
        Published("annat", records(10, 20), 20),
        Published("allt", a | b | c | d | records(10, 20), 24),
    ]
    assert {finding.figure.where for finding in audit(figures, k=K)} == {"totalt"}


def test_a_hidden_group_with_wide_partners_passes() -> None:
    small, large = records(0, 2), records(2, 30)
    other_small, other_large = records(40, 3), records(43, 25)
    figures = [
        Published("kvinnor Nora", small, None),
        Published("män Nora", large, None),
        Published("kvinnor Lindesberg", other_large, None),
        Published("män Lindesberg", other_small, None),
        Published("Nora", small | large, 32),
        Published("Lindesberg", other_small | other_large, 28),
        Published("kvinnor", small | other_large, 27),
        Published("män", large | other_small, 33),
    ]
    assert audit(figures, k=K) == []


def test_protect_hides_the_cheapest_figure_the_difference_rests_on() -> None:
    y2010, y2011, y2012 = records(0, 3), records(3, 7), records(10, 11)
    figures = [
        Published("2010", y2010, None),
        Published("2011", y2011, 7),
        Published("2012", y2012, 11),
        Published("perioden", y2010 | y2011 | y2012, 21),
    ]

    protected = protect(figures, k=K)

    assert [f.shown for f in protected] == [None, None, 11, 21]
    assert audit(protected, k=K) == []


def test_a_set_hidden_in_one_place_is_hidden_everywhere() -> None:
    y2010, y2011 = records(0, 3), records(3, 7)
    figures = [
        Published("tabell 1: 2010", y2010, None),
        Published("tabell 1: 2011", y2011, 7),
        Published("tabell 1: totalt", y2010 | y2011, 10),
        Published("tabell 2: 2011", y2011, 7),
    ]
    protected = protect(figures, k=K)
    assert [f.shown for f in protected] == [None, None, 10, None]


# --- generated data: every filter of a small cube, each view suppressed on its own ---

Record = tuple[int, int, int]  # year, municipality, sex


def views(people: Sequence[Record]) -> Iterator[Published]:
    """What a dashboard publishes: for every filter of year (or the whole period), a table of
    municipality × sex with its margins, each suppressed within itself as the site does."""
    years = sorted({p[0] for p in people}) or [0]
    for year in (None, *years):
        chosen = [i for i, p in enumerate(people) if year is None or p[0] == year]
        cells = [
            [frozenset(i for i in chosen if people[i][1:] == (m, s)) for s in range(2)]
            for m in range(3)
        ]
        result = suppress([[len(c) for c in line] for line in cells], K, width=2)
        name = "perioden" if year is None else str(year)
        for m, s in itertools.product(range(3), range(2)):
            yield _figure(f"{name} {m}{s}", cells[m][s], result.body[m][s].hidden)
        for m in range(3):
            yield _figure(f"{name} {m}", cells[m][0] | cells[m][1], result.row_totals[m].hidden)
        for s in range(2):
            column = frozenset().union(*(line[s] for line in cells))
            yield _figure(f"{name} kön {s}", column, result.column_totals[s].hidden)
        yield _figure(f"{name} totalt", frozenset(chosen), result.total.hidden)


def _figure(where: str, members: frozenset[int], hidden: bool) -> Published:
    return Published(where, members, None if hidden else len(members))


people_strategy = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 1)), min_size=5, max_size=60
)


@settings(max_examples=25, deadline=None)
@given(people_strategy)
def test_protect_leaves_nothing_for_the_audit_to_find(people: list[Record]) -> None:
    figures = list(views(people))
    protected = protect(figures, k=K)
    assert audit(protected, k=K) == []
    for before, after in zip(figures, protected, strict=True):
        assert after.shown is None or after.shown == before.shown
        assert before.shown is not None or after.shown is None


def test_suppression_within_each_view_alone_leaves_leaks() -> None:
    """Why the audit is needed: on generated small associations, per-table suppression leaves
    small groups that the other years and the whole period give away."""
    rng = random.Random(14)
    leaky = 0
    for _ in range(10):
        people = [(rng.randrange(3), rng.randrange(3), rng.randrange(2)) for _ in range(40)]
        leaky += bool(audit(list(views(people)), k=K))
    assert leaky >= 5
