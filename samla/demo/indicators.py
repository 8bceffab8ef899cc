"""The SAMS programme of seed 003 in Sofint (2010-04-01 to 2013-03-31) with its targets, and the
participations it had: invented people in the four municipalities in the seed's proportions,
with measurements at entry and exit, so that the dashboards have something true to show."""

from __future__ import annotations

from collections import Counter
from datetime import date

from samla.accounts.models import Role, User
from samla.activities.models import Activity
from samla.demo.activities import SAMS
from samla.demo.logins import SOFINT
from samla.demo.outcomes import Spec, generate_rows, write_rows
from samla.indicators import actions
from samla.indicators.models import Target
from samla.organisations.models import Association, Municipality, Organisation
from samla.people.models import TargetGroup

PROGRAMME = "SAMS, Samverkan inom Sofint 2010–2013"
# Seed 003, delmål 1: per municipality and year, as many women as men.
PER_YEAR_AND_SEX = {"Lindesberg": 30, "Hällefors": 15, "Nora": 15, "Ljusnarsberg": 10}
PROGRAMME_YEARS = (2010, 2011, 2012)
PARTICIPATIONS = 340


def build_indicators(*, seed: int) -> Counter[str]:
    sofint = Association.objects.get(short_name=SOFINT)
    office = User.objects.get(
        role_assignments__role=Role.ASSOCIATION_OFFICE, role_assignments__association=sofint
    )
    sams = Activity.objects.get(association=sofint, name=SAMS)
    programme = actions.save_programme(
        sofint,
        actor=office,
        name=PROGRAMME,
        description=(
            "Förberedande verksamhet i Hällefors, Lindesberg, Ljusnarsberg och Nora för unga "
            "arbetslösa och långtidssjukskrivna, med ESF-stöd. Målen är projektansökans delmål 1–5."
        ),
        starts_on=date(2010, 4, 1),
        ends_on=date(2013, 3, 31),
        activities=[sams],
    )
    municipalities = {m.name: m for m in Municipality.objects.filter(name__in=PER_YEAR_AND_SEX)}
    groups = {g.code: g for g in TargetGroup.objects.filter(association=sofint)}
    targets = [
        {"kind": Target.Kind.PARTICIPANTS, "value": 330},
        {"kind": Target.Kind.PARTICIPANTS, "value": 165, "sex": "F"},
        {"kind": Target.Kind.PARTICIPANTS, "value": 165, "sex": "M"},
        {
            "kind": Target.Kind.PARTICIPANTS,
            "value": 165,
            "target_group": groups["young_unemployed"],
        },
        {"kind": Target.Kind.PARTICIPANTS, "value": 165, "target_group": groups["long_term_sick"]},
        {"kind": Target.Kind.FEEL_BETTER, "value": 80},
        {"kind": Target.Kind.CLOSER, "value": 60},
        {"kind": Target.Kind.WORK_OR_STUDIES, "value": 40},
        {"kind": Target.Kind.LEARNING_GOALS, "value": 160},
    ]
    targets += [
        {
            "kind": Target.Kind.PARTICIPANTS,
            "value": per_sex,
            "year": year,
            "sex": sex,
            "municipality": municipalities[name],
        }
        for name, per_sex in PER_YEAR_AND_SEX.items()
        for year in PROGRAMME_YEARS
        for sex in ("F", "M")
    ]
    for target in targets:
        actions.add_target(actor=office, programme=programme, **target)  # type: ignore[arg-type]

    weighted = [
        municipalities[name].pk
        for name, per_sex in PER_YEAR_AND_SEX.items()
        for _ in range(per_sex // 5)
    ]
    spec = Spec(
        activity_ids=[sams.pk],
        municipality_ids=weighted,
        target_group_ids=[groups["young_unemployed"].pk, groups["long_term_sick"].pk],
        first=date(2010, 4, 1),
        last=date(2012, 12, 31),
        today=date(2013, 3, 31),
        close_all=True,
        other_sex_percent=0,  # the programme recorded women and men only
    )
    rows = generate_rows(spec, PARTICIPATIONS, seed=seed)
    activa = Organisation.objects.get(name="Stiftelsen Activa")
    written = write_rows(rows, association_id=sofint.pk, organisation=activa, actor=office)
    return Counter(programmes=1, targets=len(targets), sams_participations=written)
