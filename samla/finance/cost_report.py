"""The cost report, in the shape FK's national follow-up of the Finsam associations asked for it:
funds by financier (state, region, municipalities, ESF, other: the municipalities summed or one
by one), the activity costs (budget, actual, variance, and the ESF activity cost of each), the
administrative costs, and the summary (funds minus costs, and the own capital at the year's end).

Everything is read from one ``Statement``, so the page, the CSV, the XLSX, the annual report and
the yearly export say the same. Money cells are ``Decimal`` (numbers in a spreadsheet, "1 234 kr"
on a page); a cell that is not known yet (no actual) is None, shown empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samla.finance.models import BudgetLine
from samla.finance.statement import Money, Statement

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Cell = str | int | Decimal | None


class Heading(Protocol):
    """What a block needs of a column (the follow-up's columns carry more)."""

    @property
    def heading(self) -> StrOrPromise: ...

    @property
    def number(self) -> bool: ...


@dataclass(frozen=True)
class Column:
    heading: str
    number: bool = False  # right-aligned; money when the cell is a Decimal


@dataclass(frozen=True)
class Block:
    """One table of a report: a title, its columns, one row per line and a total row. The page
    (``finance/_block.html``), the CSV and XLSX (``records``) and the PDF all print blocks."""

    slug: str
    title: str
    columns: Sequence[Heading]
    rows: list[list[Cell]]
    footer: list[Cell] | None = None

    def body(self) -> list[list[tuple[Cell, bool]]]:
        """Each row's cells paired with whether its column holds numbers."""
        return [self._paired(row) for row in self.rows]

    def total(self) -> list[tuple[Cell, bool]] | None:
        return None if self.footer is None else self._paired(self.footer)

    def _paired(self, row: Sequence[Cell]) -> list[tuple[Cell, bool]]:
        return [(cell, column.number) for cell, column in zip(row, self.columns, strict=True)]


def records(title: str, blocks: Sequence[Block], notes: Sequence[str] = ()) -> list[list[object]]:
    """The blocks for CSV and XLSX: the title, then each block's title, headings, rows and total,
    then the notes."""
    rows: list[list[object]] = [[title], []]
    for block in blocks:
        rows.append([block.title])
        rows.append([str(column.heading) for column in block.columns])
        rows.extend(list(row) for row in block.rows)
        if block.footer is not None:
            rows.append(list(block.footer))
        rows.append([])
    rows.extend([note] for note in notes)
    return rows


def _money_columns(*headings: str) -> list[Column]:
    return [Column(headings[0])] + [Column(h, number=True) for h in headings[1:]]


def _money(value: Money) -> list[Cell]:
    return [value.budget, value.actual, value.variance]


class CostReport:
    def __init__(self, statement: Statement, *, per_organisation: bool = False) -> None:
        self.statement = statement
        self.year = statement.year
        self.per_organisation = per_organisation

    @property
    def title(self) -> str:
        return gettext("Kostnadsrapport %(year)s, %(association)s") % {
            "year": self.year.year,
            "association": self.year.association.name,
        }

    def blocks(self) -> list[Block]:
        return [self.funds(), self.activity_costs(), self.administration(), self.summary()]

    def funds(self) -> Block:
        statement = self.statement
        rows: list[list[Cell]] = [
            [label, amount]
            for label, amount in statement.funds(per_organisation=self.per_organisation)
        ]
        return Block(
            slug="funds",
            title=gettext("Tillförda medel %(year)s per finansiär") % {"year": self.year.year},
            columns=_money_columns(gettext("Finansiär"), gettext("Belopp")),
            rows=rows,
            footer=[gettext("Summa tillförda medel"), statement.total_funds],
        )

    def activity_costs(self) -> Block:
        rows: list[list[Cell]] = []
        for entry in self.statement.activities:
            cost = entry.cost
            esf = entry.esf_cost
            rows.append(
                [
                    entry.name,
                    *(_money(Money(cost.budget, cost.actual)) if cost else [None, None, None]),
                    esf.budget if esf else None,
                    esf.actual if esf else None,
                    *_money(entry.total),
                ]
            )
        own = self.statement.cost_of(BudgetLine.Kind.ACTIVITY)
        esf_total = self.statement.cost_of(BudgetLine.Kind.ESF_ACTIVITY)
        both = self.statement.activity_costs
        return Block(
            slug="activities",
            title=gettext("Insatskostnader %(year)s") % {"year": self.year.year},
            columns=_money_columns(
                gettext("Insats"),
                gettext("Budget"),
                gettext("Utfall"),
                gettext("Avvikelse"),
                gettext("ESF-andel, budget"),
                gettext("ESF-andel, utfall"),
                gettext("Totalt, budget"),
                gettext("Totalt, utfall"),
                gettext("Totalt, avvikelse"),
            ),
            rows=rows,
            footer=[
                gettext("Summa insatskostnader"),
                *_money(own),
                esf_total.budget,
                esf_total.actual,
                *_money(both),
            ],
        )

    def administration(self) -> Block:
        lines = self.statement.administration
        return Block(
            slug="administration",
            title=gettext("Administrationskostnader %(year)s") % {"year": self.year.year},
            columns=_money_columns(
                gettext("Post"), gettext("Budget"), gettext("Utfall"), gettext("Avvikelse")
            ),
            rows=[[line.name, *_money(Money(line.budget, line.actual))] for line in lines],
            footer=[
                gettext("Summa administrationskostnader"),
                *_money(self.statement.administration_costs),
            ],
        )

    def summary(self) -> Block:
        statement = self.statement
        funds = statement.total_funds
        carried = statement.year.carried_over
        return Block(
            slug="summary",
            title=gettext("Sammanställning %(year)s") % {"year": self.year.year},
            columns=_money_columns(gettext("Post"), gettext("Budget"), gettext("Utfall")),
            rows=[
                _summed(gettext("Tillförda medel"), Money(funds, funds)),
                _summed(gettext("Insatskostnader"), -statement.activity_costs),
                _summed(gettext("Administrationskostnader"), -statement.administration_costs),
                _summed(gettext("Årets resultat (medel minus kostnader)"), statement.result),
                _summed(gettext("Eget kapital från föregående år"), Money(carried, carried)),
            ],
            footer=_summed(gettext("Eget kapital vid årets slut"), statement.capital_at_year_end),
        )

    def records(self) -> list[list[object]]:
        notes = [
            str(_("Avvikelse är budget minus utfall: positiv när mindre än budgeterat användes."))
        ]
        return records(self.title, self.blocks(), notes)


def _summed(label: str, value: Money) -> list[Cell]:
    """A summary row: its budget and its actual, no variance."""
    return [label, value.budget, value.actual]
