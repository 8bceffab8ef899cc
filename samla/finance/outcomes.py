"""Cost per outcome: what the year's individual activities cost per participant, per started
participation and per exit to work or studies, per activity and in total, by sex.

    outcomes = CostPerOutcome(Statement(year))
    outcomes.tables                  # one ``OutcomeTable`` per measure, for finance/_outcomes.html
    outcomes.cost_per(STARTED, activity.pk, "F")    # a ``CostPer``: its count, amount and state
    outcomes.cost_per(EXITS, None, "total")         # None: the total row
    outcomes.count(PARTICIPANTS, activity.pk, "total")  # the suppressed count, a ``Figure``
    outcomes.records()               # header, one row per activity, the total row: CSV and XLSX
    outcomes.any_hidden, outcomes.note   # whether anything is "–", and what "–" means

The counts come from the statistics layer like every other figure about participants (R7): one
``Figures`` over the association's individual activities that run in the calendar year, three
tables activity × sex that the layer suppresses (participations active in the year, started in
it, ended in it to work or studies). The money comes from the ``Statement``: an activity's cost is
the actual of its activity cost and ESF activity cost lines; while no actual is known it has
none, and no cost per either ("utfall saknas"). The total row's cost is the sum of the actuals
that are known for the individual activities of the year, while its counts are the tables' totals
and so include an activity with no actual yet (``missing_actuals`` names them, and the page says
so); structural activities have no participants and are left out of both the rows and the total.

An activity's cost is shared among the sexes in proportion to its participants (cost × the sex's
participants ÷ all its participants), so its cost per participant is the same for every sex by
construction; what differs is the cost per started participation and per exit. Each amount is
rounded to whole kronor, half up.

The privacy rule: a cost per is the cost divided by a count, so anyone who knows the cost gets
the count back by dividing the other way. A cost per is therefore shown only when every count it
is worked from is shown in the suppressed tables: in the total column the measure's row total;
in a sex column the sex's participants, the row's participants and the measure's count for the
sex. Otherwise it is hidden ("–"), and a count hidden by the statistics layer stays hidden. A
count of 0 gives no cost per ("ej tillämpligt"), never a division by zero.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samla.finance.statement import Statement
from samla.indicators import dimensions as d
from samla.indicators.figures import WORK_OR_STUDIES, Figures, Filters, Scope
from samla.money import kronor
from samla.people.models import Sex
from samla.statistics.tables import HIDDEN, Category, Figure, Table, hidden_explanation

__all__ = [
    "COLUMNS",
    "EXITS",
    "MEASURES",
    "PARTICIPANTS",
    "STARTED",
    "TOTAL",
    "CostPer",
    "CostPerOutcome",
    "Measure",
    "OutcomeRow",
    "OutcomeTable",
    "State",
    "columns",
    "cost_per",
    "outcome_tables",
]

TOTAL = "total"
COLUMNS = (Sex.WOMAN.value, Sex.MAN.value, Sex.OTHER.value, TOTAL)  # the keys, in table order
WHOLE_KRONOR = Decimal(1)

Record = list[str | int | Decimal | None]


@dataclass(frozen=True)
class Measure:
    """What a cost is divided by."""

    slug: str
    label: str | Promise  # "Deltagare": the count's heading
    per: str | Promise  # "Kostnad per deltagare": the cost per's heading
    each: str | Promise  # "Kr per deltagare": the cost per's heading under a sex
    title: str | Promise  # the suppressed count table's title


PARTICIPANTS = Measure(
    "participants",
    _("Deltagare"),
    _("Kostnad per deltagare"),
    _("Kr per deltagare"),
    _("Deltaganden under året, per insats och kön"),
)
STARTED = Measure(
    "started",
    _("Påbörjade deltaganden"),
    _("Kostnad per påbörjat deltagande"),
    _("Kr per påbörjat"),
    _("Deltaganden som påbörjades under året, per insats och kön"),
)
EXITS = Measure(
    "exits",
    _("Avslut till arbete eller studier"),
    _("Kostnad per avslut till arbete eller studier"),
    _("Kr per avslut"),
    _("Avslut till arbete eller studier under året, per insats och kön"),
)
MEASURES = (PARTICIPANTS, STARTED, EXITS)


def columns() -> list[Category]:
    """The columns with their headings, in the language of the moment."""
    labels = {
        Sex.WOMAN.value: gettext("Kvinnor"),
        Sex.MAN.value: gettext("Män"),
        Sex.OTHER.value: gettext("Annat / vill inte ange"),
        TOTAL: gettext("Totalt"),
    }
    return [Category(key, labels[key]) for key in COLUMNS]


class State(enum.Enum):
    SHOWN = "shown"
    HIDDEN = "hidden"  # a count it is worked from is hidden
    NOT_APPLICABLE = "not_applicable"  # a count it is worked from is 0
    NO_ACTUAL = "no_actual"  # the cost is not known yet


@dataclass(frozen=True)
class CostPer:
    count: Figure  # the measure's count in this row and column, as the suppressed table shows it
    amount: Decimal | None  # whole kronor; only when shown
    state: State

    @property
    def shown(self) -> bool:
        return self.state is State.SHOWN

    @property
    def hidden(self) -> bool:
        return self.state is State.HIDDEN

    def __str__(self) -> str:
        if self.state is State.SHOWN:
            return kronor(self.amount)
        if self.state is State.HIDDEN:
            return HIDDEN
        if self.state is State.NOT_APPLICABLE:
            return gettext("ej tillämpligt")
        return gettext("utfall saknas")

    def record(self) -> int | str:
        """A number, "–" when hidden, "" when there is none to give."""
        if self.amount is not None:
            return int(self.amount)
        return HIDDEN if self.state is State.HIDDEN else ""


def cost_per(
    cost: Decimal | None, count: Figure, allocation: tuple[Figure, Figure] | None = None
) -> CostPer:
    """``cost`` ÷ ``count`` in whole kronor, or the reason there is none.

    ``allocation`` is (part, whole) when the cost is shared: a sex's participants and all the
    row's participants. Every figure must be shown for the result to be, and none may be 0.
    """
    if cost is None:
        return CostPer(count, None, State.NO_ACTUAL)
    figures = (count, *(allocation or ()))
    if not all(figure.shown for figure in figures):
        return CostPer(count, None, State.HIDDEN)
    values = [figure.value for figure in figures if figure.value is not None]
    if 0 in values:
        return CostPer(count, None, State.NOT_APPLICABLE)
    divisor, *shared = values
    if shared:
        part, whole = shared
        amount = cost * part / (whole * divisor)
    else:
        amount = cost / divisor
    return CostPer(count, amount.quantize(WHOLE_KRONOR, rounding=ROUND_HALF_UP), State.SHOWN)


@dataclass(frozen=True)
class OutcomeRow:
    label: str
    activity_id: int | None  # None for the total row
    cost: Decimal | None  # the actual, None while unknown
    cells: tuple[CostPer, ...]  # in the order of ``COLUMNS``

    def cell(self, column: str) -> CostPer:
        return self.cells[COLUMNS.index(column)]


@dataclass(frozen=True)
class OutcomeTable:
    """One measure's cost per, per activity and in total, by sex, with its counts."""

    measure: Measure
    title: str
    rows: tuple[OutcomeRow, ...]
    total: OutcomeRow
    counts: Table  # the suppressed table of the measure's counts it was worked from

    @property
    def any_hidden(self) -> bool:
        """Whether a count or a cost per that the table shows is "–"."""
        cells = [cell for row in (*self.rows, self.total) for cell in row.cells]
        return any(cell.hidden or not cell.count.shown for cell in cells)


