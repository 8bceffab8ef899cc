"""The access rule itself, and its audit rows (R2, R3, R4, R6)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.http import Http404
from django.test import Client
from django.utils import timezone

from samla.audit.chain import verify_chain
from samla.audit.models import AuditEvent
from samla.people import actions
from samla.people.access import get_participant_for_user, would_allow
from samla.people.models import InformationCategory, Participant
from samla.people.tests.cast import Cast, sign_in


def visible(cast: Cast, who: str) -> bool:
    user = cast.everyone()[who]
    return Participant.objects.visible_to(user).filter(pk=cast.pia.pk).exists()


def test_who_sees_pia(cast: Cast) -> None:
    assert {who for who in cast.everyone() if visible(cast, who)} == {"kim", "fia"}


def test_withdrawal_takes_effect_at_once(cast: Cast) -> None:
    actions.withdraw_consent(cast.consent_fk, actor=cast.kim, reason="Pia återkallade i telefon.")
    assert not visible(cast, "fia")
    with pytest.raises(Http404):
        get_participant_for_user(cast.fia, cast.pia.pk, purpose="Översikt")


def test_an_expired_consent_no_longer_lets_anyone_in(cast: Cast, time_machine) -> None:
    assert cast.consent_fk.valid_to is not None
    time_machine.move_to(cast.consent_fk.valid_to + timedelta(days=1))
    assert not visible(cast, "fia")
    assert visible(cast, "kim")


def test_a_consent_not_yet_begun_lets_no_one_in(cast: Cast) -> None:
    today = timezone.localdate()
    consent = actions.record_consent(
        actor=cast.kim,
        participant=cast.pia,
        organisations=[cast.region],
        categories_included=["work_studies"],
        categories_excluded=[],
        form="written",
        given_by="person",
        valid_from=today + timedelta(days=3),
        valid_to=None,
    )
    assert consent.state() == consent.State.UPCOMING
    assert not visible(cast, "nils")


def test_a_new_consent_naming_the_region_lets_its_team_member_in(cast: Cast) -> None:
    actions.record_consent(
        actor=cast.kim,
        participant=cast.pia,
        organisations=[cast.region],
        categories_included=["health"],
        categories_excluded=[],
        form="digital",
        given_by="person",
        valid_from=timezone.localdate(),
        valid_to=None,
    )
    assert visible(cast, "nils")


def test_losing_the_role_ends_access(cast: Cast) -> None:
    cast.fia.role_assignments.all().delete()
    assert not visible(cast, "fia")


def test_leaving_the_team_ends_access(cast: Cast) -> None:
    actions.remove_team_member(cast.fia_membership, actor=cast.kim)
    assert not visible(cast, "fia")


def test_a_protected_identity_is_seen_only_by_the_controlling_organisation(cast: Cast) -> None:
    Participant.objects.filter(pk=cast.pia.pk).update(
        protection=Participant.Protection.PROTECTED_REGISTRATION
    )
    assert visible(cast, "kim")
    assert not visible(cast, "fia")
    access = get_participant_for_user(cast.kim, cast.pia.pk, purpose="Översikt")
    event = AuditEvent.objects.get(participant_id=access.participant.pk, action="view")
    assert event.flagged


def test_each_participant_page_view_adds_exactly_one_audit_row(cast: Cast, client: Client) -> None:
    sign_in(client, cast.fia)
    before = getattr(AuditEvent.objects.last(), "pk", 0)
    response = client.get(cast.pia.get_absolute_url())
    assert response.status_code == 200
    events = list(AuditEvent.objects.filter(pk__gt=before))
    assert len(events) == 1
    event = events[0]
    assert event.action == AuditEvent.Action.VIEW
    assert event.participant_id == cast.pia.pk
    assert event.actor_id == cast.fia.pk
    assert event.organisation_id == cast.fk.pk
    assert event.consent_id == cast.consent_fk.pk
    assert event.role == "case_handler"
    assert event.request_id == response["X-Request-ID"]
    assert verify_chain().ok


def test_a_refused_read_writes_no_audit_row(cast: Cast, client: Client) -> None:
    sign_in(client, cast.nils)
    before = AuditEvent.objects.filter(participant_id=cast.pia.pk).count()
    assert client.get(cast.pia.get_absolute_url()).status_code == 404
    assert AuditEvent.objects.filter(participant_id=cast.pia.pk).count() == before


def test_a_missing_participant_and_a_forbidden_one_look_the_same(
    cast: Cast, client: Client
) -> None:
    sign_in(client, cast.nils)
    forbidden = client.get(cast.pia.get_absolute_url())
    missing = client.get("/deltagare/999999/")
    assert forbidden.status_code == missing.status_code == 404

    def without_tokens(body: bytes) -> str:
        tokens = r'(csrfmiddlewaretoken" value="|X-CSRFToken": "|name="next" type="hidden" value=")'
        return re.sub(
            tokens + '[^"]+',
            "",
            body.decode(),
        )

    assert without_tokens(forbidden.content) == without_tokens(missing.content)


def test_consent_excluding_contact_details_hides_them_from_another_organisation(
    cast: Cast, client: Client
) -> None:
    sign_in(client, cast.fia)
    body = client.get(cast.pia.get_absolute_url()).content.decode()
    assert "070-1740605" not in body
    assert "Samtycket omfattar inte kontaktuppgifter." in body
    sign_in(client, cast.kim)
    assert "070-1740605" in client.get(cast.pia.get_absolute_url()).content.decode()


def test_would_allow_follows_the_consents_categories_without_logging(cast: Cast) -> None:
    before = AuditEvent.objects.count()
    assert would_allow(cast.kim, cast.pia, InformationCategory.HEALTH)
    assert would_allow(cast.fia, cast.pia, InformationCategory.WORK_STUDIES)
    assert not would_allow(cast.fia, cast.pia, InformationCategory.HEALTH)
    assert not would_allow(cast.nils, cast.pia, InformationCategory.WORK_STUDIES)
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("situation", ["as_cast", "withdrawn", "protected", "expired", "no_role"])
def test_a_team_says_who_of_it_sees_the_person_as_the_rule_does(
    cast: Cast, situation: str, time_machine
) -> None:
    """``team_with_access`` asks the rule from the members' side, in one query: each member's
    "sees" is what ``visible_to`` answers for that member, whatever has changed."""
    from samla.accounts.models import RoleAssignment, User
    from samla.people.access import team_with_access
    from samla.people.models import TeamMember

    outsider = User.objects.create_user(username="utan", password="x", organisation=None)
    RoleAssignment.objects.create(user=outsider, role="case_handler", association=cast.association)
    for joining in (cast.tove, cast.olle, cast.bodil, outsider):
        TeamMember.objects.create(
            participant=cast.pia, user=joining, role="member", added_by=cast.kim
        )
    if situation == "withdrawn":
        actions.withdraw_consent(cast.consent_fk, actor=cast.kim, reason="Pia ångrade sig.")
    elif situation == "protected":
        Participant.objects.filter(pk=cast.pia.pk).update(
            protection=Participant.Protection.PROTECTED_REGISTRATION
        )
    elif situation == "expired":
        assert cast.consent_fk.valid_to is not None
        time_machine.move_to(cast.consent_fk.valid_to + timedelta(days=1))
    elif situation == "no_role":
        RoleAssignment.objects.filter(user=cast.fia).delete()
    pia = Participant.objects.get(pk=cast.pia.pk)

    team = team_with_access(pia)

    assert len(team) == 8
    for member, sees in team:
        assert sees == Participant.objects.visible_to(member.user).filter(pk=pia.pk).exists(), (
            member.user.username
        )
    seeing = {member.user.username for member, sees in team if sees}
    assert seeing == ({"kim", "tove"} if situation != "as_cast" else {"kim", "tove", "fia"})


@pytest.mark.parametrize(
    "state", ["draft", "upcoming", "in_force", "open_ended", "ended", "withdrawn"]
)
def test_the_rule_lets_in_exactly_the_consents_in_force(cast: Cast, state: str) -> None:
    """``Sees`` writes the conditions of a consent in force out in SQL: it lets the region's
    handler in exactly when ``Consent.objects.in_force`` holds the consent naming the region."""
    from samla.people.models import Consent

    today = timezone.localdate()
    consent = Consent.objects.create(
        participant=cast.pia,
        categories_included=[InformationCategory.HEALTH],
        form=Consent.Form.DIGITAL if state == "draft" else Consent.Form.WRITTEN,
        given_by=Consent.GivenBy.PERSON,
        valid_from=today + timedelta(days=2) if state == "upcoming" else today - timedelta(days=5),
        valid_to={"ended": today - timedelta(days=1), "open_ended": None}.get(
            state, today + timedelta(days=30)
        ),
        given_at=None if state == "draft" else timezone.now(),
        withdrawn_at=timezone.now() if state == "withdrawn" else None,
        withdrawal_reason="Nils region ska inte längre se." if state == "withdrawn" else "",
        recorded_by=cast.kim,
    )
    consent.organisations.set([cast.region])

    in_force = Consent.objects.in_force(today).filter(pk=consent.pk).exists()

    assert in_force == (state in {"in_force", "open_ended"})
    assert visible(cast, "nils") == in_force
