"""One financial year as every page, export and report reads it: who contributes what, the funds
by financier, the costs (budget, actual, variance) and the result.

The members' contributions are never stored as amounts: they follow from the year's total, its
three shares and its municipal key, split to the öre by ``samla.money.split`` so that the parts
always add up to the whole (first state/region/municipalities, then the municipalities' part by
the key). The same ``Statement`` feeds the year's page, the cost report, the annual report and the
national follow-up, so they can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property

from django.db import models
from django.utils.translation import gettext_lazy as _

from samla.finance.models import BudgetLine, FinancialYear, MunicipalKey, OtherIncome
from samla.money import split
from samla.organisations.models import AssociationMember, Organisation

ZERO = Decimal("0.00")


class Financier(models.TextChoices):
    STATE = "state", _("Staten (Försäkringskassan)")
    REGION = "region", _("Regionen")
    MUNICIPALITIES = "municipalities", _("Kommunerna")
    ESF = "esf", _("ESF")
    OTHER = "other", _("Övriga")


@dataclass(frozen=True)
class Contribution:
    financier: Financier
    organisation: Organisation | None  # None: no member organisation stands for it
    share: Decimal  # per cent of the members' total
    amount: Decimal

    @property
    def label(self) -> str:
        return str(self.organisation) if self.organisation else str(self.financier.label)


@dataclass(frozen=True)
class Money:
    """A budget and, once known, its actual."""

    budget: Decimal
    actual: Decimal | None

    @property
    def variance(self) -> Decimal | None:
        """Budget minus actual: positive when less was spent than budgeted."""
        return None if self.actual is None else self.budget - self.actual

    def __neg__(self) -> Money:
        return Money(-self.budget, None if self.actual is None else -self.actual)

    def __add__(self, other: Money) -> Money:
        if self.actual is None and other.actual is None:
            actual = None
        else:
            actual = (self.actual or ZERO) + (other.actual or ZERO)
        return Money(self.budget + other.budget, actual)


NOTHING = Money(ZERO, None)


def total(lines: Iterable[Money | BudgetLine]) -> Money:
    result = NOTHING
    for line in lines:
        result = result + Money(line.budget, line.actual)
    return result


@dataclass(frozen=True)
class ActivityMoney:
    """One activity's two lines in the year: its activity cost and its ESF activity cost."""

    activity_id: int
    name: str
    esf_cofunded: bool
    cost: BudgetLine | None
    esf_cost: BudgetLine | None

    @property
    def lines(self) -> list[BudgetLine]:
        return [line for line in (self.cost, self.esf_cost) if line is not None]

    @property
    def total(self) -> Money:
        return total(self.lines)


def municipal_members(association_id: int) -> list[Organisation]:
    """The member municipalities, which share the municipalities' part."""
    return list(
        Organisation.objects.filter(
            association_memberships__association_id=association_id,
            association_memberships__kind=AssociationMember.Kind.MEMBER,
            kind=Organisation.Kind.MUNICIPALITY,
        ).order_by("name")
    )


