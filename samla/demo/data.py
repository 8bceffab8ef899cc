"""Builders for the demo (docs/domain.md §8) and for large generated data sets.

Every person here is invented: every identity number is one of Skatteverket's test numbers
(serials 980-999, from ``idnumbers.test_personnummer``), every phone number is in the series Post-
och telestyrelsen keeps for fiction (070-174 06 05 to 070-174 06 99), every e-mail address is at
example.se. The organisations are the real public bodies of the seeds; see the notes on their
numbers below.

The data is deterministic for a given seed and day: dates are relative to ``today`` so that
consents are active, expired and upcoming whenever the demo is loaded.

Participants and what hangs on them bypass the ORM's per-row work (see `_insert`), so that a
hundred thousand take seconds rather than minutes, and write no audit events: they are not a
record of anything anyone did. The first load also gives some forty of them a story and a plan
through the apps' own actions (`samla.demo.casework`), which do write their audit rows.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Max
from django.utils import timezone

from samla import idnumbers
from samla.accounts.models import Receiver, Role, RoleAssignment, User
from samla.demo.activities import build_activities
from samla.demo.casework import build_casework
from samla.demo.finance import build_finance
from samla.demo.indicators import build_indicators
from samla.demo.logins import (
    DEMO_PASSWORD,
    DEMO_USERS,
    OSTRA_SODERTORN,
    SOFINT,
    identity_number,
    reserved_numbers,
)
from samla.demo.persons import build_demo_people
from samla.demo.referrals import build_referrals
from samla.demo.surveys import build_surveys
from samla.money import split
from samla.organisations.models import (
    Association,
    AssociationMember,
    Municipality,
    Organisation,
)
from samla.people import names
from samla.people.models import (
    Consent,
    InformationCategory,
    Participant,
    TargetGroup,
    TeamMember,
)

DEMO_SEED = 2026
BATCH_SIZE = 2000

Kind = Organisation.Kind


# --- Reference data -------------------------------------------------------------------------


@dataclass(frozen=True)
class MunicipalitySpec:
    code: str  # SCB's kommunkod
    name: str
    organisation_name: str
    organisation_number: str
    population: int  # about 2024; only the financing key uses it
    postal_code_prefix: str
    post_town: str


# The organisation numbers of the seven municipalities are fictitious but Luhn-valid, in the
# 212000 series of municipalities with serials from 9000 that no municipality uses: we could not
# confirm each real number, and a wrong real one would name another municipality.
# fmt: off
MUNICIPALITIES: tuple[MunicipalitySpec, ...] = (
    MunicipalitySpec("1863", "Hällefors", "Hällefors kommun", "212000-9010", 6_800,
                     "712", "Hällefors"),
    MunicipalitySpec("1885", "Lindesberg", "Lindesbergs kommun", "212000-9028", 23_000,
                     "711", "Lindesberg"),
    MunicipalitySpec("1864", "Ljusnarsberg", "Ljusnarsbergs kommun", "212000-9036", 4_700,
                     "714", "Kopparberg"),
    MunicipalitySpec("1884", "Nora", "Nora kommun", "212000-9044", 10_500,
                     "713", "Nora"),
    MunicipalitySpec("0138", "Tyresö", "Tyresö kommun", "212000-9051", 49_000,
                     "135", "Tyresö"),
    MunicipalitySpec("0136", "Haninge", "Haninge kommun", "212000-9069", 97_000,
                     "136", "Handen"),
    MunicipalitySpec("0192", "Nynäshamn", "Nynäshamns kommun", "212000-9077", 29_000,
                     "149", "Nynäshamn"),
)
# fmt: on
_SPEC_BY_CODE = {spec.code: spec for spec in MUNICIPALITIES}

FK = "Försäkringskassan"
AF = "Arbetsförmedlingen"
REGION_OREBRO = "Region Örebro län"
REGION_STOCKHOLM = "Region Stockholm"
ACTIVA = "Stiftelsen Activa"
AME_SODERTORN = "Arbetsmarknadsenheten Södertörn"

# (name, kind, organisation number). FK, AF and the regions carry their real, public numbers.
# The providers and the associations are fictitious, Luhn-valid numbers: 802 is the series of
# foundations and non-profit associations, 222000 that of local-government federations.
OTHER_ORGANISATIONS: tuple[tuple[str, str, str], ...] = (
    (FK, Kind.SOCIAL_INSURANCE, "202100-5521"),
    (AF, Kind.EMPLOYMENT_SERVICE, "202100-2114"),
    (REGION_OREBRO, Kind.REGION, "232100-0164"),
    (REGION_STOCKHOLM, Kind.REGION, "232100-0016"),
    (ACTIVA, Kind.PROVIDER, "802400-9014"),
    (AME_SODERTORN, Kind.PROVIDER, "802400-9022"),
    ("Samordningsförbundet Sofint", Kind.ASSOCIATION, "222000-9019"),
    ("Samordningsförbundet Östra Södertörn", Kind.ASSOCIATION, "222000-9027"),
)


@dataclass(frozen=True)
class AssociationSpec:
    short_name: str
    organisation_name: str
    region: str
    municipality_codes: tuple[str, ...]
    partners: tuple[str, ...]


ASSOCIATIONS: tuple[AssociationSpec, ...] = (
    AssociationSpec(
        short_name=SOFINT,
        organisation_name="Samordningsförbundet Sofint",
        region=REGION_OREBRO,
        municipality_codes=("1863", "1885", "1864", "1884"),
        partners=(ACTIVA,),
    ),
    AssociationSpec(
        short_name=OSTRA_SODERTORN,
        organisation_name="Samordningsförbundet Östra Södertörn",
        region=REGION_STOCKHOLM,
        municipality_codes=("0138", "0136", "0192"),
        partners=(AME_SODERTORN,),
    ),
)

# Finsam: the state 50 % (paid by FK, AF's part included), the region 25 %, the municipalities
# 25 % shared by population.
STATE_SHARE = Decimal("50")
REGION_SHARE = Decimal("25")
MUNICIPAL_SHARE = Decimal("25")

TARGET_GROUPS: tuple[tuple[str, str], ...] = (
    ("young_unemployed", "Unga arbetslösa 16–29 år"),
    ("long_term_sick", "Långtidssjukskrivna"),
    ("activity_compensation", "Personer med aktivitetsersättning"),
    ("social_assistance", "Personer med ekonomiskt bistånd"),
    ("newly_arrived", "Nyanlända"),
    ("disability", "Personer med funktionsnedsättning"),
    ("other", "Övriga"),
)

PARTICIPANTS_PER_ASSOCIATION = 150
# Per association in the demo: anonymous, protected, samordningsnummer, reserve number.
DEMO_RESERVE_NUMBERS = {SOFINT: "19850312-TF12", OSTRA_SODERTORN: "19930721-TF08"}


# --- Invented people ------------------------------------------------------------------------

FEMALE_NAMES: tuple[str, ...] = (
    "Anna", "Eva", "Maria", "Karin", "Sara", "Emma", "Elin", "Johanna", "Linda", "Ida", "Malin",
    "Sofia", "Jenny", "Hanna", "Lena", "Camilla", "Therese", "Frida", "Julia", "Moa", "Alva",
    "Wilma", "Ebba", "Ella", "Matilda", "Louise", "Caroline", "Jessica", "Annika", "Susanne",
    "Ulrika", "Pernilla", "Veronica", "Helén", "Nathalie", "Amanda", "Josefin", "Lisa", "Agnes",
)  # fmt: skip
MALE_NAMES: tuple[str, ...] = (
    "Erik", "Lars", "Karl", "Anders", "Johan", "Per", "Nils", "Mikael", "Jonas", "Fredrik",
    "Daniel", "Mattias", "Henrik", "Stefan", "Magnus", "Andreas", "Niklas", "Marcus", "Simon",
    "Viktor", "Oscar", "Emil", "Filip", "Anton", "Gustav", "Axel", "Jesper", "Robin", "Kevin",
    "Patrik", "Thomas", "Kristoffer", "Joakim", "Rasmus", "Sebastian", "Linus", "Alexander",
)  # fmt: skip
NEWCOMER_FEMALE_NAMES: tuple[str, ...] = (
    "Amina", "Fatima", "Hodan", "Zahra", "Samira", "Layla", "Nasra", "Meron", "Selam", "Maryam",
    "Yasmin", "Hawa", "Rahel", "Shirin", "Nour",
)  # fmt: skip
NEWCOMER_MALE_NAMES: tuple[str, ...] = (
    "Mohamed", "Ahmed", "Abdi", "Yonas", "Hamid", "Omar", "Ali", "Mustafa", "Dawit", "Samir",
    "Hassan", "Reza", "Bilal", "Tesfay", "Karim",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson",
    "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Olofsson", "Lindström", "Lindqvist",
    "Lindgren", "Axelsson", "Bergström", "Lundberg", "Lundgren", "Mattsson", "Fredriksson",
    "Sandberg", "Henriksson", "Forsberg", "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson",
    "Håkansson", "Lundin", "Björk", "Gunnarsson", "Holm", "Samuelsson", "Fransson", "Wikström",
    "Isaksson", "Bergman", "Nordström", "Lundström", "Söderberg", "Nyberg", "Blom", "Åberg",
)  # fmt: skip
NEWCOMER_LAST_NAMES: tuple[str, ...] = (
    "Ali", "Hassan", "Mohammed", "Ahmadi", "Yusuf", "Abdullahi", "Tesfaye", "Haile", "Hosseini",
    "Osman", "Ibrahim", "Farah", "Rahimi", "Gebremedhin", "Warsame",
)  # fmt: skip
STREETS: tuple[str, ...] = (
    "Storgatan", "Skolgatan", "Kyrkogatan", "Björkvägen", "Tallvägen", "Granstigen", "Ängsvägen",
    "Lärkvägen", "Bergsgatan", "Sjövägen", "Parkvägen", "Hantverkargatan", "Smedjegatan",
    "Vallmovägen", "Rönnvägen", "Industrigatan", "Järnvägsgatan", "Skogsvägen",
)  # fmt: skip
INTERPRETER_LANGUAGES: tuple[str, ...] = ("arabiska", "somaliska", "tigrinja", "dari")
ACCESSIBILITY_NEEDS: tuple[str, ...] = (
    "Lättläst material och uppläsning av kallelser.",
    "Behöver tillgänglig lokal, använder rullstol.",
    "Korta möten med paus, orkar inte mer än en timme.",
    "Vill ha en skriftlig sammanfattning efter varje möte.",
    "Hörselslinga i mötesrummet.",
    "Behöver påminnelse per sms dagen före möten.",
)
WITHDRAWAL_REASONS: tuple[str, ...] = (
    "Personen vill inte längre att uppgifter lämnas mellan myndigheterna.",
    "Personen återkallade samtycket muntligt vid telefonsamtal med koordinatorn.",
    "Personen vill först träffa sin handläggare ensam innan något mer delas.",
    "Personen har flyttat och vill avsluta samverkan.",
)
ORAL_CONSENT_NOTE = "Muntligt samtycke vid telefonsamtal. Dokumenterat av koordinatorn samma dag."

# PTS's numbers for use in fiction: 070-174 06 05 to 070-174 06 99.
_FICTION_PHONE_SUFFIXES = range(5, 100)
_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", " ": "", "'": ""})
_FIRST_START = date(2023, 1, 1)
_RESERVED_NUMBERS = reserved_numbers()


def fiction_phone(rng: random.Random) -> str:
    return f"070-174 06 {rng.choice(_FICTION_PHONE_SUFFIXES):02d}"


def example_email(first_name: str, last_name: str, suffix: str = "") -> str:
    local = f"{first_name}.{last_name}{suffix}".lower().translate(_ASCII)
    return f"{local}@example.se"


def municipal_shares(populations: dict[str, int], total: Decimal) -> dict[str, Decimal]:
    """Split `total` by population in thousandths of a per cent that add up exactly, as a
    financing key must."""
    shares = split(total, list(populations.values()), unit=Decimal("0.001"))
    return dict(zip(populations, shares, strict=True))


# --- The fixed part: organisations, associations, users -------------------------------------


def demo_loaded() -> bool:
    return Association.objects.filter(short_name=SOFINT).exists()


@dataclass
class Summary:
    """What a build wrote, for the command's printout and the tests."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, other: Summary) -> None:
        self.counts.update(other.counts)

    def total_rows(self) -> int:
        """Rows written, the links of many-to-many relations included."""
        return sum(self.counts[key] for key in _ROW_KEYS)

    def lines(self) -> list[str]:
        labels = {
            "municipalities": "kommuner",
            "organisations": "organisationer",
            "associations": "samordningsförbund",
            "memberships": "medlemskap",
            "target_groups": "målgrupper",
            "users": "användare",
            "participants": "deltagare",
            "anonymous": "  varav anonyma",
            "protected": "  varav med skyddade personuppgifter",
            "target_group_links": "kopplingar till målgrupper",
            "team_members": "teammedlemmar",
            "consents": "samtycken",
            "consent_organisations": "mottagande organisationer i samtycken",
            "stories": "berättelser",
            "story_versions": "versioner av berättelser",
            "plans": "samordnade planer",
            "plan_actions": "insatser i planer",
            "plan_confirmations": "bekräftelser av planer",
            "plan_approvals": "personens godkännanden av planer",
            "plan_versions": "överenskomna versioner av planer",
            "demo_people": "personer som loggar in i Min Samla",
            "referrals": "remisser och deltaganden",
            "attendance": "närvaronoteringar",
            "measurements": "mätningar",
            "skipped": "hoppades över (inget ledigt testnummer)",
        }
        return [
            f"{self.counts[key]:>9} {label}" for key, label in labels.items() if self.counts[key]
        ]


