"""Invitations that would reach nobody (issue 14, item 4): an organisation invited without a
name goes to its people on the team or, when none of them may see the person, to the receivers
its administrator keeps; a summons that would reach nobody is refused with the reason. The one
who accepts joins the team if the consent permits; if not, the organiser is told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from samla.accounts.models import Receiver, Role, RoleAssignment
from samla.audit.models import AuditEvent
from samla.meetings import actions
from samla.meetings.models import Invitation, Meeting
from samla.notifications.models import Kind, Notice
from samla.people import actions as people_actions
from samla.people.models import Consent, TeamMember
from samla.people.tests.cast import Cast, sign_in, user

pytestmark = pytest.mark.usefixtures("db", "module_cast")


@pytest.fixture
def frida(cast: Cast):
    """A case handler at Försäkringskassan, not on Pia's team."""
    return user("frida", "Frida", "Mottagare", cast.fk, (Role.CASE_HANDLER, cast.association))


@pytest.fixture
def council(cast: Cast) -> Meeting:
    """A resource council for Pia to which Försäkringskassan is invited without a name, while
    nobody of Försäkringskassan is on her team (the council's usual case)."""
    people_actions.remove_team_member(cast.fia_membership, actor=cast.kim)
    meeting = actions.request_meeting(
        cast.pia,
        actor=cast.kim,
        kind=Meeting.Kind.RESOURCE_COUNCIL,
        requested_by=Meeting.RequestedBy.HANDLER,
        request_note="Alla på en gång.",
        question="Vilket stöd behöver Pia?",
    )
    actions.invite(
        meeting, actor=cast.kim, organisation=cast.fk, user=None, obliged=True, need_to_know=""
    )
    meeting.refresh_from_db()
    return meeting


def schedule_form(
    meeting: Meeting, place: str = "Tyresö kommunhus, rum Ekorren"
) -> dict[str, str | int]:
    meeting.refresh_from_db()
    when = timezone.localtime(timezone.now() + timedelta(days=5)).replace(hour=10, minute=0)
    return {
        "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "75",
        "mode": Meeting.Mode.PHYSICAL,
        "place": place,
        "version": meeting.version,
    }


def schedule_url(meeting: Meeting) -> str:
    return meeting.get_absolute_url() + "kalla/"


def test_a_summons_that_would_reach_nobody_is_refused_with_the_reason(
    cast: Cast, client: Client, council: Meeting
) -> None:
    sign_in(client, cast.kim)
    prepared = client.get(council.get_absolute_url() + "forbered/").content.decode()
    assert "Når ingen" in prepared
    form = schedule_form(council, place="Rum Lärkan, plan 3")
    response = client.post(schedule_url(council), form)
    page = response.content.decode()
    assert response.status_code == 422
    assert "Kallelsen till Försäkringskassan når ingen" in page
    assert "be organisationsadministratören för Försäkringskassan att ange mottagare" in page
    assert 'value="Rum Lärkan, plan 3"' in page and 'value="75"' in page  # kept as typed
    council.refresh_from_db()
    assert council.state == Meeting.State.REQUESTED and council.starts_at is None
    assert not Notice.objects.exists()
    assert Invitation.objects.get(meeting=council, organisation=cast.fk).sent_sequence is None