class Statement:
    def __init__(self, year: FinancialYear) -> None:
        self.year = year

    @cached_property
    def members(self) -> dict[str, Organisation]:
        """The member standing for the state (Försäkringskassan) and for the region."""
        found: dict[str, Organisation] = {}
        for organisation in Organisation.objects.filter(
            association_memberships__association_id=self.year.association_id,
            association_memberships__kind=AssociationMember.Kind.MEMBER,
            kind__in=[Organisation.Kind.SOCIAL_INSURANCE, Organisation.Kind.REGION],
        ).order_by("name"):
            found.setdefault(organisation.kind, organisation)
        return found

    @cached_property
    def key(self) -> list[tuple[Organisation, Decimal]]:
        """The municipalities and their weights in the year's key, as stored with the year."""
        weights = []
        for row in self.year.municipal_shares.select_related("organisation"):
            value = (
                row.population if self.year.municipal_key == MunicipalKey.POPULATION else row.share
            )
            weights.append((row.organisation, Decimal(value or 0)))
        return weights

    @cached_property
    def contributions(self) -> list[Contribution]:
        """Each financier's part of the members' total, the municipalities one by one, to the öre;
        the amounts add up to ``year.contributions`` exactly."""
        year = self.year
        shares = (year.state_share, year.region_share, year.municipal_share)
        state, region, municipal = split(year.contributions, shares)
        result = [
            Contribution(
                Financier.STATE,
                self.members.get(Organisation.Kind.SOCIAL_INSURANCE),
                year.state_share,
                state,
            ),
            Contribution(
                Financier.REGION,
                self.members.get(Organisation.Kind.REGION),
                year.region_share,
                region,
            ),
        ]
        weights = [weight for _organisation, weight in self.key]
        if sum(weights) <= 0:
            result.append(
                Contribution(Financier.MUNICIPALITIES, None, year.municipal_share, municipal)
            )
            return result
        whole = sum(weights)
        for (organisation, weight), amount in zip(self.key, split(municipal, weights), strict=True):
            share = (year.municipal_share * weight / whole).quantize(Decimal("0.001"))
            result.append(Contribution(Financier.MUNICIPALITIES, organisation, share, amount))
        return result

    @cached_property
    def other_incomes(self) -> list[OtherIncome]:
        return list(self.year.other_incomes.all())

    def funds(self, *, per_organisation: bool = False) -> list[tuple[str, Decimal]]:
        """Funds by financier: state, region, municipalities (summed, or one by one), ESF and
        other; the own capital carried over is not a fund of the year and is left out."""
        sums = self.by_financier()
        rows: list[tuple[str, Decimal]] = []
        for financier in Financier:
            if financier == Financier.MUNICIPALITIES and per_organisation:
                rows += [
                    (c.label, c.amount) for c in self.contributions if c.financier == financier
                ]
            else:
                rows.append((str(financier.label), sums[financier]))
        return rows

    def by_financier(self) -> dict[Financier, Decimal]:
        sums = {financier: ZERO for financier in Financier}
        for contribution in self.contributions:
            sums[contribution.financier] += contribution.amount
        for income in self.other_incomes:
            financier = Financier.ESF if income.kind == OtherIncome.Kind.ESF else Financier.OTHER
            sums[financier] += income.amount
        return sums

    @property
    def total_funds(self) -> Decimal:
        """The members' total (which their parts add up to exactly) and the other income."""
        return self.year.contributions + sum((i.amount for i in self.other_incomes), ZERO)

    @cached_property
    def lines(self) -> list[BudgetLine]:
        """The year's lines with their activities (prefetched by ``FinancialYear.objects.read``
        for a list of years)."""
        if "budget_lines" in getattr(self.year, "_prefetched_objects_cache", {}):
            return list(self.year.budget_lines.all())
        return list(self.year.budget_lines.select_related("activity"))

    @property
    def administration(self) -> list[BudgetLine]:
        return [line for line in self.lines if line.kind == BudgetLine.Kind.ADMINISTRATION]

    @cached_property
    def activities(self) -> list[ActivityMoney]:
        """Every activity with a line in the year, by name."""
        found: dict[int, ActivityMoney] = {}
        for line in self.lines:
            if line.activity is None:
                continue
            entry = found.get(line.activity.pk) or ActivityMoney(
                line.activity.pk, line.activity.name, line.activity.esf_cofunded, None, None
            )
            if line.kind == BudgetLine.Kind.ACTIVITY:
                found[line.activity.pk] = replace(entry, cost=line)
            else:
                found[line.activity.pk] = replace(entry, esf_cost=line)
        return sorted(found.values(), key=lambda entry: (entry.name, entry.activity_id))

    def cost_of(self, kind: BudgetLine.Kind) -> Money:
        return total(line for line in self.lines if line.kind == kind)

    @property
    def activity_costs(self) -> Money:
        return self.cost_of(BudgetLine.Kind.ACTIVITY) + self.cost_of(BudgetLine.Kind.ESF_ACTIVITY)

    @property
    def administration_costs(self) -> Money:
        return self.cost_of(BudgetLine.Kind.ADMINISTRATION)

    @property
    def costs(self) -> Money:
        return self.activity_costs + self.administration_costs

    @property
    def result(self) -> Money:
        """Funds minus costs, budgeted and actual (the actual once any actual cost is known)."""
        costs = self.costs
        funds = self.total_funds
        return Money(funds - costs.budget, None if costs.actual is None else funds - costs.actual)

    @property
    def capital_at_year_end(self) -> Money:
        result = self.result
        carried = self.year.carried_over
        return Money(
            carried + result.budget, None if result.actual is None else carried + result.actual
        )