_ROW_KEYS = (
    "municipalities",
    "organisations",
    "associations",
    "memberships",
    "target_groups",
    "users",
    "participants",
    "target_group_links",
    "team_members",
    "consents",
    "consent_organisations",
)


@transaction.atomic
def load_demo(*, seed: int = DEMO_SEED) -> Summary:
    """Build the whole demo in one transaction. The caller checks `demo_loaded()` first.

    Dates are relative to the clock's day (``timezone.localdate()``), the one the apps' actions
    check against too: to build the demo of another day, move the clock (time-machine)."""
    today = timezone.localdate()
    summary = Summary()

    # Reference data that a migration or an earlier load may have made already is reused.
    municipality_by_code = {m.code: m for m in Municipality.objects.filter(code__in=_SPEC_BY_CODE)}
    new_municipalities = Municipality.objects.bulk_create(
        Municipality(code=spec.code, name=spec.name)
        for spec in MUNICIPALITIES
        if spec.code not in municipality_by_code
    )
    municipality_by_code.update((m.code, m) for m in new_municipalities)
    wanted = [
        *(
            Organisation(
                name=spec.organisation_name,
                kind=Kind.MUNICIPALITY,
                organisation_number=spec.organisation_number,
                municipality=municipality_by_code[spec.code],
            )
            for spec in MUNICIPALITIES
        ),
        *(
            Organisation(name=name, kind=kind, organisation_number=number)
            for name, kind, number in OTHER_ORGANISATIONS
        ),
    ]
    existing = {
        o.organisation_number: o
        for o in Organisation.objects.filter(
            organisation_number__in=[o.organisation_number for o in wanted]
        )
    }
    new_organisations = Organisation.objects.bulk_create(
        o for o in wanted if o.organisation_number not in existing
    )
    organisation_by_name = {o.name: existing.get(o.organisation_number, o) for o in wanted}
    summary.counts.update(
        municipalities=len(new_municipalities), organisations=len(new_organisations)
    )

    associations: dict[str, Association] = {}
    memberships: list[AssociationMember] = []
    target_groups: list[TargetGroup] = []
    for spec in ASSOCIATIONS:
        association = Association.objects.create(
            organisation=organisation_by_name[spec.organisation_name], short_name=spec.short_name
        )
        associations[spec.short_name] = association
        shares = municipal_shares(
            {code: _SPEC_BY_CODE[code].population for code in spec.municipality_codes},
            MUNICIPAL_SHARE,
        )
        member_shares = [
            (FK, STATE_SHARE),
            (AF, Decimal(0)),  # AF's money comes through FK's state share
            (spec.region, REGION_SHARE),
            *((_SPEC_BY_CODE[code].organisation_name, shares[code]) for code in shares),
        ]
        memberships += [
            AssociationMember(
                association=association,
                organisation=organisation_by_name[name],
                kind=AssociationMember.Kind.MEMBER,
                financing_share=share,
            )
            for name, share in member_shares
        ]
        memberships += [
            AssociationMember(
                association=association,
                organisation=organisation_by_name[name],
                kind=AssociationMember.Kind.PARTNER,
            )
            for name in spec.partners
        ]
        target_groups += [
            TargetGroup(association=association, code=code, name=name)
            for code, name in TARGET_GROUPS
        ]
    AssociationMember.objects.bulk_create(memberships)
    TargetGroup.objects.bulk_create(target_groups)
    # Each member party's case handlers receive the meeting invitations addressed to it, so a
    # resource council reaches FK, AF, the region and the municipality when nobody of theirs
    # is on the person's team yet (issue 14).
    receivers = Receiver.objects.bulk_create(
        Receiver(
            organisation=m.organisation,
            association=m.association,
            role=Role.CASE_HANDLER,
        )
        for m in memberships
        if m.kind == AssociationMember.Kind.MEMBER
    )
    summary.counts.update(
        associations=len(associations),
        memberships=len(memberships),
        target_groups=len(target_groups),
        invitation_receivers=len(receivers),
    )

    summary.add(_create_users(organisation_by_name, associations))

    rng = random.Random(seed)
    for spec in ASSOCIATIONS:
        builder = ParticipantBuilder(
            Staff.of(associations[spec.short_name]), rng=rng, today=today, taken=set()
        )
        summary.add(
            builder.build(
                PARTICIPANTS_PER_ASSOCIATION,
                anonymous=5,
                protected=3,
                coordination=4,
                reserve_numbers=[DEMO_RESERVE_NUMBERS[spec.short_name]],
                former_reserve=1,
            )
        )
    summary.counts.update(build_activities(today=today))
    populations = {code: spec.population for code, spec in _SPEC_BY_CODE.items()}
    summary.counts.update(build_finance(today=today, populations=populations))
    # Stories and plans, through the apps' own actions: slower per row, so only here.
    summary.counts.update(build_casework(seed=seed, today=today))
    # The three people who log in to Min Samla, after the casework and its meetings.
    summary.counts.update(build_demo_people(today=today))
    summary.counts.update(build_referrals(seed=seed, today=today))
    summary.counts.update(build_indicators(seed=seed))
    summary.counts.update(build_surveys(today=today))
    return summary