def _figures(table: Table, row: str | None) -> dict[str, Figure]:
    """A row's figures by column key (``None``: the total row)."""
    if row is None:
        found = {key: table.column_total(key) for key in COLUMNS if key != TOTAL}
        return found | {TOTAL: table.total}
    found = {key: table.cell(row, key) for key in COLUMNS if key != TOTAL}
    return found | {TOTAL: table.row_total(row)}


def _row(
    label: str,
    row: str | None,
    cost: Decimal | None,
    counts: Table,
    participants: Table,
) -> OutcomeRow:
    measured, shared = _figures(counts, row), _figures(participants, row)
    cells = tuple(
        cost_per(cost, measured[key])
        if key == TOTAL
        else cost_per(cost, measured[key], (shared[key], shared[TOTAL]))
        for key in COLUMNS
    )
    return OutcomeRow(label, None if row is None else int(row), cost, cells)


def outcome_tables(
    counts: Mapping[str, Table], costs: Mapping[str, Decimal | None], *, year: int
) -> list[OutcomeTable]:
    """The cost per of each measure, from the suppressed counts (by measure slug, each activity
    × sex with the same rows) and the activities' costs (by row key; missing means unknown).
    Pure: no query, so the privacy rule can be tried on any table."""
    participants = counts[PARTICIPANTS.slug]
    known = [cost for r in participants.rows if (cost := costs.get(r.key)) is not None]
    total_cost = sum(known, Decimal(0)) if known else None
    tables = []
    for measure in MEASURES:
        table = counts[measure.slug]
        rows = tuple(
            _row(r.label, r.key, costs.get(r.key), table, participants) for r in participants.rows
        )
        tables.append(
            OutcomeTable(
                measure=measure,
                title=gettext("%(per)s %(year)s, per insats och kön")
                % {"per": measure.per, "year": year},
                rows=rows,
                total=_row(gettext("Totalt"), None, total_cost, table, participants),
                counts=table,
            )
        )
    return tables


