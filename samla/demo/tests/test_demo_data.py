from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.db.models import Max, Sum
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.se import orgnr

from samla.accounts.models import Role, User
from samla.demo.data import municipal_shares
from samla.demo.logins import DEMO_PASSWORD, demo_logins
from samla.organisations.models import Association, AssociationMember, Organisation
from samla.people import idnumbers
from samla.people.models import Consent, InformationCategory, Participant, TeamMember

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load() -> str:
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "participants": Participant.objects.count(),
        "team": TeamMember.objects.count(),
        "consents": Consent.objects.count(),
    }


def test_builds_both_associations_with_their_members():
    load()

    associations = {a.short_name: a for a in Association.objects.select_related("organisation")}
    assert set(associations) == {"Sofint", "Östra Södertörn"}
    assert associations["Sofint"].name == "Samordningsförbundet Sofint"
    assert all(a.organisation.kind == Organisation.Kind.ASSOCIATION for a in associations.values())
    codes = dict(
        Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).values_list(
            "name", "municipality__code"
        )
    )
    assert codes == {
        "Hällefors kommun": "1863",
        "Lindesbergs kommun": "1885",
        "Ljusnarsbergs kommun": "1864",
        "Nora kommun": "1884",
        "Tyresö kommun": "0138",
        "Haninge kommun": "0136",
        "Nynäshamns kommun": "0192",
    }
    numbers = Organisation.objects.values_list("organisation_number", flat=True)
    assert all(orgnr.is_valid(number) for number in numbers)
    assert Organisation.objects.get(name="Försäkringskassan").organisation_number == "202100-5521"
    sofint_members = set(
        associations["Sofint"].memberships.values_list("organisation__name", "kind")
    )
    assert ("Stiftelsen Activa", AssociationMember.Kind.PARTNER) in sofint_members
    assert ("Arbetsförmedlingen", AssociationMember.Kind.MEMBER) in sofint_members
    assert associations["Sofint"].target_groups.count() == 7


def test_member_shares_sum_to_exactly_one_hundred_per_association():
    load()

    for association in Association.objects.all():
        members = association.memberships.filter(kind=AssociationMember.Kind.MEMBER)
        assert members.aggregate(total=Sum("financing_share"))["total"] == Decimal(100)
        assert members.get(organisation__name="Försäkringskassan").financing_share == 50
        assert members.get(organisation__name="Arbetsförmedlingen").financing_share == 0
        partners = association.memberships.filter(kind=AssociationMember.Kind.PARTNER)
        assert partners.exists()
        assert all(p.financing_share == 0 for p in partners)


def test_municipal_shares_are_thousandths_that_add_up_exactly():
    shares = municipal_shares({"a": 1, "b": 1, "c": 1}, Decimal(25))

    assert sum(shares.values()) == Decimal("25.000")
    assert sorted(shares.values()) == [Decimal("8.333"), Decimal("8.333"), Decimal("8.334")]


def test_every_demo_login_exists_and_signs_in_with_the_shared_password():
    load()

    logins = demo_logins()
    assert 18 <= len(logins) <= 25
    for username, password, description in logins:
        assert password == DEMO_PASSWORD
        assert description
        user = authenticate(username=username, password=password)
        assert user is not None, username
        validate_password(password, user)
        assert user.organisation is not None
        assert user.email.endswith("@example.se")
        assert not user.is_superuser
        assert not user.is_staff
        assert user.role_assignments.exists()
    assert not TOTPDevice.objects.exists()
    assert User.objects.filter(role_assignments__role=Role.ORG_ADMIN).count() >= 3


def test_coordinator_and_handler_logins_have_people_to_show():
    load()

    for username in [
        "koordinator.tyreso",
        "koordinator.lindesberg",
        "handlaggare.fk.sofint",
        "handlaggare.af.sodertorn",
        "handlaggare.region.stockholm",
    ]:
        user = User.objects.get(username=username)
        assert TeamMember.objects.current().filter(user=user).count() >= 20, username
        assert Participant.objects.visible_to(user).count() >= 10, username
    for username in ["kansli.sofint", "styrelse.sodertorn", "admin.fk"]:
        user = User.objects.get(username=username)
        assert not Participant.objects.visible_to(user).exists(), username