def give_identity_numbers() -> int:
    """The demo staff's test personnummer, for e-ID, in a demo loaded before they had them."""
    return sum(
        User.objects.filter(username=spec.username, identity_number="").update(
            identity_number=identity_number(spec)
        )
        for spec in DEMO_USERS
    )


def _create_users(
    organisation_by_name: dict[str, Organisation], associations: dict[str, Association]
) -> Summary:
    # One hash for all: hashing is deliberately slow, and the password is the same anyway.
    password = make_password(DEMO_PASSWORD)
    users = User.objects.bulk_create(
        User(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=example_email(spec.first_name, spec.last_name),
            title=spec.title,
            phone=f"070-174 06 {position + 10:02d}",
            identity_number=identity_number(spec),
            organisation=organisation_by_name[spec.organisation],
            password=password,
        )
        for position, spec in enumerate(DEMO_USERS)
    )
    RoleAssignment.objects.bulk_create(
        RoleAssignment(
            user=user,
            role=Role(spec.role),
            association=associations[spec.association] if spec.association else None,
        )
        for user, spec in zip(users, DEMO_USERS, strict=True)
    )
    summary = Summary()
    summary.counts["users"] = len(users)
    return summary


# --- Participants, their teams and consents -------------------------------------------------


@dataclass
class Staff:
    """Who works with participants in one association, read from the database once."""

    association: Association
    coordinators: list[User]
    handlers_by_kind: dict[str, list[User]]
    municipal_handlers: dict[int, list[User]]  # by the handler's municipality
    activity_staff: list[User]
    municipality_ids: list[int]  # the association's, by code
    municipality_codes: dict[int, str]  # theirs and the coordinators' organisations'
    target_groups: dict[str, TargetGroup]

    @classmethod
    def of(cls, association: Association) -> Staff:
        assignments = (
            RoleAssignment.objects.filter(
                association=association,
                role__in=[Role.COORDINATOR, Role.CASE_HANDLER, Role.ACTIVITY_STAFF],
                user__is_active=True,
                user__organisation__isnull=False,
            )
            .select_related("user__organisation")
            .order_by("user__username", "role")
        )
        staff = cls(
            association=association,
            coordinators=[],
            handlers_by_kind={},
            municipal_handlers={},
            activity_staff=[],
            municipality_ids=list(
                Municipality.objects.filter(
                    organisation__association_memberships__association=association
                )
                .order_by("code")
                .values_list("pk", flat=True)
            ),
            municipality_codes={},
            target_groups={
                group.code: group for group in association.target_groups.order_by("code")
            },
        )
        for assignment in assignments:
            user = assignment.user
            organisation = user.organisation
            assert organisation is not None  # filtered above
            if assignment.role == Role.COORDINATOR:
                staff.coordinators.append(user)
            elif assignment.role == Role.ACTIVITY_STAFF:
                staff.activity_staff.append(user)
            elif organisation.kind == Kind.MUNICIPALITY and organisation.municipality_id:
                staff.municipal_handlers.setdefault(organisation.municipality_id, []).append(user)
            else:
                staff.handlers_by_kind.setdefault(organisation.kind, []).append(user)
        coordinator_municipalities = {
            user.organisation.municipality_id
            for user in staff.coordinators
            if user.organisation and user.organisation.municipality_id
        }
        staff.municipality_codes = dict(
            Municipality.objects.filter(
                pk__in=coordinator_municipalities | set(staff.municipality_ids)
            ).values_list("pk", "code")
        )
        return staff


