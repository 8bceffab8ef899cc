"""A year to report on, around the shared cast (Olle is Östra Södertörn's office, Bodil its
board member, Kim a coordinator): an ESF co-funded programme activity like SAMS (seed 003) run by
a provider, with 240 generated participations; a small activity whose three participants must
never show; a structural activity with staff counts; a programme with targets for 2011. The raw
rows stay with the setting, so that tests can work out the expected figures by themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from samla.accounts.models import Role, RoleAssignment, User
from samla.activities import actions as activity_actions
from samla.activities.models import Activity
from samla.activities.tests.builders import individual, provider, structural
from samla.demo.outcomes import Row, Spec, generate_rows, write_rows
from samla.finance import actions as finance_actions
from samla.finance.models import FinancialYear
from samla.indicators import actions as indicator_actions
from samla.indicators.models import Programme, Target
from samla.organisations.models import Municipality
from samla.people.models import TargetGroup
from samla.people.tests.cast import Cast, user

YEAR = 2011
SAMS = "SAMS – förberedande verksamhet"
SMALL = "Steget"
TRAINING = "Gemensam kompetensutveckling"
# Targets for 2011 by sex (the seed's delmål 1 in small), and one for the whole period.
TARGET_WOMEN, TARGET_MEN, TARGET_ALL = 95, 105, 330


@dataclass
class Setting:
    cast: Cast
    sams: Activity
    small: Activity
    training: Activity
    programme: Programme
    rows: list[Row]  # every generated participation, of both individual activities
    esf_reporter: User  # the provider's ESF reporter in the cast's association
    provider_staff: User  # the provider's activity staff: no ESF file for them

    def rows_of(self, activity: Activity) -> list[Row]:
        return [row for row in self.rows if row.activity_id == activity.pk]


def build(cast: Cast, *, count: int = 240, seed: int = 11) -> Setting:
    ame = provider(cast)
    TargetGroup.objects.create(
        association=cast.association, code="long_term_sick", name="Långtidssjukskrivna"
    )
    groups = list(TargetGroup.objects.filter(association=cast.association))
    tyreso = Municipality.objects.get(code="0138")
    sams = individual(
        cast,
        name=SAMS,
        esf_cofunded=True,
        provider=ame,
        starts_on=date(2010, 4, 1),
        ends_on=date(2013, 3, 31),
        capacity=500,
    )
    small = individual(
        cast, name=SMALL, starts_on=date(2011, 1, 1), ends_on=date(2011, 12, 31), capacity=10
    )
    training = structural(
        cast, name=TRAINING, starts_on=date(2011, 1, 1), ends_on=date(2011, 12, 31)
    )
    for activity, planned in ((sams, 110), (small, 8), (training, None)):
        activity_actions.save_year(
            activity,
            actor=cast.olle,
            year=YEAR,
            planned_participants=planned,
        )
    activity_actions.add_staff_count(
        training, actor=cast.olle, organisation=cast.fk, year=YEAR, staff_count=12
    )
    activity_actions.add_staff_count(
        training, actor=cast.olle, organisation=cast.region, year=YEAR, staff_count=4
    )

    programme = indicator_actions.save_programme(
        cast.association,
        actor=cast.olle,
        name="SAMS 2010–2013",
        description="",
        starts_on=date(2010, 4, 1),
        ends_on=date(2013, 3, 31),
        activities=[sams],
    )
    for sex, value in (("F", TARGET_WOMEN), ("M", TARGET_MEN)):
        indicator_actions.add_target(
            actor=cast.olle,
            programme=programme,
            kind=Target.Kind.PARTICIPANTS,
            value=value,
            year=YEAR,
            sex=sex,
        )
    indicator_actions.add_target(
        actor=cast.olle, programme=programme, kind=Target.Kind.PARTICIPANTS, value=TARGET_ALL
    )

    rows = generate_rows(
        Spec(
            activity_ids=[sams.pk],
            municipality_ids=[tyreso.pk],
            target_group_ids=[g.pk for g in groups],
            first=date(2010, 4, 1),
            last=date(2012, 12, 31),
            today=date(2013, 3, 31),
            close_all=True,
            other_sex_percent=0,  # as SAMS recorded women and men only: every SAMS cell shows
        ),
        count,
        seed=seed,
    )
    rows += generate_rows(
        Spec(
            activity_ids=[small.pk],
            municipality_ids=[tyreso.pk],
            target_group_ids=[],
            first=date(2011, 2, 1),
            last=date(2011, 6, 30),
            today=date(2011, 12, 31),
            close_all=True,
        ),
        3,
        seed=seed,
    )
    write_rows(rows, association_id=cast.association.pk, organisation=ame, actor=cast.olle)

    esf_reporter = user("erik", "Erik", "Esf", ame, (Role.ESF_REPORTER, cast.association))
    provider_staff = user(
        "ulrika", "Ulrika", "Utförare", ame, (Role.ACTIVITY_STAFF, cast.association)
    )
    return Setting(
        cast=cast,
        sams=sams,
        small=small,
        training=training,
        programme=programme,
        rows=rows,
        esf_reporter=esf_reporter,
        provider_staff=provider_staff,
    )


def give_role(person: User, role: Role, cast: Cast) -> None:
    RoleAssignment.objects.create(user=person, role=role, association=cast.association)


def keep_the_money(setting: Setting) -> FinancialYear:
    """The year's money, kept by the office: 1 000 000,01 kr from the members, ESF money for
    SAMS, a budget and an actual for each activity and for the office."""
    cast = setting.cast
    year = finance_actions.open_year(cast.association, actor=cast.olle, year=YEAR)
    year = finance_actions.save_contributions(
        year,
        actor=cast.olle,
        version=year.version,
        contributions=Decimal("1000000.01"),
        state_share=Decimal(50),
        region_share=Decimal(25),
        municipal_share=Decimal(25),
        municipal_key="population",
        key={row.organisation_id: 48000 for row in year.municipal_shares.all()},
        carried_over=Decimal("120000"),
    )
    finance_actions.add_income(
        year, actor=cast.olle, kind="esf", description="ESF, SAMS", amount=Decimal("300000")
    )
    for activity, kind, code, budget, actual in (
        (setting.sams, "activity", "4101", Decimal("600000"), Decimal("612345.50")),
        (setting.sams, "esf_activity", "4102", Decimal("300000"), Decimal("288000")),
        (setting.small, "activity", "4103", Decimal("80000"), Decimal("79000")),
        (None, "administration", "7000", Decimal("250000"), Decimal("240000")),
    ):
        finance_actions.add_line(
            year,
            actor=cast.olle,
            kind=kind,
            activity=activity,
            name="Kansli" if activity is None else "",
            code=code,
            budget=budget,
            actual=actual,
        )
    return year
