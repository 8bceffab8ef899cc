"""The demo's money (docs/domain.md §5H, §8), written through ``samla.finance.actions`` by each
association's office login, so that every rule and audit row of real bookkeeping holds.

- Sofint, the SAMS years 2010–2013: the seed's total budget of 24 338 177 kr, of which ESF
  9 711 491 kr, spread over the years as the activity's planned participants are; the ESF money
  is both an income and the ESF activity cost. This year: the shared training. Every past year has
  its actuals.
- Östra Södertörn, from two years back to this year: Mia Vidare's budget; actuals for the past
  years.

Each year has the members' contributions at 50/25/25 with the municipalities' part split by
population, administration lines, and the board's decision to grant each activity its budget.
Actuals are the budget give or take a few per cent, the same on every run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from samla.accounts.models import User
from samla.activities.models import Activity
from samla.demo.activities import (
    MIA_VIDARE,
    SAMS,
    SAMS_YEARS,
    TRAINING,
    mia_vidare_years,
)
from samla.demo.logins import OSTRA_SODERTORN, SOFINT
from samla.finance import actions
from samla.finance.models import BudgetLine, FinancialYear, OtherIncome
from samla.money import split, to_ore
from samla.organisations.models import Association

SAMS_ESF = Decimal("9711491")
TRAINING_BUDGET = Decimal("350000")
MARGIN = Decimal("150000")  # what the members pay over the year's budgeted costs
# The association's own running costs, per year: the office and the board and audit.
ADMINISTRATION = (
    ("Kansli", "ADM-1", Decimal("1400000")),
    ("Styrelse och revision", "ADM-2", Decimal("180000")),
)
# Actual against budget, by line and year: a few per cent over or under.
DRIFT = (Decimal("0.97"), Decimal("1.02"), Decimal("0.99"), Decimal("1.04"), Decimal("0.95"))


def build_finance(*, today: date, populations: dict[str, int]) -> Counter[str]:
    counts: Counter[str] = Counter()
    sofint = Association.objects.get(short_name=SOFINT)
    sams = Activity.objects.get(association=sofint, name=SAMS)
    esf_parts = split(SAMS_ESF, [planned for _year, _budget, planned in SAMS_YEARS])
    for (year, budget, _planned), esf in zip(SAMS_YEARS, esf_parts, strict=True):
        costs = [
            (sams, BudgetLine.Kind.ACTIVITY, budget - esf),
            (sams, BudgetLine.Kind.ESF_ACTIVITY, esf),
        ]
        counts += _year(sofint, year, costs, esf, populations, today)
    training = Activity.objects.filter(association=sofint, name=TRAINING).first()
    if training is not None:
        costs = [(training, BudgetLine.Kind.ACTIVITY, TRAINING_BUDGET)]
        counts += _year(sofint, today.year, costs, None, populations, today)

    ostra = Association.objects.get(short_name=OSTRA_SODERTORN)
    mia = Activity.objects.get(association=ostra, name=MIA_VIDARE)
    for year, budget, _planned in mia_vidare_years(today):
        costs = [(mia, BudgetLine.Kind.ACTIVITY, budget)]
        counts += _year(ostra, year, costs, None, populations, today)
    return counts


def _year(
    association: Association,
    year: int,
    costs: Sequence[tuple[Activity, str, Decimal]],
    esf: Decimal | None,
    populations: dict[str, int],
    today: date,
) -> Counter[str]:
    office = User.objects.get(
        role_assignments__association=association, role_assignments__role="association_office"
    )
    opened = FinancialYear.objects.filter(association=association, year=year).first()
    opened = opened or actions.open_year(association, actor=office, year=year)
    # The members pay what the year's own costs come to, and a little over (ESF pays its part).
    own = sum(budget for _a, kind, budget in costs if kind == BudgetLine.Kind.ACTIVITY)
    contributions = own + sum(budget for _n, _c, budget in ADMINISTRATION) + MARGIN
    key = {
        row.organisation_id: populations[row.organisation.municipality.code]
        for row in opened.municipal_shares.select_related("organisation__municipality")
        if row.organisation.municipality is not None
    }
    opened = actions.save_contributions(
        opened,
        actor=office,
        version=opened.version,
        contributions=contributions,
        state_share=Decimal(50),
        region_share=Decimal(25),
        municipal_share=Decimal(25),
        municipal_key="population",
        key=key,
        carried_over=opened.carried_over,
    )
    if esf is not None:
        actions.add_income(
            opened,
            actor=office,
            kind=OtherIncome.Kind.ESF,
            description="Europeiska socialfonden, SAMS",
            amount=esf,
        )
    past = year < today.year
    drift = iter(DRIFT * 3)
    for name, code, budget in ADMINISTRATION:
        actual = to_ore(budget * next(drift)) if past else None
        actions.add_line(
            opened,
            actor=office,
            kind=BudgetLine.Kind.ADMINISTRATION,
            activity=None,
            name=name,
            code=code,
            budget=budget,
            actual=actual,
        )
    for activity, kind, budget in costs:
        code = f"{'ESF' if kind == BudgetLine.Kind.ESF_ACTIVITY else 'INS'}-{activity.pk}-{year}"
        actual = to_ore(budget * next(drift)) if past else None
        existing = BudgetLine.objects.filter(
            financial_year=opened, activity=activity, kind=kind
        ).first()
        if existing is None:
            line = actions.add_line(
                opened,
                actor=office,
                kind=kind,
                activity=activity,
                name="",
                code=code,
                budget=budget,
                actual=actual,
            )
        else:
            line = actions.change_line(
                existing,
                actor=office,
                version=existing.version,
                name="",
                code=code,
                budget=budget,
                actual=actual,
            )
        if kind == BudgetLine.Kind.ACTIVITY:
            actions.record_decision(
                association,
                actor=office,
                decided_on=date(year - 1, 11, 20),
                reference=f"§ {activity.pk + 10}",
                text=f"Styrelsen beviljar {activity.name} {budget:,.0f} kr för {year}.".replace(
                    ",", " "
                ),
                activity=activity,
                budget_line=line,
            )
    return Counter(financial_years=1, budget_lines=len(ADMINISTRATION) + len(costs))