Row = dict[str, Any]


@dataclass
class _Plan:
    """One participant before it is written, with what hangs on it."""

    row: Row  # the participant's columns
    coordinator: User
    started: date
    age: int | None
    target_groups: list[TargetGroup]
    members: list[User]


@dataclass
class _ConsentPlan:
    row: Row
    organisation_ids: list[int]
    replaces: int | None = None  # position of the consent it replaces in the same batch


class ParticipantBuilder:
    """Makes participants with teams and consents in the demo's mix, written in batches.

    Rows go to the database as plain tuples through `executemany`: at 100 000 participants the
    ORM's per-value work in `bulk_create` costs more than the database does.
    """

    def __init__(
        self,
        staff: Staff,
        *,
        rng: random.Random,
        today: date,
        taken: set[tuple[int, str]],
        now: datetime | None = None,
    ) -> None:
        if not staff.coordinators:
            raise ValueError(f"{staff.association} har ingen koordinator som kan äga deltagare.")
        self.staff = staff
        self.rng = rng
        self.today = today
        self.now = now or timezone.now()
        self.tz = timezone.get_current_timezone()
        self.taken = taken  # (controlling organisation id, id number) already in use
        self.first_start = min(_FIRST_START, today)

    def build(
        self,
        count: int,
        *,
        anonymous: int,
        protected: int,
        coordination: int,
        reserve_numbers: Sequence[str] = (),
        former_reserve: int = 0,
        batch_size: int = BATCH_SIZE,
    ) -> Summary:
        profiles = self._profiles(
            count,
            anonymous=anonymous,
            protected=protected,
            coordination=coordination,
            reserve=len(reserve_numbers),
            former_reserve=former_reserve,
        )
        reserves = iter(reserve_numbers)
        summary = Summary()
        for start in range(0, count, batch_size):
            plans: list[_Plan] = []
            for profile in profiles[start : start + batch_size]:
                plan = self._plan(profile, reserves)
                if plan is None:
                    summary.counts["skipped"] += 1
                else:
                    plans.append(plan)
            summary.add(self._write(plans))
        return summary

    # Choosing -------------------------------------------------------------------------------

    def _profiles(
        self,
        count: int,
        *,
        anonymous: int,
        protected: int,
        coordination: int,
        reserve: int,
        former_reserve: int,
    ) -> list[str]:
        """Which participants are special, spread at random positions."""
        special = [
            *["anonymous"] * anonymous,
            *["protected"] * protected,
            *["coordination"] * coordination,
            *["reserve"] * reserve,
            *["former_reserve"] * former_reserve,
        ]
        if len(special) > count:
            raise ValueError("More special participants than participants.")
        profiles = ["ordinary"] * count
        for position, profile in zip(
            self.rng.sample(range(count), len(special)), special, strict=True
        ):
            profiles[position] = profile
        return profiles

    def _plan(self, profile: str, reserves: Iterator[str]) -> _Plan | None:
        rng = self.rng
        coordinator = rng.choice(self.staff.coordinators)
        organisation = coordinator.organisation
        assert organisation is not None
        started = self._date_between(self.first_start, self.today)
        row: Row = {
            "association_id": self.staff.association.pk,
            "controlling_organisation_id": organisation.pk,
            "start_year": started.year,
            "created_at": self._moment(started),
            "created_by_id": coordinator.pk,
            "version": 1,
        }
        if profile == "anonymous":
            row["kind"] = Participant.Kind.ANONYMOUS.value
            row["sex"] = rng.choices(["F", "M", "X"], weights=[40, 40, 20])[0]
            return _Plan(row, coordinator, started, None, [], [])

        newcomer = profile == "coordination"
        sex: idnumbers.LegalSex = "F" if rng.random() < 0.52 else "M"
        age = self._age()
        if profile == "reserve":
            number = idnumbers.parse(next(reserves), today=self.today)
            self.taken.add((organisation.pk, number.value))
            age = number.age(self.today)
        else:
            drawn = self._draw_number(organisation.pk, sex, age, coordination=newcomer)
            if drawn is None:
                return None
            number = drawn
            if profile == "former_reserve":
                row["former_reserve_number"] = f"{number.birth_date:%Y%m%d}TF{rng.randint(10, 99)}"

        first_name, last_name = self._names(sex, newcomer=newcomer or rng.random() < 0.06)

        home = self._home(organisation.municipality_id)
        is_protected = profile == "protected"
        if is_protected:
            row["protection"] = rng.choice(
                [
                    Participant.Protection.CONFIDENTIALITY_MARKING.value,
                    Participant.Protection.PROTECTED_REGISTRATION.value,
                ]
            )
        else:
            row.update(self._address(home))  # a protected person's address is never written
        if (newcomer and rng.random() < 0.8) or rng.random() < 0.04:
            row["interpreter_language"] = rng.choice(INTERPRETER_LANGUAGES)
        if rng.random() < 0.1:
            row["accessibility_needs"] = rng.choice(ACCESSIBILITY_NEEDS)
        if rng.random() < 0.92:
            row["phone"] = fiction_phone(rng)
        if rng.random() < 0.8:
            row["email"] = example_email(first_name, last_name, str(rng.randint(1, 99)))
        row.update(
            kind=Participant.Kind.IDENTIFIED.value,
            id_number=number.value,
            id_number_kind=number.kind.value,
            first_name=first_name,
            last_name=last_name,
            search_name=names.search_name(first_name, last_name),
            sex=sex,
            birth_date=number.birth_date,
            home_municipality_id=home,
            sign_language=rng.random() < 0.02,
        )
        groups = self._target_groups(age, newcomer=newcomer)
        members = [] if is_protected else self._members(organisation.pk, home, groups)
        return _Plan(row, coordinator, started, age, groups, members)

    def _age(self) -> int:
        draw = self.rng.random()
        if draw < 0.04:
            return self.rng.randint(16, 17)
        if draw < 0.40:
            return self.rng.randint(18, 29)
        return self.rng.randint(30, 64)

    def _draw_number(
        self, organisation_id: int, sex: idnumbers.LegalSex, age: int, *, coordination: bool
    ) -> idnumbers.IdNumber | None:
        """A test number no participant of this controller has, nor a demo login or demo person
        (``logins.reserved_numbers``); each date has ten per sex."""
        for _attempt in range(20):
            born = self._birth_date(age)
            first = self.rng.randrange(10)
            for step in range(10):
                number = idnumbers.test_personnummer(
                    born, sex, (first + step) % 10, coordination=coordination
                )
                if (
                    organisation_id,
                    number.value,
                ) not in self.taken and number.value not in _RESERVED_NUMBERS:
                    self.taken.add((organisation_id, number.value))
                    return number
        return None

    def _birth_date(self, age: int) -> date:
        """A birth date that makes the person `age` years old today."""
        latest = _years_before(self.today, age)
        earliest = _years_before(self.today, age + 1) + timedelta(days=1)
        return self._date_between(earliest, latest)

    def _address(self, municipality_id: int | None) -> Row:
        code = self.staff.municipality_codes.get(municipality_id or 0)
        spec = _SPEC_BY_CODE.get(code or "")
        prefix, town = (spec.postal_code_prefix, spec.post_town) if spec else ("123", "")
        street = f"{self.rng.choice(STREETS)} {self.rng.randint(1, 48)}"
        if self.rng.random() < 0.4:
            street += f" lgh {self.rng.randint(10, 14)}0{self.rng.randint(1, 4)}"
        return {
            "street_address": street,
            "postal_code": f"{prefix} {self.rng.randint(30, 49)}",
            "city": town,
        }

    def _target_groups(self, age: int, *, newcomer: bool) -> list[TargetGroup]:
        groups = self.staff.target_groups
        if not groups:
            return []
        chosen: list[str] = []
        if newcomer and "newly_arrived" in groups:
            chosen.append("newly_arrived")
        if age <= 29 and "young_unemployed" in groups and self.rng.random() < 0.7:
            chosen.append("young_unemployed")
        weighted = {"long_term_sick": 3, "social_assistance": 3, "disability": 2, "other": 1}
        if 19 <= age <= 29:
            weighted["activity_compensation"] = 3
        candidates = [code for code in weighted if code in groups and code not in chosen]
        if not chosen or (len(chosen) < 2 and self.rng.random() < 0.35):
            if candidates:
                chosen.append(
                    self.rng.choices(candidates, weights=[weighted[c] for c in candidates])[0]
                )
            elif not chosen:
                chosen.append(self.rng.choice(sorted(groups)))
        return [groups[code] for code in chosen[:2]]

    def _members(
        self, controller_id: int, home_id: int | None, groups: list[TargetGroup]
    ) -> list[User]:
        """Case handlers and activity staff from other organisations, 0-3 of them."""
        rng = self.rng
        codes = {group.code for group in groups}
        staff = self.staff
        chances = [
            (staff.handlers_by_kind.get(Kind.SOCIAL_INSURANCE, []),
             0.8 if codes & {"long_term_sick", "activity_compensation"} else 0.35),
            (staff.handlers_by_kind.get(Kind.EMPLOYMENT_SERVICE, []),
             0.85 if codes & {"young_unemployed", "newly_arrived"} else 0.45),
            (staff.handlers_by_kind.get(Kind.REGION, []),
             0.6 if codes & {"long_term_sick", "disability"} else 0.2),
            (staff.municipal_handlers.get(home_id or 0, []),
             0.9 if "social_assistance" in codes else 0.5),
            (staff.activity_staff, 0.2),
        ]  # fmt: skip
        members = [
            rng.choice(users) for users, chance in chances if users and rng.random() < chance
        ]
        members = [user for user in members if user.organisation_id != controller_id]
        if len(members) > 3:
            members = rng.sample(members, 3)
        return members

    # Writing --------------------------------------------------------------------------------

    def _write(self, plans: list[_Plan]) -> Summary:
        for plan, pk in zip(plans, _reserve_ids(Participant, len(plans)), strict=True):
            plan.row["id"] = pk
        _insert(Participant, [plan.row for plan in plans])
        links = [
            {"participant_id": plan.row["id"], "targetgroup_id": group.pk}
            for plan in plans
            for group in plan.target_groups
        ]
        _insert(Participant.target_groups.through, links)

        team: list[Row] = []
        consents: list[_ConsentPlan] = []
        for plan in plans:
            team += self._team(plan)
            if plan.members:
                consents += self._consents(plan, first_position=len(consents))
        _insert(TeamMember, team)
        consent_ids = _reserve_ids(Consent, len(consents))
        for consent, pk in zip(consents, consent_ids, strict=True):
            consent.row["id"] = pk
            if consent.replaces is not None:
                consent.row["replaces_id"] = consent_ids[consent.replaces]
        _insert(Consent, [consent.row for consent in consents])
        named = [
            {"consent_id": consent.row["id"], "organisation_id": organisation_id}
            for consent in consents
            for organisation_id in consent.organisation_ids
        ]
        _insert(Consent.organisations.through, named)

        summary = Summary()
        summary.counts.update(
            participants=len(plans),
            anonymous=sum(plan.row["kind"] == Participant.Kind.ANONYMOUS for plan in plans),
            protected=sum("protection" in plan.row for plan in plans),
            target_group_links=len(links),
            team_members=len(team),
            consents=len(consents),
            consent_organisations=len(named),
        )
        return summary

    def _team(self, plan: _Plan) -> list[Row]:
        participant_id, coordinator = plan.row["id"], plan.coordinator
        team: list[Row] = [
            {
                "participant_id": participant_id,
                "user_id": coordinator.pk,
                "role": TeamMember.Role.COORDINATOR.value,
                "added_at": plan.row["created_at"],
                "added_by_id": coordinator.pk,
            }
        ]
        for member in plan.members:
            added = self._date_between(plan.started, self.today, within=21)
            row: Row = {
                "participant_id": participant_id,
                "user_id": member.pk,
                "role": TeamMember.Role.MEMBER.value,
                "added_at": self._moment(added),
                "added_by_id": coordinator.pk,
            }
            if self.rng.random() < 0.04:
                row["removed_at"] = self._moment(self._date_between(added, self.today))
                row["removed_by_id"] = coordinator.pk
            team.append(row)
        return team

    def _home(self, controller_municipality_id: int | None) -> int | None:
        """Half live where the controlling organisation is, the rest anywhere in the area."""
        home = controller_municipality_id
        if (home is None or self.rng.random() < 0.5) and self.staff.municipality_ids:
            home = self.rng.choice(self.staff.municipality_ids)
        return home

    def _names(self, sex: idnumbers.LegalSex, *, newcomer: bool) -> tuple[str, str]:
        if newcomer:
            female_names, male_names = NEWCOMER_FEMALE_NAMES, NEWCOMER_MALE_NAMES
            last_names = NEWCOMER_LAST_NAMES
        else:
            female_names, male_names, last_names = FEMALE_NAMES, MALE_NAMES, LAST_NAMES
        return self.rng.choice(female_names if sex == "F" else male_names), self.rng.choice(
            last_names
        )

    def _consents(self, plan: _Plan, *, first_position: int) -> list[_ConsentPlan]:
        """The participant's consents, each in its final state (a consent is never edited):
        none, active, upcoming, expired, withdrawn, or an expired one and its active renewal."""
        rng, today, started = self.rng, self.today, plan.started
        organisation_ids = sorted({m.organisation_id for m in plan.members if m.organisation_id})
        kinds = {m.organisation.kind for m in plan.members if m.organisation}
        draw = rng.random()
        if draw < 0.10:
            return []
        scenario = _consent_scenario(draw, recent=started >= today - timedelta(days=2))

        if scenario == "active" and len(organisation_ids) > 1 and rng.random() < 0.2:
            # Someone on the team whose organisation the person chose not to name.
            organisation_ids.remove(rng.choice(organisation_ids))

        valid_from = self._date_between(started, today - timedelta(days=1), within=14)
        if scenario == "upcoming":
            valid_from = today + timedelta(days=rng.randint(2, 30))
        first = self._consent(plan, kinds, valid_from)
        if scenario == "active":
            first["valid_to"] = self._open_end()
        elif scenario in ("expired", "renewed"):
            first["valid_to"] = self._date_between(valid_from, today - timedelta(days=1))
        elif scenario == "withdrawn":
            first["valid_to"] = self._open_end()
            withdrawn_on = self._date_between(valid_from + timedelta(days=1), today)
            first["withdrawn_at"] = self._moment(withdrawn_on, hours=(12, 16))
            first["withdrawn_by_id"] = plan.coordinator.pk
            first["withdrawal_reason"] = rng.choice(WITHDRAWAL_REASONS)
        elif scenario == "upcoming":
            first["valid_to"] = valid_from + timedelta(days=365)
            recorded_on = self._date_between(max(started, today - timedelta(days=7)), today)
            first["recorded_at"] = self._moment(recorded_on)
        consents = [_ConsentPlan(first, organisation_ids)]
        if scenario == "renewed":
            second = self._consent(plan, kinds, first["valid_to"] + timedelta(days=1))
            second["valid_to"] = self._open_end()
            consents.append(_ConsentPlan(second, organisation_ids, replaces=first_position))
        return consents

    def _consent(self, plan: _Plan, kinds: set[str], valid_from: date) -> Row:
        rng = self.rng
        form = rng.choices(list(Consent.Form), weights=[50, 30, 20])[0]
        given_by, given_by_name = Consent.GivenBy.PERSON, ""
        if plan.age is not None and plan.age < 18:
            given_by = Consent.GivenBy.GUARDIAN
            given_by_name = f"{rng.choice(FEMALE_NAMES + MALE_NAMES)} {plan.row['last_name']}"
        elif rng.random() < 0.04:
            given_by = Consent.GivenBy.REPRESENTATIVE
            given_by_name = f"{rng.choice(FEMALE_NAMES + MALE_NAMES)} {rng.choice(LAST_NAMES)}"
        included, excluded = self._categories(kinds)
        controller = plan.coordinator.organisation
        provider_controls = controller is not None and controller.kind == Kind.PROVIDER
        return {
            "participant_id": plan.row["id"],
            "categories_included": included,
            "categories_excluded": excluded,
            "form": form.value,
            "given_by": given_by.value,
            "given_by_name": given_by_name,
            "legal_basis": (
                Consent.LegalBasis.CONSENT if provider_controls else Consent.LegalBasis.PUBLIC_TASK
            ).value,
            "valid_from": valid_from,
            "note": ORAL_CONSENT_NOTE if form == Consent.Form.ORAL else "",
            "recorded_at": self._moment(valid_from, hours=(8, 11)),
            "recorded_by_id": plan.coordinator.pk,
        }

    def _categories(self, kinds: set[str]) -> tuple[list[str], list[str]]:
        """What each receiving organisation needs, and sometimes one thing the person keeps back."""
        wanted = {InformationCategory.CONTACT, InformationCategory.PLANS_MEETINGS}
        if Kind.EMPLOYMENT_SERVICE in kinds or Kind.PROVIDER in kinds:
            wanted.add(InformationCategory.WORK_STUDIES)
        if Kind.SOCIAL_INSURANCE in kinds or Kind.MUNICIPALITY in kinds:
            wanted.add(InformationCategory.INCOME)
        if Kind.REGION in kinds or Kind.SOCIAL_INSURANCE in kinds:
            wanted.add(InformationCategory.HEALTH)
        if Kind.MUNICIPALITY in kinds:
            wanted.add(InformationCategory.SOCIAL_SERVICES)
        if self.rng.random() < 0.6:
            wanted.add(InformationCategory.LIFE_SITUATION)
        excluded: list[str] = []
        if self.rng.random() < 0.15:
            keep_back = self.rng.choice(
                [
                    InformationCategory.HEALTH,
                    InformationCategory.HEALTH,
                    InformationCategory.SOCIAL_SERVICES,
                ]
            )
            wanted.discard(keep_back)
            excluded.append(keep_back.value)
        included = [c.value for c in InformationCategory if c in wanted]
        return included, excluded

    # Dates ----------------------------------------------------------------------------------

    def _open_end(self) -> date | None:
        if self.rng.random() < 0.4:
            return None
        return self.today + timedelta(days=self.rng.randint(30, 540))

    def _date_between(self, first: date, last: date, *, within: int | None = None) -> date:
        if within is not None:
            last = min(last, first + timedelta(days=within))
        if last <= first:
            return first
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def _moment(self, day: date, *, hours: tuple[int, int] = (8, 16)) -> datetime:
        """A working-hours moment on `day` in Swedish time, never later than now."""
        moment = datetime.combine(
            day, time(self.rng.randint(*hours), self.rng.randint(0, 59)), tzinfo=self.tz
        )
        return min(moment, self.now)


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for rows about to be inserted, so that their children can point at them.

    PostgreSQL hands them out from the table's sequence, safe beside other writers. SQLite has
    no sequence to draw from, but its IMMEDIATE transactions (see settings) hold the write lock
    from the start, so nobody can take the numbers after the current maximum.
    """
    if count == 0:
        return []
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
    top = model._default_manager.aggregate(top=Max("pk"))["top"] or 0
    return list(range(top + 1, top + 1 + count))


def _conversions(
    fields: Sequence[models.Field[Any, Any]], connection: BaseDatabaseWrapper
) -> list[tuple[int, Callable[[Any], Any]]]:
    """Only dates, times and JSON need the backend's hand; strings, numbers and booleans pass."""
    conversions: list[tuple[int, Callable[[Any], Any]]] = []
    for position, f in enumerate(fields):
        if isinstance(f, models.DateTimeField):
            conversions.append((position, connection.ops.adapt_datetimefield_value))
        elif isinstance(f, models.DateField):
            conversions.append((position, connection.ops.adapt_datefield_value))
        elif isinstance(f, models.JSONField):
            conversions.append((position, partial(f.get_db_prep_save, connection=connection)))
    return conversions


