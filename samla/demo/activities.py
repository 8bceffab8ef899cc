"""The demo's activity catalogue (docs/domain.md §8), made through ``samla.activities.actions`` by
each association's office login, so that every rule and audit row of a real catalogue holds.

- Östra Södertörn: "Mia Vidare", individual, run by Arbetsmarknadsenheten Södertörn, 20 places,
  for young adults of 16–29.
- Sofint: "SAMS – förberedande verksamhet", the ESF co-funded programme of seed 003
  (2010-04-01 to 2013-03-31, 330 planned participants, total budget 24 338 177 kr), run by
  Stiftelsen Activa; and one structural activity this year, shared training for case handlers,
  with the staff each organisation sends.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from samla.accounts.models import User
from samla.activities import actions
from samla.activities.models import Activity
from samla.demo.logins import OSTRA_SODERTORN, SOFINT
from samla.organisations.models import Association, Organisation
from samla.people.models import TargetGroup

MIA_VIDARE = "Mia Vidare"
SAMS = "SAMS – förberedande verksamhet"
TRAINING = "Gemensam kompetensutveckling för handläggare"

# Seed 003: 330 participants and 24 338 177 kr over the programme's four calendar years.
SAMS_YEARS = (
    (2010, Decimal("4500000"), 80),
    (2011, Decimal("8400000"), 110),
    (2012, Decimal("8400000"), 110),
    (2013, Decimal("3038177"), 30),
)
# Mia Vidare began two years before the year of loading and runs on: budget and planned
# participants for each year so far.
MIA_VIDARE_BUDGETS = (Decimal("1850000"), Decimal("1900000"), Decimal("1950000"))
TRAINING_STAFF = (
    ("Försäkringskassan", 12),
    ("Arbetsförmedlingen", 8),
    ("Region Örebro län", 5),
    ("Lindesbergs kommun", 6),
    ("Hällefors kommun", 4),
)


def build_activities(*, today: date) -> Counter[str]:
    counts: Counter[str] = Counter()
    associations = {a.short_name: a for a in Association.objects.all()}
    sodertorn, sofint = associations[OSTRA_SODERTORN], associations[SOFINT]
    organisations = {o.name: o for o in Organisation.objects.all()}

    office = _office(sodertorn)
    mia = actions.create_activity(
        sodertorn,
        actor=office,
        name=MIA_VIDARE,
        description=(
            "Individuellt stöd och arbetsträning för unga vuxna som står långt från "
            "arbetsmarknaden, med en fast handledare genom hela insatsen."
        ),
        kind=Activity.Kind.INDIVIDUAL,
        esf_cofunded=False,
        provider=organisations["Arbetsmarknadsenheten Södertörn"],
        target_groups=_groups(sodertorn, "young_unemployed", "social_assistance"),
        municipalities=actions.municipalities_for(sodertorn),
        starts_on=date(mia_vidare_years(today)[0][0], 1, 1),
        ends_on=None,
        capacity=20,
        min_age=16,
        max_age=29,
    )
    _years(mia, office, mia_vidare_years(today))

    office = _office(sofint)
    sams = actions.create_activity(
        sofint,
        actor=office,
        name=SAMS,
        description=(
            "Förberedande verksamhet för personer som behöver samordnat stöd för att närma "
            "sig arbete eller studier. Medfinansieras av Europeiska socialfonden."
        ),
        kind=Activity.Kind.INDIVIDUAL,
        esf_cofunded=True,
        provider=organisations["Stiftelsen Activa"],
        target_groups=_groups(
            sofint, "young_unemployed", "long_term_sick", "activity_compensation"
        ),
        municipalities=actions.municipalities_for(sofint),
        starts_on=date(2010, 4, 1),
        ends_on=date(2013, 3, 31),
        capacity=120,
    )
    _years(sams, office, SAMS_YEARS)

    training = actions.create_activity(
        sofint,
        actor=office,
        name=TRAINING,
        description=(
            "Gemensamma utbildningsdagar för handläggare hos parterna om samordnad "
            "individuell plan, samtycke och varandras uppdrag."
        ),
        kind=Activity.Kind.STRUCTURAL,
        esf_cofunded=False,
        provider=organisations["Region Örebro län"],
        target_groups=[],
        municipalities=actions.municipalities_for(sofint),
        starts_on=date(today.year, 1, 1),
        ends_on=date(today.year, 12, 31),
        capacity=None,
    )
    actions.save_year(training, actor=office, year=today.year, planned_participants=None)
    for name, staff in TRAINING_STAFF:
        actions.add_staff_count(
            training,
            actor=office,
            organisation=organisations[name],
            year=today.year,
            staff_count=staff,
        )
    counts.update(activities=3, activity_years=len(SAMS_YEARS) + len(MIA_VIDARE_BUDGETS) + 1)
    counts.update(staff_counts=len(TRAINING_STAFF))
    return counts


def mia_vidare_years(today: date) -> tuple[tuple[int, Decimal, int], ...]:
    """(year, budget, planned participants) of Mia Vidare, up to this year."""
    first = today.year - len(MIA_VIDARE_BUDGETS) + 1
    return tuple((first + n, budget, 40) for n, budget in enumerate(MIA_VIDARE_BUDGETS))


def _office(association: Association) -> User:
    return User.objects.get(
        role_assignments__association=association,
        role_assignments__role="association_office",
    )


def _groups(association: Association, *codes: str) -> list[TargetGroup]:
    return list(TargetGroup.objects.filter(association=association, code__in=codes))


def _years(activity: Activity, office: User, years: tuple[tuple[int, Decimal, int], ...]) -> None:
    for year, _budget, planned in years:  # the budget is the finance demo's (demo/finance.py)
        actions.save_year(activity, actor=office, year=year, planned_participants=planned)
