"""Requesting and preparing a meeting: who may be invited (R2, R6), and who may open it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from samla.meetings import actions
from samla.meetings.models import Invitation, Meeting
from samla.meetings.tests.matrix import build_council
from samla.people import actions as people_actions
from samla.people.models import Participant
from samla.people.tests.cast import Cast, sign_in

REGION_REFUSED = (
    "Personens samtycke omfattar inte Region Stockholm. Registrera ett nytt samtycke som "
    "omfattar organisationen innan du bjuder in den."
)


def url(cast: Cast, meeting: Meeting | None = None, rest: str = "") -> str:
    base = f"/deltagare/{cast.pia.pk}/moten/"
    return base + (f"{meeting.pk}/" if meeting else "") + rest


def test_the_coordinator_records_a_request_from_the_person(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    assert url(cast) in client.get(cast.pia.get_absolute_url()).content.decode()
    response = client.post(
        url(cast, rest="nytt/"),
        {
            "kind": Meeting.Kind.MULTI_PARTY,
            "requested_by": Meeting.RequestedBy.PERSON,
            "request_note": "Jag vill slippa berätta allt igen för var och en.",
            "question": "",
        },
    )
    meeting = Meeting.objects.get(participant=cast.pia)
    assert response.status_code == 302
    assert response["Location"] == url(cast, meeting, "forbered/")
    assert meeting.state == Meeting.State.REQUESTED
    assert meeting.requested_by == Meeting.RequestedBy.PERSON
    organiser = Invitation.objects.get(meeting=meeting)
    assert (organiser.user, organiser.response) == (cast.kim, Invitation.Response.ACCEPTED)
    page = client.get(url(cast, meeting)).content.decode()
    assert "Jag vill slippa berätta allt igen" in page


def test_an_organisation_the_consent_does_not_name_cannot_be_invited(
    cast: Cast, client: Client
) -> None:
    council = build_council(cast, summon=False).council
    sign_in(client, cast.kim)
    response = client.post(
        url(cast, council, "forbered/"),
        {"step": "invite", "organisation": cast.region.pk, "need_to_know": "Vårdens bild"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert REGION_REFUSED in page
    assert f'href="/deltagare/{cast.pia.pk}/samtycken/nytt/"' in page
    assert not Invitation.objects.filter(meeting=council, organisation=cast.region).exists()

    # AF's consent was withdrawn: AF is refused the same way until a new consent names it.
    with pytest.raises(Exception, match="omfattar inte Arbetsförmedlingen"):
        actions.invite(
            council, actor=cast.kim, organisation=cast.af, user=None, obliged=False, need_to_know=""
        )
    people_actions.record_consent(
        actor=cast.kim,
        participant=cast.pia,
        organisations=[cast.af],
        categories_included=["work_studies"],
        categories_excluded=[],
        form="written",
        given_by="person",
        valid_from=timezone.localdate(),
        valid_to=None,
    )
    response = client.post(
        url(cast, council, "forbered/"),
        {"step": "invite", "organisation": cast.af.pk, "user": cast.wera.pk, "obliged": "on"},
    )
    assert response.status_code == 302
    assert Invitation.objects.get(meeting=council, user=cast.wera).obliged


def test_a_person_invited_by_name_must_be_on_the_team(cast: Cast) -> None:
    council = build_council(cast, summon=False).council
    with pytest.raises(Exception, match="finns inte i personens team"):
        actions.invite(
            council,
            actor=cast.kim,
            organisation=cast.tyreso,
            user=cast.tove,
            obliged=False,
            need_to_know="",
        )


def test_an_invitee_whose_consent_lapses_can_no_longer_open_the_meeting(
    cast: Cast, client: Client
) -> None:
    council = build_council(cast).council
    sign_in(client, cast.fia)
    assert client.get(url(cast, council)).status_code == 200
    people_actions.withdraw_consent(cast.consent_fk, actor=cast.kim, reason="Pia ångrade sig.")
    assert client.get(url(cast, council)).status_code == 404
    assert client.get(url(cast, council, "kalender.ics")).status_code == 404
    token = Invitation.objects.get(meeting=council, user=cast.fia).token
    assert client.get(f"/moten/svar/{token}/").status_code == 404
    assert client.post(f"/moten/svar/{token}/", {"response": "accepted"}).status_code == 404
    sign_in(client, cast.kim)
    page = client.get(url(cast, council)).content.decode()
    assert "Samtycket omfattar inte längre organisationen" in page


def test_another_organisation_sees_only_the_meetings_it_is_invited_to(
    cast: Cast, client: Client
) -> None:
    invited = build_council(cast).council
    other = actions.request_meeting(
        cast.pia,
        actor=cast.kim,
        kind=Meeting.Kind.SIP,
        requested_by=Meeting.RequestedBy.HANDLER,
        request_note="Samordna kommunens insatser",
        question="",
    )
    sign_in(client, cast.fia)
    listing = client.get(url(cast)).content.decode()
    assert url(cast, invited) in listing and url(cast, other) not in listing
    assert client.get(url(cast, other)).status_code == 404
    # What Tyresö needs from itself is not for FK's eyes; FK's own part is.
    page = client.get(url(cast, invited)).content.decode()
    assert "Hur ser sjukpenningen ut framåt?" in page


def test_a_protected_person_s_meeting_takes_no_other_organisation(cast: Cast) -> None:
    Participant.objects.filter(pk=cast.pia.pk).update(
        protection=Participant.Protection.PROTECTED_REGISTRATION
    )
    cast.pia.refresh_from_db()
    meeting = actions.request_meeting(
        cast.pia,
        actor=cast.kim,
        kind=Meeting.Kind.MULTI_PARTY,
        requested_by=Meeting.RequestedBy.PERSON,
        request_note="x",
        question="",
    )
    with pytest.raises(Exception, match="skyddade personuppgifter"):
        actions.invite(
            meeting, actor=cast.kim, organisation=cast.fk, user=None, obliged=False, need_to_know=""
        )


def test_a_preparatory_meeting_invites_the_same_parties_with_their_questions(
    cast: Cast, client: Client
) -> None:
    pias = build_council(cast, summon=False)
    preparatory = pias.preparatory
    assert preparatory.kind == Meeting.Kind.PREPARATORY and preparatory.prepares == pias.council
    copied = Invitation.objects.get(meeting=preparatory, organisation=cast.fk)
    assert copied.need_to_know == "Hur ser sjukpenningen ut framåt?"
    sign_in(client, cast.kim)
    page = client.get(url(cast, preparatory, "forbered/")).content.decode()
    assert "Det här behöver vi veta från varje part" in page
    assert "Hur ser sjukpenningen ut framåt?" in page
    detail = client.get(url(cast, preparatory)).content.decode()
    assert "Personen berättar först" not in detail  # staff only: no agenda with the person
    assert client.post(url(cast, preparatory, "forberedande/")).status_code == 302
    assert Meeting.objects.filter(prepares=preparatory).count() == 0


def test_the_question_is_not_lost_when_two_edit_at_once(cast: Cast, client: Client) -> None:
    council = build_council(cast, summon=False).council
    council.refresh_from_db()
    loaded = council.version
    sign_in(client, cast.kim)
    first = client.post(
        url(cast, council, "forbered/"),
        {"step": "question", "question": "Kims fråga", "request_note": "", "version": loaded},
    )
    assert first.status_code == 302
    second = client.post(
        url(cast, council, "forbered/"),
        {"step": "question", "question": "Kollegans fråga", "request_note": "", "version": loaded},
    )
    assert second.status_code == 409
    body = second.content.decode()
    assert "Någon annan sparade mötet" in body
    assert "Kims fråga" in body and "Kollegans fråga" in body
    council.refresh_from_db()
    assert council.question == "Kims fråga"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"starts_at": "2001-01-01T10:00"}, "Tiden har redan passerat"),
        ({"duration_minutes": "0"}, "större än eller lika med 1"),
        ({"duration_minutes": "481"}, "mindre än eller lika med 480"),
        ({"mode": "physical", "place": ""}, "Skriv var mötet hålls"),
        ({"mode": "teleport"}, "Välj ett giltigt alternativ"),
        ({"place": "x" * 201, "mode": "physical"}, "som mest 200 tecken"),
    ],
)
def test_a_summons_with_bad_input_is_refused(
    cast: Cast, client: Client, change: dict[str, str], message: str
) -> None:
    council = build_council(cast, summon=False).council
    council.refresh_from_db()
    sign_in(client, cast.kim)
    starts = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    form = {
        "starts_at": starts,
        "duration_minutes": "60",
        "mode": "digital",
        "place": "",
        "version": council.version,
    }
    response = client.post(url(cast, council, "kalla/"), {**form, **change})
    assert response.status_code == 422
    assert message in response.content.decode()
    council.refresh_from_db()
    assert council.state == Meeting.State.REQUESTED


def test_text_is_limited_and_html_is_escaped(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    too_long = client.post(
        url(cast, rest="nytt/"),
        {"kind": "sip", "requested_by": "person", "request_note": "x" * 2001},
    )
    assert too_long.status_code == 422
    assert not Meeting.objects.exists()
    client.post(
        url(cast, rest="nytt/"),
        {"kind": "sip", "requested_by": "person", "request_note": "<script>alert(1)</script>"},
    )
    meeting = Meeting.objects.get()
    page = client.get(url(cast, meeting)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    refused = client.post(
        url(cast, rest="nytt/"),
        {"kind": "preparatory", "requested_by": "person", "request_note": "x"},
    )
    assert refused.status_code == 422