def test_an_invitation_added_to_a_summoned_meeting_that_reaches_nobody_is_refused(
    cast: Cast, client: Client, frida, council: Meeting
) -> None:
    Receiver.objects.create(organisation=cast.fk, association=cast.association, user=frida)
    sign_in(client, cast.kim)
    assert client.post(schedule_url(council), schedule_form(council)).status_code == 302
    response = client.post(
        council.get_absolute_url() + "forbered/",
        {"step": "invite", "organisation": cast.region.pk, "need_to_know": "Vårdkontakt?"},
    )
    # The region is named by no consent: refused for that first, and nothing is added.
    assert response.status_code == 422
    assert Invitation.objects.filter(meeting=council, organisation=cast.region).count() == 0
    cast.consent_fk.organisations.add(cast.region)
    nils = TeamMember.objects.current().get(participant=cast.pia, user=cast.nils)
    people_actions.remove_team_member(nils, actor=cast.kim)
    response = client.post(
        council.get_absolute_url() + "forbered/",
        {"step": "invite", "organisation": cast.region.pk, "need_to_know": "Vårdkontakt?"},
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "Kallelsen till Region Stockholm når ingen" in page
    assert "Vårdkontakt?" in page
    assert not Invitation.objects.filter(meeting=council, organisation=cast.region).exists()


def test_the_invitation_reaches_the_receiver_who_answers_and_joins_the_team(
    cast: Cast, client: Client, frida, council: Meeting
) -> None:
    Receiver.objects.create(organisation=cast.fk, association=cast.association, user=frida)
    sign_in(client, cast.kim)
    response = client.post(schedule_url(council), schedule_form(council), follow=True)
    assert "Kallelsen är skickad. 1 meddelande med kalenderfil går ut." in response.content.decode()
    notice = Notice.objects.get(user=frida)
    assert notice.kind == Kind.SUMMONED
    invitation = Invitation.objects.get(meeting=council, organisation=cast.fk)

    sign_in(client, frida)
    start = client.get("/").content.decode()
    assert "Kallelser som väntar på ditt svar" in start
    assert invitation.get_absolute_url() in start
    assert "Pia" not in start
    assert invitation.get_absolute_url() in client.get("/moten/").content.decode()
    worklist = client.get("/arbetslista/").content.decode()
    assert "Kallelser som väntar på ditt svar" in worklist
    assert invitation.get_absolute_url() in worklist and "Pia" not in worklist
    answer = client.get(invitation.get_absolute_url())
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "rum Ekorren" in page and "Kim Koordinator" in page
    assert "Pia" not in page and "Persson" not in page
    assert client.get(council.get_absolute_url()).status_code == 404

    response = client.post(invitation.get_absolute_url(), {"response": "accepted"}, follow=True)
    assert "Du är nu med i personens team" in response.content.decode()
    assert "Pia Persson" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.ACCEPTED
    assert (invitation.user, invitation.answered_by) == (frida, frida)
    assert TeamMember.objects.current().filter(participant=cast.pia, user=frida).exists()
    assert "Kallelser som väntar på ditt svar" not in client.get("/").content.decode()
    # The log says what allowed both writes: the consent that names FK, and her role
    consent = Consent.objects.in_force(timezone.localdate()).get(
        participant=cast.pia, organisations=cast.fk
    )
    writes = AuditEvent.objects.filter(actor_id=frida.pk, participant_id=cast.pia.pk).exclude(
        action=AuditEvent.Action.VIEW
    )
    assert {e.summary for e in writes} == {"Svarade på kallelse: Kommer", "Lade till teammedlem"}
    assert {(e.consent_id, e.role) for e in writes} == {(consent.pk, "case_handler")}


def test_a_receiver_the_consent_no_longer_covers_answers_and_the_organiser_is_told(
    cast: Cast, client: Client, frida, council: Meeting
) -> None:
    Receiver.objects.create(
        organisation=cast.fk, association=cast.association, role=Role.CASE_HANDLER
    )
    sign_in(client, cast.kim)
    response = client.post(schedule_url(council), schedule_form(council), follow=True)
    # Fia and Frida both hold the role: two messages.
    assert "2 meddelanden med kalenderfil går ut." in response.content.decode()
    people_actions.withdraw_consent(cast.consent_fk, actor=cast.kim, reason="Pia ångrade sig.")
    invitation = Invitation.objects.get(meeting=council, organisation=cast.fk)

    sign_in(client, frida)
    response = client.post(invitation.get_absolute_url(), {"response": "accepted"}, follow=True)
    page = response.content.decode()
    assert "inget gällande samtycke omfattar Försäkringskassan" in page
    assert "Pia" not in page
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.ACCEPTED
    assert invitation.user is None and invitation.answered_by == frida
    assert not TeamMember.objects.current().filter(participant=cast.pia, user=frida).exists()
    told = Notice.objects.get(user=cast.kim)
    assert told.kind == Kind.OUTSIDE_TEAM and told.path == council.get_absolute_url()

    sign_in(client, cast.kim)
    page = client.get(council.get_absolute_url()).content.decode()
    assert "Frida Mottagare, Försäkringskassan, har tackat ja men kan inte läggas till" in page


def test_only_the_organisation_s_receivers_reach_the_invitation(
    cast: Cast, client: Client, frida, council: Meeting
) -> None:
    fredrik = user("fredrik", "Fredrik", "Annan", cast.fk, (Role.CASE_HANDLER, cast.association))
    Receiver.objects.create(organisation=cast.fk, association=cast.association, user=frida)
    sign_in(client, cast.kim)
    client.post(schedule_url(council), schedule_form(council))
    invitation = Invitation.objects.get(meeting=council, organisation=cast.fk)
    for outsider in (fredrik, cast.nils, cast.tove):
        sign_in(client, outsider)
        assert client.get(invitation.get_absolute_url()).status_code == 404
        answered = client.post(invitation.get_absolute_url(), {"response": "accepted"})
        assert answered.status_code == 404
        assert "Kallelser som väntar på ditt svar" not in client.get("/").content.decode()
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.PENDING


def test_a_team_member_of_the_organisation_is_told_before_the_receivers(
    cast: Cast, frida, council: Meeting
) -> None:
    people_actions.add_team_member(cast.pia, actor=cast.kim, user=cast.fia)
    Receiver.objects.create(organisation=cast.fk, association=cast.association, user=frida)
    council.refresh_from_db()
    _saved, told = actions.summon(
        council,
        actor=cast.kim,
        version=council.version,
        starts_at=timezone.now() + timedelta(days=3),
        duration_minutes=60,
        mode=Meeting.Mode.DIGITAL,
        place="",
    )
    assert told == 1
    assert list(Notice.objects.values_list("user__username", flat=True)) == ["fia"]


def test_a_receiver_by_role_needs_the_role_in_the_person_s_association(
    cast: Cast, frida, council: Meeting
) -> None:
    Receiver.objects.create(
        organisation=cast.fk, association=cast.association, role=Role.COORDINATOR
    )
    council.refresh_from_db()
    with pytest.raises(Exception, match="når ingen"):
        actions.summon(
            council,
            actor=cast.kim,
            version=council.version,
            starts_at=timezone.now() + timedelta(days=3),
            duration_minutes=60,
            mode=Meeting.Mode.DIGITAL,
            place="",
        )
    RoleAssignment.objects.create(user=frida, role=Role.COORDINATOR, association=cast.association)
    frida.refresh_from_db()
    council.refresh_from_db()
    _saved, told = actions.summon(
        council,
        actor=cast.kim,
        version=council.version,
        starts_at=timezone.now() + timedelta(days=3),
        duration_minutes=60,
        mode=Meeting.Mode.DIGITAL,
        place="",
    )
    assert told == 1