class CostPerOutcome:
    """The cost per outcome of one financial year (see the module's docstring)."""

    measures = MEASURES

    def __init__(self, statement: Statement) -> None:
        self.statement = statement
        self.year = statement.year.year
        self.association = statement.year.association
        self.k = self.association.suppression_k

    @property
    def columns(self) -> list[Category]:
        return columns()

    @cached_property
    def scope(self) -> Scope:
        """The association's individual activities that run in the year, over the year."""
        title = gettext("Räkenskapsåret %(year)s") % {"year": self.year}
        return Scope.of_year(self.association, self.year, title=title)

    @cached_property
    def figures(self) -> Figures:
        return Figures(self.scope, Filters(year=self.year))

    @cached_property
    def counts(self) -> dict[str, Table]:
        """The suppressed counts, activity × sex, by measure slug: one query each."""
        f = self.figures
        querysets = {
            PARTICIPANTS.slug: f.active(),
            STARTED.slug: f.started(),
            EXITS.slug: f.ended().filter(exit_reason__in=WORK_OR_STUDIES),
        }
        return {
            measure.slug: f.table(querysets[measure.slug], str(measure.title), d.ACTIVITY, d.SEX)
            for measure in MEASURES
        }

    @cached_property
    def costs(self) -> dict[str, Decimal | None]:
        """Each activity's actual cost (activity cost and ESF activity cost), by row key."""
        return {str(entry.activity_id): entry.total.actual for entry in self.statement.activities}

    @cached_property
    def tables(self) -> list[OutcomeTable]:
        return outcome_tables(self.counts, self.costs, year=self.year)

    def table(self, measure: Measure) -> OutcomeTable:
        return next(t for t in self.tables if t.measure.slug == measure.slug)

    def row(self, measure: Measure, activity_id: int | None) -> OutcomeRow:
        """An activity's row, or the total row for ``None``."""
        table = self.table(measure)
        if activity_id is None:
            return table.total
        return next(r for r in table.rows if r.activity_id == activity_id)

    def cost_per(self, measure: Measure, activity_id: int | None, column: str) -> CostPer:
        return self.row(measure, activity_id).cell(column)

    def count(self, measure: Measure, activity_id: int | None, column: str) -> Figure:
        return self.cost_per(measure, activity_id, column).count

    @property
    def total_cost(self) -> Decimal | None:
        return self.table(PARTICIPANTS).total.cost

    @property
    def missing_actuals(self) -> list[str]:
        """The activities of the year with no actual cost yet, by name."""
        return [row.label for row in self.table(PARTICIPANTS).rows if row.cost is None]

    @property
    def any_hidden(self) -> bool:
        return any(table.any_hidden for table in self.tables)

    @property
    def note(self) -> str:
        """What "–" means, when anything is hidden."""
        return hidden_explanation(self.k) if self.any_hidden else ""

    def records(self) -> list[Record]:
        """Header, one row per activity and the total row, for CSV and XLSX: the cost, then for
        each measure and column its count and its cost per. A cell is a number, "–" when
        hidden, or "" when there is none (no actual yet, or a count of 0)."""
        header: Record = [gettext("Insats"), gettext("Kostnad, utfall (kr)")]
        for measure in MEASURES:
            for column in columns():
                header.append(f"{measure.label}, {column.label.lower()}")
                header.append(f"{measure.per} (kr), {column.label.lower()}")
        participants = self.table(PARTICIPANTS)
        lines = [*participants.rows, participants.total]
        result = [header]
        for line in lines:
            record: Record = [line.label, "" if line.cost is None else line.cost]
            for measure in MEASURES:
                for cell in self.row(measure, line.activity_id).cells:
                    record += [cell.count.record(), cell.record()]
            result.append(record)
        return result
