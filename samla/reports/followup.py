"""FK's national follow-up of the Finsam associations (Uppföljning Finsam), as Samla answers it:
the year's funds by financier and its administrative budget and actual (from the finance app's
cost report), then per activity of the year its name, orientation, target groups, ESF flag,
budget and actual (the activity cost and the ESF activity cost), planned participants and
actual participants by sex, and for a structural activity the staff who took part.

The actual participants come from ``ReportingYear.participants``, the suppressed table activity
× sex (R7): a small count is "–" here as on every page. The money comes from the same
``Statement`` as the cost report, so the two agree to the öre. A year the association does not
keep in Samla's finance has no money blocks and empty money columns, and the page says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samla.finance.cost_report import Block, CostReport, records
from samla.finance.models import BudgetLine
from samla.finance.statement import Money
from samla.organisations.models import Association
from samla.reports.yearly import ActivityLine, ReportingYear
from samla.statistics.tables import hidden_explanation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Cell = str | int | Decimal | None
Amount = Literal["budget", "actual"]


def _figure(line: ActivityLine, key: str) -> Cell:
    if line.participants is None:
        return None  # a structural activity has staff, not participants
    return line.participants[key].record()


def _total(reporting: ReportingYear, key: str) -> Cell:
    return reporting.totals()[key].record()


def _staff_total(reporting: ReportingYear) -> Cell:
    counts = [line.staff_total for line in reporting.lines() if line.staff_total is not None]
    return sum(counts) if counts else None


def _amount(entry: BudgetLine | Money, field: Amount) -> Decimal | None:
    return entry.budget if field == "budget" else entry.actual


def _line(line: ActivityLine, kind: BudgetLine.Kind, field: Amount) -> Cell:
    if line.money is None:
        return None
    entry = line.money.cost if kind == BudgetLine.Kind.ACTIVITY else line.money.esf_cost
    return None if entry is None else _amount(entry, field)


def _money_total(reporting: ReportingYear, kind: BudgetLine.Kind, field: Amount) -> Cell:
    if reporting.statement is None:
        return None
    return _amount(reporting.statement.cost_of(kind), field)


def _money_column(heading: StrOrPromise, kind: BudgetLine.Kind, field: Amount) -> Column:
    return Column(
        heading,
        lambda line: _line(line, kind, field),
        lambda reporting: _money_total(reporting, kind, field),
        number=True,
    )


def _yes_no(value: bool) -> str:
    return gettext("Ja") if value else gettext("Nej")


@dataclass(frozen=True)
class Column:
    heading: StrOrPromise
    value: Callable[[ActivityLine], Cell]
    total: Callable[[ReportingYear], Cell] | None = None  # the column's figure in the total row
    number: bool = False


ACTIVITY_COLUMNS: list[Column] = [
    Column(_("Insats"), lambda line: line.activity.name),
    Column(_("Inriktning"), lambda line: str(line.activity.get_kind_display())),
    Column(_("Målgrupper"), lambda line: line.target_groups),
    Column(_("ESF-medfinansierad"), lambda line: _yes_no(line.activity.esf_cofunded)),
    _money_column(_("Insatskostnad, budget"), BudgetLine.Kind.ACTIVITY, "budget"),
    _money_column(_("Insatskostnad, utfall"), BudgetLine.Kind.ACTIVITY, "actual"),
    _money_column(_("ESF-insatskostnad, budget"), BudgetLine.Kind.ESF_ACTIVITY, "budget"),
    _money_column(_("ESF-insatskostnad, utfall"), BudgetLine.Kind.ESF_ACTIVITY, "actual"),
    Column(
        _("Planerat antal deltagare"),
        lambda line: line.planned,
        lambda reporting: reporting.planned_total,
        number=True,
    ),
    Column(
        _("Deltagare, kvinnor"),
        lambda line: _figure(line, "F"),
        lambda reporting: _total(reporting, "F"),
        number=True,
    ),
    Column(
        _("Deltagare, män"),
        lambda line: _figure(line, "M"),
        lambda reporting: _total(reporting, "M"),
        number=True,
    ),
    Column(
        _("Deltagare, annat / ej angivet"),
        lambda line: _figure(line, "X"),
        lambda reporting: _total(reporting, "X"),
        number=True,
    ),
    Column(
        _("Deltagare, totalt"),
        lambda line: _figure(line, "total"),
        lambda reporting: _total(reporting, "total"),
        number=True,
    ),
    Column(
        _("Medverkande personal (strukturövergripande)"),
        lambda line: line.staff_total,
        _staff_total,
        number=True,
    ),
    Column(
        _("Personal per organisation"),
        lambda line: ", ".join(f"{s.organisation.name} {s.staff_count}" for s in line.staff),
    ),
]


class Followup:
    def __init__(self, association: Association, year: int) -> None:
        self.association, self.year = association, year
        self.reporting = ReportingYear(association, year)

    @property
    def title(self) -> str:
        return gettext("Uppföljning Finsam %(year)s, %(association)s") % {
            "year": self.year,
            "association": self.association.name,
        }

    @property
    def money(self) -> CostReport | None:
        statement = self.reporting.statement
        return CostReport(statement) if statement is not None else None

    def blocks(self) -> list[Block]:
        """Funds by financier and the administration (when the year's money is kept), then the
        activities."""
        money = self.money
        first = [money.funds(), money.administration()] if money is not None else []
        return [*first, self.activities_block()]

    def activities_block(self) -> Block:
        reporting = self.reporting
        rows = [[column.value(line) for column in ACTIVITY_COLUMNS] for line in reporting.lines()]
        footer: list[Cell] = [
            column.total(reporting) if column.total else None for column in ACTIVITY_COLUMNS
        ]
        footer[0] = gettext("Totalt")
        return Block(
            slug="activities",
            title=gettext("Insatser %(year)s") % {"year": self.year},
            columns=ACTIVITY_COLUMNS,
            rows=rows,
            footer=footer,
        )

    @property
    def any_hidden(self) -> bool:
        return self.reporting.participants.any_hidden

    def records(self) -> list[list[object]]:
        """Every block for CSV and XLSX, and what "–" means if anything is hidden."""
        notes = []
        if self.money is None:
            notes.append(gettext("Årets ekonomi är inte upplagd i Samla."))
        if self.any_hidden:
            notes.append(hidden_explanation(self.association.suppression_k))
        return records(self.title, self.blocks(), notes)
