"""FK's national follow-up of the Finsam associations (Uppföljning Finsam), the part Samla can
answer today: per activity of the year, its name, orientation, target groups, ESF flag, planned
participants and actual participants by sex, and for a structural activity the staff who took
part.

The actual participants come from ``ReportingYear.participants``, the suppressed table activity
× sex (R7): a small count is "–" here as on every page.

Extension point for the money (DOMAIN.md §5H): the finance issue adds its columns to
``ACTIVITY_COLUMNS`` (activity budget and actual, ESF activity cost), and the parts that are
not per activity (funds by financier, administration budget and actual) as ``Block``s in
``Followup.blocks()`` before the activities. The page, the CSV and the XLSX all print whatever
blocks there are, so nothing else needs to change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samla.organisations.models import Association
from samla.reports.yearly import ActivityLine, ReportingYear
from samla.statistics.tables import hidden_explanation

Cell = str | int | None


def _figure(line: ActivityLine, key: str) -> Cell:
    if line.participants is None:
        return None  # a structural activity has staff, not participants
    return line.participants[key].record()


def _total(reporting: ReportingYear, key: str) -> Cell:
    return reporting.totals()[key].record()


def _staff_total(reporting: ReportingYear) -> Cell:
    counts = [line.staff_total for line in reporting.lines() if line.staff_total is not None]
    return sum(counts) if counts else None


def _yes_no(value: bool) -> str:
    return gettext("Ja") if value else gettext("Nej")


@dataclass(frozen=True)
class Column:
    heading: str | Promise
    value: Callable[[ActivityLine], Cell]
    total: Callable[[ReportingYear], Cell] | None = None  # the column's figure in the total row
    number: bool = False


ACTIVITY_COLUMNS: list[Column] = [
    Column(_("Insats"), lambda line: line.activity.name),
    Column(_("Inriktning"), lambda line: str(line.activity.get_kind_display())),
    Column(_("Målgrupper"), lambda line: line.target_groups),
    Column(_("ESF-medfinansierad"), lambda line: _yes_no(line.activity.esf_cofunded)),
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


@dataclass(frozen=True)
class Block:
    """One table of the follow-up: a title, its columns, one row per line and a total row."""

    slug: str
    title: str
    columns: Sequence[Column]
    rows: list[list[Cell]]
    footer: list[Cell] | None = None


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

    def blocks(self) -> list[Block]:
        return [self.activities_block()]

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

    def records(self) -> list[Sequence[object]]:
        """Every block for CSV and XLSX: the title, then each block's title, headings, rows and
        total, and what "–" means if anything is hidden."""
        rows: list[Sequence[object]] = [[self.title], []]
        for block in self.blocks():
            rows.append([block.title])
            rows.append([str(column.heading) for column in block.columns])
            rows.extend(block.rows)
            if block.footer is not None:
                rows.append(block.footer)
            rows.append([])
        if self.any_hidden:
            rows.append([hidden_explanation(self.association.suppression_k)])
        return rows