def _consent_scenario(draw: float, *, recent: bool) -> str:
    """What became of a person's consent, for a draw in [0.10, 1): a recent start's is active."""
    if draw < 0.55 or recent:
        return "active"
    if draw < 0.65:
        return "renewed"
    if draw < 0.78:
        return "expired"
    if draw < 0.90:
        return "withdrawn"
    return "upcoming"


def _insert(model: type[models.Model], rows: Sequence[Row]) -> None:
    """Insert rows given as {attname: value}; absent columns get the field's default. The
    primary key is written only when the rows carry it."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in rows[0]]
    attnames = [f.attname for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    conversions = _conversions(fields, connection)
    params = []
    for row in rows:
        values = list(map({**defaults, **row}.__getitem__, attnames))
        for position, convert in conversions:
            values[position] = convert(values[position])
        params.append(values)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 -- model names
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk path: one stream instead of a statement per row.
            copy_sql = f"COPY {table} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for values in params:
                    copy.write_row(values)
        else:
            for start in range(0, len(params), BATCH_SIZE):
                cursor.executemany(sql, params[start : start + BATCH_SIZE])


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- Larger data sets -----------------------------------------------------------------------


@transaction.atomic
def generate_participants(
    association: Association,
    count: int,
    *,
    seed: int,
    today: date | None = None,
    batch_size: int = BATCH_SIZE,
) -> Summary:
    """Add `count` participants with teams and consents in the demo's mix, in batches."""
    staff = Staff.of(association)
    controllers = {user.organisation_id for user in staff.coordinators}
    taken = set(
        Participant.objects.filter(controlling_organisation_id__in=controllers)
        .exclude(id_number="")
        .values_list("controlling_organisation_id", "id_number")
    )
    builder = ParticipantBuilder(
        staff,
        rng=random.Random(seed),
        today=today or timezone.localdate(),
        taken=taken,
    )
    return builder.build(
        count,
        anonymous=round(count * 0.03),
        protected=round(count * 0.02),
        coordination=round(count * 0.03),
        batch_size=batch_size,
    )
