"""One year of an association's activities, as both yearly reports tell it: the annual report
and FK's national follow-up (Uppföljning Finsam).

An activity belongs to the year if its period touches the calendar year. Its participants are
the participations active in the year (``Referral.objects.under_way``), counted per activity and
sex in one table that the statistics layer suppresses (R7): the two reports
read the same table, so they can never disagree, and a small count is "–" in both. The year's
money is the finance app's ``Statement``, read once, the same object as the cost report's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.db.models import Min
from django.utils.translation import gettext as _

from samla.activities.models import Activity, ActivityYear, StructuralParticipation
from samla.finance.models import FinancialYear
from samla.finance.statement import ActivityMoney, Statement
from samla.indicators import dimensions as d
from samla.indicators.figures import Figures, Filters, Scope
from samla.organisations.models import Association
from samla.people.models import Sex
from samla.statistics.tables import Figure, Table

SEXES = (Sex.WOMAN, Sex.MAN, Sex.OTHER)


def first_year(association: Association, today: date) -> int:
    """The first year the association had an activity (this year if it has none yet)."""
    first = Activity.objects.filter(association=association).aggregate(first=Min("starts_on"))
    return first["first"].year if first["first"] else today.year


@dataclass(frozen=True)
class ActivityLine:
    """One activity in the year. For an individual activity, its participants by sex as the
    suppressed table shows them; a structural one has no participants but staff counts."""

    activity: Activity
    planned: int | None
    participants: dict[str, Figure] | None  # by sex key, and "total"; None if structural
    staff: tuple[StructuralParticipation, ...]
    money: ActivityMoney | None = None  # its budget lines of the year, if the year is kept

    @property
    def staff_total(self) -> int | None:
        if not self.activity.is_structural:
            return None
        return sum(s.staff_count for s in self.staff)

    @property
    def target_groups(self) -> str:
        return ", ".join(group.name for group in self.activity.target_groups.all())

    @property
    def period(self) -> str:
        end = f"{self.activity.ends_on:%Y-%m-%d}" if self.activity.ends_on else _("tills vidare")
        return f"{self.activity.starts_on:%Y-%m-%d} – {end}"


class ReportingYear:
    """The association's activities in one year and their participants, read once."""

    def __init__(self, association: Association, year: int) -> None:
        self.association, self.year = association, year
        self.first, self.last = date(year, 1, 1), date(year, 12, 31)

    @cached_property
    def activities(self) -> list[Activity]:
        return list(
            Activity.objects.filter(association=self.association)
            .active_in(self.year)
            .select_related("provider")
            .prefetch_related("target_groups")
            .order_by("kind", "name")
        )

    @cached_property
    def scope(self) -> Scope:
        """The individual activities of the year, over the calendar year: what the dashboard's
        figures and tables count for this report."""
        title = _("Verksamhetsåret %(year)s") % {"year": self.year}
        return Scope.of_year(self.association, self.year, title=title)

    @cached_property
    def filters(self) -> Filters:
        return Filters(year=self.year)

    @cached_property
    def figures(self) -> Figures:
        return Figures(self.scope, self.filters)

    @cached_property
    def participants(self) -> Table:
        """Participations active in the year, per activity and sex, suppressed."""
        return self.figures.table(
            self.figures.active(),
            _("Deltaganden under året, per insats och kön"),
            d.ACTIVITY,
            d.SEX,
        )

    @cached_property
    def by_sex(self) -> Table:
        return self.figures.table(
            self.figures.active(), _("Deltaganden under året, per kön"), d.SEX
        )

    @cached_property
    def planned(self) -> dict[int, int | None]:
        return dict(
            ActivityYear.objects.filter(
                activity__in=[a.pk for a in self.activities], year=self.year
            ).values_list("activity_id", "planned_participants")
        )

    @cached_property
    def statement(self) -> Statement | None:
        """The year's money, if the association keeps the year in Samla."""
        year = FinancialYear.objects.filter(association=self.association, year=self.year).first()
        return Statement(year) if year is not None else None

    @cached_property
    def money(self) -> dict[int, ActivityMoney]:
        if self.statement is None:
            return {}
        return {entry.activity_id: entry for entry in self.statement.activities}

    @cached_property
    def staff(self) -> dict[int, tuple[StructuralParticipation, ...]]:
        found: dict[int, list[StructuralParticipation]] = defaultdict(list)
        for row in StructuralParticipation.objects.filter(
            activity__in=[a.pk for a in self.activities if a.is_structural], year=self.year
        ).select_related("organisation"):
            found[row.activity_id].append(row)
        return {pk: tuple(rows) for pk, rows in found.items()}

    def lines(self) -> list[ActivityLine]:
        return [self._line(activity) for activity in self.activities]

    def _line(self, activity: Activity) -> ActivityLine:
        participants = None
        if not activity.is_structural:
            key = str(activity.pk)
            participants = {sex.value: self.participants.cell(key, sex.value) for sex in SEXES}
            participants["total"] = self.participants.row_total(key)
        return ActivityLine(
            activity=activity,
            planned=self.planned.get(activity.pk),
            participants=participants,
            staff=self.staff.get(activity.pk, ()),
            money=self.money.get(activity.pk),
        )

    def totals(self) -> dict[str, Figure]:
        """The participants of all individual activities, by sex and in total, suppressed."""
        table = self.participants
        totals = {sex.value: table.column_total(sex.value) for sex in SEXES}
        totals["total"] = table.total
        return totals

    @property
    def planned_total(self) -> int | None:
        values = [v for v in self.planned.values() if v is not None]
        return sum(values) if values else None
