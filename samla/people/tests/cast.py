"""The named cast that access tests share (after healthchecks' Alice, Bob and Charlie).

Pia is a participant in Östra Södertörn, registered by Tyresö kommun. Around her:

- Kim, coordinator at Tyresö kommun, her coordinator: sees and manages everything.
- Fia, case handler at Försäkringskassan, on the team, named by Pia's consent in force: sees her.
- Wera, case handler at Arbetsförmedlingen, on the team, but the consent naming AF was withdrawn.
- Nils, case handler at Region Stockholm, on the team, named by no consent.
- Tove, coordinator at Tyresö kommun too, but not on Pia's team (need to know, R3).
- Olle, association office at Östra Södertörn; Bodil, board member: aggregates only (R1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from samla import idnumbers
from samla.accounts.models import Role, RoleAssignment, User
from samla.accounts.tests.signin import sign_in
from samla.organisations.models import Association, AssociationMember, Municipality, Organisation
from samla.people.models import Consent, InformationCategory, Participant, TargetGroup, TeamMember

__all__ = ["PASSWORD", "Cast", "build_cast", "sign_in"]  # sign_in: re-exported for the access tests

PASSWORD = "rätt-häst-batteri-häfta"


@dataclass
class Cast:
    association: Association
    tyreso: Organisation
    fk: Organisation
    af: Organisation
    region: Organisation
    kim: User
    fia: User
    wera: User
    nils: User
    tove: User
    olle: User
    bodil: User
    pia: Participant
    consent_fk: Consent
    consent_af: Consent
    fia_membership: TeamMember

    def everyone(self) -> dict[str, User]:
        return {
            "kim": self.kim,
            "fia": self.fia,
            "wera": self.wera,
            "nils": self.nils,
            "tove": self.tove,
            "olle": self.olle,
            "bodil": self.bodil,
        }


def organisation(name: str, kind: str, number: str, **extra: object) -> Organisation:
    return Organisation.objects.create(name=name, kind=kind, organisation_number=number, **extra)


def user(
    username: str, first: str, last: str, org: Organisation, *roles: tuple[str, Association | None]
) -> User:
    person = User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=first,
        last_name=last,
        email=f"{username}@example.se",
        organisation=org,
    )
    for role, association in roles:
        RoleAssignment.objects.create(user=person, role=role, association=association)
    return person


def build_cast() -> Cast:
    tyreso_kommun = Municipality.objects.create(code="0138", name="Tyresö")
    tyreso = organisation(
        "Tyresö kommun", Organisation.Kind.MUNICIPALITY, "212000-2833", municipality=tyreso_kommun
    )
    fk = organisation("Försäkringskassan", Organisation.Kind.SOCIAL_INSURANCE, "202100-5521")
    af = organisation("Arbetsförmedlingen", Organisation.Kind.EMPLOYMENT_SERVICE, "202100-2114")
    region = organisation("Region Stockholm", Organisation.Kind.REGION, "232100-0016")
    office = organisation(
        "Samordningsförbundet Östra Södertörn", Organisation.Kind.ASSOCIATION, "222000-1453"
    )
    association = Association.objects.create(organisation=office, short_name="Östra Södertörn")
    for org, share in ((fk, "50"), (af, "0"), (region, "25"), (tyreso, "25")):
        AssociationMember.objects.create(
            association=association, organisation=org, financing_share=Decimal(share)
        )
    TargetGroup.objects.create(
        association=association, code="young_unemployed", name="Unga arbetslösa 16–29 år"
    )

    kim = user("kim", "Kim", "Koordinator", tyreso, (Role.COORDINATOR, association))
    fia = user("fia", "Fia", "Handläggare", fk, (Role.CASE_HANDLER, association))
    wera = user("wera", "Wera", "Återkallad", af, (Role.CASE_HANDLER, association))
    nils = user("nils", "Nils", "Utansamtycke", region, (Role.CASE_HANDLER, association))
    tove = user("tove", "Tove", "Kollega", tyreso, (Role.COORDINATOR, association))
    olle = user("olle", "Olle", "Kansli", office, (Role.ASSOCIATION_OFFICE, association))
    bodil = user("bodil", "Bodil", "Styrelse", tyreso, (Role.BOARD_MEMBER, association))

    number = idnumbers.test_personnummer(date(1990, 5, 17), "F")
    pia = Participant.objects.create(
        association=association,
        controlling_organisation=tyreso,
        kind=Participant.Kind.IDENTIFIED,
        id_number=number.value,
        id_number_kind=number.kind.value,
        first_name="Pia",
        last_name="Persson",
        sex="F",
        birth_date=number.birth_date,
        start_year=2026,
        phone="070-1740605",
        created_by=kim,
    )
    TeamMember.objects.create(participant=pia, user=kim, role="coordinator", added_by=kim)
    fia_membership = TeamMember.objects.create(
        participant=pia, user=fia, role="member", added_by=kim
    )
    for member in (wera, nils):
        TeamMember.objects.create(participant=pia, user=member, role="member", added_by=kim)

    today = timezone.localdate()
    consent_fk = Consent.objects.create(
        participant=pia,
        categories_included=[InformationCategory.WORK_STUDIES, InformationCategory.INCOME],
        categories_excluded=[InformationCategory.HEALTH],
        form=Consent.Form.WRITTEN,
        given_by=Consent.GivenBy.PERSON,
        valid_from=today - timedelta(days=10),
        valid_to=today + timedelta(days=355),
        recorded_by=kim,
    )
    consent_fk.organisations.set([fk])
    consent_af = Consent.objects.create(
        participant=pia,
        categories_included=[InformationCategory.WORK_STUDIES],
        form=Consent.Form.ORAL,
        given_by=Consent.GivenBy.PERSON,
        valid_from=today - timedelta(days=30),
        valid_to=today + timedelta(days=335),
        recorded_by=kim,
        withdrawn_at=timezone.now() - timedelta(days=1),
        withdrawn_by=kim,
        withdrawal_reason="Pia ville inte längre att AF skulle se uppgifterna.",
    )
    consent_af.organisations.set([af])
    return Cast(
        association=association,
        tyreso=tyreso,
        fk=fk,
        af=af,
        region=region,
        kim=kim,
        fia=fia,
        wera=wera,
        nils=nils,
        tove=tove,
        olle=olle,
        bodil=bodil,
        pia=pia,
        consent_fk=consent_fk,
        consent_af=consent_af,
        fia_membership=fia_membership,
    )