def test_participants_are_invented_with_test_identity_numbers():
    load()

    participants = list(Participant.objects.all())
    assert 280 <= len(participants) <= 320
    anonymous = [p for p in participants if p.is_anonymous]
    identified = [p for p in participants if not p.is_anonymous]
    assert 8 <= len(anonymous) <= 12
    for p in anonymous:
        assert (p.id_number, p.first_name, p.last_name, p.phone, p.email) == ("",) * 5
        assert p.birth_date is None and p.street_address == ""
    protected = [p for p in participants if p.is_protected]
    assert 5 <= len(protected) <= 8
    assert all((p.street_address, p.postal_code, p.city) == ("", "", "") for p in protected)

    kinds = {kind: 0 for kind in idnumbers.IdNumberKind}
    for p in identified:
        number = idnumbers.parse(p.id_number)
        assert number.value == p.id_number
        assert number.kind.value == p.id_number_kind
        assert number.birth_date == p.birth_date
        kinds[number.kind] += 1
        if number.kind is idnumbers.IdNumberKind.RESERVE:
            assert p.sex in ("F", "M")
        else:
            assert idnumbers.is_test_number(number), p.id_number
            assert number.legal_sex == p.sex
        assert 16 <= (p.age() or 0) <= 64
        assert 2023 <= p.start_year <= timezone.localdate().year
        if p.phone:
            assert p.phone.startswith("070-174 06 ")
            assert 5 <= int(p.phone[-2:]) <= 99
        if p.email:
            assert p.email.endswith("@example.se")
    assert kinds[idnumbers.IdNumberKind.RESERVE] == 2
    assert kinds[idnumbers.IdNumberKind.SAMORDNINGSNUMMER] >= 4
    assert any(p.former_reserve_number for p in identified)
    assert any(p.interpreter_language for p in identified)
    assert any(p.sign_language for p in identified)
    assert any(p.accessibility_needs for p in identified)


def test_every_participant_has_a_coordinator_from_the_controlling_organisation():
    load()

    for p in Participant.objects.prefetch_related("team_members__user"):
        coordinators = [
            m
            for m in p.team_members.all()
            if m.role == TeamMember.Role.COORDINATOR and m.removed_at is None
        ]
        assert len(coordinators) == 1
        assert coordinators[0].user.organisation_id == p.controlling_organisation_id
    assert TeamMember.objects.filter(removed_at__isnull=False).exists()


def test_consents_come_in_every_state():
    load()

    consents = list(Consent.objects.prefetch_related("organisations"))
    assert {c.state() for c in consents} == set(Consent.State)
    categories = set(InformationCategory.values)
    for consent in consents:
        assert consent.organisations.all(), consent.pk
        assert set(consent.categories_included) <= categories
        assert set(consent.categories_excluded) <= categories
        if consent.given_by != Consent.GivenBy.PERSON:
            assert consent.given_by_name
    assert any(c.given_by == Consent.GivenBy.GUARDIAN for c in consents)
    assert any("health" in c.categories_excluded for c in consents)
    assert any(c.replaces_id for c in consents)
    assert Participant.objects.filter(
        kind=Participant.Kind.IDENTIFIED, consents__isnull=True
    ).exists()


def test_loading_again_changes_nothing():
    load()
    before = row_counts()

    out = load()

    assert row_counts() == before
    assert "Demodata finns redan." in out
    assert "koordinator.tyreso" in out


def test_generate_data_adds_exactly_the_participants_asked_for():
    out = StringIO()
    call_command("generate_data", "--participants", "200", stdout=out)  # loads the demo first

    assert Association.objects.count() == 2
    after_first = Participant.objects.count()
    assert after_first == 300 + 200
    last_pk = Participant.objects.aggregate(last=Max("pk"))["last"]

    call_command(
        "generate_data", "--participants", "200", "--association", "Östra Södertörn", stdout=out
    )

    assert Participant.objects.count() == after_first + 200
    assert Participant.objects.filter(association__short_name="Östra Södertörn").count() == 350
    added = Participant.objects.filter(pk__gt=last_pk)
    assert added.count() == 200
    assert Consent.objects.filter(participant__in=added).exists()
    assert TeamMember.objects.filter(participant__in=added).count() >= 200
