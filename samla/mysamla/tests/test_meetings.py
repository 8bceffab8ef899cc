"""Kalla till möte and Mina möten (issue 16, part 2): the person calls a meeting themselves, it
lands with their coordinator, who summons it as any other; the person follows it to the summons
(time, video link, calendar file) and to the decisions of the meeting held."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from samla.audit.models import AuditEvent
from samla.meetings import actions
from samla.meetings.models import Decision, Invitation, Meeting
from samla.meetings.tests.matrix import build_council
from samla.mysamla.tests.person import another_participant, enter_as, person_user
from samla.notifications.models import Notice
from samla.people.models import InformationCategory, Participant, TeamMember
from samla.people.tests.cast import Cast, sign_in

pytestmark = pytest.mark.django_db

NEW = "/min-samla/moten/ny/"
MINE = "/min-samla/moten/"
REFUSED = "Du kan bara bjuda in organisationer som ditt samtycke gäller för."


def page(meeting: Meeting) -> str:
    return f"/min-samla/moten/{meeting.pk}/"


def request_form(cast: Cast, *organisations: Any, **extra: str) -> dict[str, Any]:
    return {
        "kind": Meeting.Kind.RESOURCE_COUNCIL,
        "organisations": [str(o.pk) for o in organisations] or [str(cast.tyreso.pk)],
        "request_note": "Jag vill att alla hör samma sak på en gång.",
        "question": "Hur kan jag komma tillbaka till arbete?",
        "preferred_times": "Förmiddagar, inte fredagar.",
    } | extra


def ask(client: Client, cast: Cast, *organisations: Any) -> Meeting:
    response = client.post(NEW, request_form(cast, *organisations))
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get(requested_by_user__isnull=False)
    assert response["Location"] == page(meeting)
    return meeting


def summon(meeting: Meeting, cast: Cast, **place: Any) -> Meeting:
    meeting.refresh_from_db()
    summoned, _told = actions.summon(
        meeting,
        actor=cast.kim,
        version=meeting.version,
        starts_at=timezone.localtime() + timedelta(days=7),
        duration_minutes=90,
        mode=place.get("mode", Meeting.Mode.DIGITAL),
        place=place.get("place", ""),
    )
    return summoned


def test_the_person_is_offered_their_controller_and_the_organisations_their_consent_names(
    cast: Cast, client: Client
) -> None:
    enter_as(client, cast.pia)
    response = client.get(NEW)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'value="{cast.tyreso.pk}"' in body and "Tyresö kommun" in body
    assert f'value="{cast.fk.pk}"' in body and "Försäkringskassan" in body
    # AF's consent was withdrawn; no consent names Region Stockholm.
    assert "Arbetsförmedlingen" not in body and "Region Stockholm" not in body


@pytest.mark.parametrize("who", ["af", "region"])
def test_an_organisation_the_consent_does_not_name_is_refused_and_nothing_is_made(
    cast: Cast, client: Client, who: str
) -> None:
    enter_as(client, cast.pia)
    organisation = getattr(cast, who)
    response = client.post(NEW, request_form(cast, cast.fk, organisation))
    assert response.status_code == 422
    assert REFUSED in response.content.decode()
    assert not Meeting.objects.exists() and not Invitation.objects.exists()

    # The action refuses it too, in the person's words, whoever calls it.
    with pytest.raises(ValidationError, match="Ditt samtycke gäller inte för"):
        actions.request_meeting_as_person(
            cast.pia,
            actor=person_user(cast.pia),
            kind=Meeting.Kind.MULTI_PARTY,
            organisations=[organisation],
            request_note="x",
            question="y",
            preferred_times="",
        )
    assert not Meeting.objects.exists()


def test_the_request_lands_in_the_coordinators_worklist_and_the_person_sees_it_waiting(
    cast: Cast, client: Client
) -> None:
    person = enter_as(client, cast.pia)
    meeting = ask(client, cast, cast.tyreso, cast.fk)
    assert meeting.state == Meeting.State.REQUESTED
    assert meeting.kind == Meeting.Kind.RESOURCE_COUNCIL
    assert meeting.requested_by == Meeting.RequestedBy.PERSON
    assert meeting.organiser == cast.kim and meeting.created_by == person
    assert meeting.preferred_times == "Förmiddagar, inte fredagar."
    invited = {(i.organisation_id, i.user_id, i.response) for i in meeting.invitations.all()}
    assert invited == {
        (cast.tyreso.pk, cast.kim.pk, Invitation.Response.ACCEPTED),
        (cast.fk.pk, None, Invitation.Response.PENDING),
    }
    made = AuditEvent.objects.get(actor_id=person.pk, action=AuditEvent.Action.CREATE)
    assert made.role == "person" and made.participant_id == cast.pia.pk

    shown = client.get(page(meeting)).content.decode()
    assert "Du har begärt mötet" in shown
    assert "Din koordinator förbereder mötet och väljer en tid." in shown
    assert "Försäkringskassan" in shown and "din koordinator, som kallar" in shown
    assert "Kim" not in shown  # organisations and roles, not the staff's names
    listed = client.get(MINE).content.decode()
    assert "Möten som förbereds" in listed and page(meeting) in listed

    staff = Client()
    sign_in(staff, cast.kim)
    worklist = staff.get("/arbetslista/").content.decode()
    assert "Begäran från personen" in worklist
    assert f"/deltagare/{cast.pia.pk}/moten/{meeting.pk}/forbered/" in worklist
    meetings = staff.get(f"/deltagare/{cast.pia.pk}/moten/").content.decode()
    assert "Begäran från personen" in meetings
    detail = staff.get(meeting.get_absolute_url()).content.decode()
    assert "Personen själv, i Min Samla" in detail and "Förmiddagar, inte fredagar." in detail

    sign_in(staff, cast.tove)  # a coordinator at Tyresö, but not Pia's
    assert "Begäran från personen" not in staff.get("/arbetslista/").content.decode()


def test_after_the_coordinator_summons_the_person_sees_the_time_and_link_and_gets_the_ics(
    cast: Cast, client: Client
) -> None:
    person = enter_as(client, cast.pia)
    meeting = summon(ask(client, cast, cast.tyreso, cast.fk), cast)
    assert meeting.starts_at is not None and meeting.video_url
    local = timezone.localtime(meeting.starts_at)

    shown = client.get(page(meeting)).content.decode()
    assert "Din koordinator har kallat till mötet." in shown
    assert meeting.video_url in shown
    months = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti"]
    months += ["september", "oktober", "november", "december"]
    assert f"{local.day} {months[local.month - 1]} {local.year}" in shown
    assert f"klockan {local:%H:%M}" in shown
    assert f"/min-samla/moten/{meeting.pk}/kalender.ics" in shown
    assert "Kommande möten" in client.get(MINE).content.decode()

    response = client.get(f"/min-samla/moten/{meeting.pk}/kalender.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content.decode())
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{meeting.uid}@samla"
    assert str(event["SUMMARY"]) == "Samla: möte"
    assert str(event["LOCATION"]) == meeting.video_url
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTEND") == meeting.ends_at
    assert str(event["DESCRIPTION"]).endswith(f"/min-samla/moten/{meeting.pk}/")
    assert "Pia" not in response.content.decode()
    read = AuditEvent.objects.filter(actor_id=person.pk, action=AuditEvent.Action.VIEW).last()
    assert read is not None and read.role == "person" and "kalenderfil" in read.summary


def test_a_person_who_chose_notices_is_told_of_the_summons_neutrally(
    cast: Cast, client: Client
) -> None:
    person = enter_as(client, cast.pia)
    client.post("/min-samla/meddelanden/", {"email": "pia@example.se", "on_person_news": "on"})
    meeting = summon(ask(client, cast, cast.tyreso, cast.fk), cast)
    [notice] = Notice.objects.filter(user=person)
    assert notice.kind == "person_news" and notice.path == "/min-samla/"
    assert notice.object_id == f"{meeting.pk}:kallelse-{meeting.sequence}"
    assert notice.ics == ""  # no place, no time: those are in Min Samla


def test_a_held_meeting_shows_its_decisions_and_nothing_of_the_preparation(
    cast: Cast, client: Client, time_machine: Any
) -> None:
    pias = build_council(cast)  # asked for by Kim, with a preparatory meeting among the staff
    council = pias.council
    assert council.starts_at is not None
    time_machine.move_to(council.starts_at + timedelta(minutes=10))
    actions.record_minutes(
        council,
        actor=cast.kim,
        version=council.version,
        minutes="Internt: Fia tyckte att Pia verkade trött.",
        minutes_category=InformationCategory.WORK_STUDIES,
        person_present=True,
        attended={},
        decisions=[
            actions.DecisionInput(
                text="Pia börjar praktik på biblioteket i januari.",
                need="",
                responsible_organisation=cast.tyreso,
                responsible_person=cast.kim,
                due_date=date(2027, 1, 31),
                category=InformationCategory.WORK_STUDIES,
            )
        ],
        new_plan=actions.NewPlan(goals="Jag vill arbeta.", follow_up_date=date(2027, 3, 1)),
    )
    assert Decision.objects.count() == 1
    enter_as(client, cast.pia)

    listed = client.get(MINE).content.decode()
    assert "Tidigare möten" in listed and page(council) in listed
    assert page(pias.preparatory) not in listed
    shown = client.get(page(council)).content.decode()
    assert "Mötet är hållet." in shown
    assert "Pia börjar praktik på biblioteket i januari." in shown
    assert "Ansvarig: Tyresö kommun" in shown and "31 januari 2027" in shown
    assert "Internt" not in shown  # the minutes are not the person's page
    assert "sjukpenningen" not in shown  # what FK was asked to bring
    assert "kalender.ics" not in shown
    assert client.get(page(pias.preparatory)).status_code == 404


def test_another_person_gets_not_found_and_sees_none_of_pias_meetings(
    cast: Cast, client: Client
) -> None:
    enter_as(client, cast.pia)
    meeting = summon(ask(client, cast, cast.fk), cast)
    enter_as(client, another_participant(cast))
    assert client.get(page(meeting)).status_code == 404
    assert client.get(f"/min-samla/moten/{meeting.pk}/kalender.ics").status_code == 404
    listed = client.get(MINE).content.decode()
    assert page(meeting) not in listed and "Kommande möten" in listed
    # Nor may Per ask for a meeting about Pia's record.
    before = Meeting.objects.count()
    response = client.post(NEW, request_form(cast, record=str(cast.pia.pk)))
    assert response.status_code == 404
    assert Meeting.objects.count() == before


def test_staff_get_not_found_on_the_persons_meeting_pages(cast: Cast, client: Client) -> None:
    enter_as(client, cast.pia)
    meeting = ask(client, cast)
    staff = Client()
    sign_in(staff, cast.kim)
    for url in (MINE, NEW, page(meeting)):
        assert staff.get(url).status_code == 404


@pytest.mark.parametrize(
    "field, value",
    [
        ("organisations", "<script>alert(1)</script>"),
        ("organisations", "-1"),
        ("organisations", "9" * 30),
        ("organisations", ""),
        ("kind", Meeting.Kind.PREPARATORY),
        ("kind", "sip\x00"),
        ("request_note", "x" * 2001),
        ("request_note", "hej\x00då"),
        ("question", "   "),
        ("preferred_times", "x" * 501),
    ],
)
def test_hostile_input_is_refused_in_words_and_nothing_is_made(
    cast: Cast, client: Client, field: str, value: str
) -> None:
    enter_as(client, cast.pia)
    response = client.post(NEW, request_form(cast, cast.fk) | {field: value})
    assert response.status_code == 422
    assert 'class="errorlist' in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("record", ["abc", "0", "9" * 30, "-5"])
def test_a_record_that_is_not_the_persons_is_not_found(
    cast: Cast, client: Client, record: str
) -> None:
    enter_as(client, cast.pia)
    assert client.get(NEW, {"record": record}).status_code == 404
    assert client.post(NEW, request_form(cast, record=record)).status_code == 404
    assert not Meeting.objects.exists()


def test_a_person_without_a_coordinator_is_told_whom_to_contact(cast: Cast, client: Client) -> None:
    TeamMember.objects.filter(participant=cast.pia, role=TeamMember.Role.COORDINATOR).update(
        removed_at=timezone.now()
    )
    enter_as(client, cast.pia)
    response = client.post(NEW, request_form(cast))
    assert response.status_code == 422
    assert "Du har ingen koordinator i Samla just nu" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_protected_person_calls_their_controller_only_and_no_notice_reveals_them(
    cast: Cast, client: Client
) -> None:
    Participant.objects.filter(pk=cast.pia.pk).update(
        protection=Participant.Protection.PROTECTED_REGISTRATION
    )
    enter_as(client, cast.pia)
    form = client.get(NEW).content.decode()
    assert "Du har skyddade personuppgifter" in form
    assert "Försäkringskassan" not in form
    refused = client.post(NEW, request_form(cast, cast.fk))
    assert refused.status_code == 422 and REFUSED in refused.content.decode()
    assert not Meeting.objects.exists()

    meeting = ask(client, cast, cast.tyreso)
    # Kim brings a colleague from Tyresö (the existing flow) and summons to an address.
    TeamMember.objects.create(
        participant=cast.pia, user=cast.tove, role="member", added_by=cast.kim
    )
    actions.invite(
        meeting,
        actor=cast.kim,
        organisation=cast.tyreso,
        user=cast.tove,
        obliged=True,
        need_to_know="",
    )
    summon(meeting, cast, mode=Meeting.Mode.PHYSICAL, place="Storgatan 1, Tyresö")
    call_command("db_worker", batch=True, reload=False, verbosity=0)
    [summons] = [m for m in mail.outbox if m.to == ["tove@example.se"]]
    [(_name, ics, _type)] = summons.attachments
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert "LOCATION" not in event
    for secret in ("Pia", "Persson", cast.pia.id_number, "Storgatan", "arbete"):
        assert secret not in summons.subject and secret not in summons.body and secret not in ics
    assert {address for m in mail.outbox for address in m.to} == {"tove@example.se"}

    # The person herself sees where it is, in Min Samla.
    shown = client.get(page(meeting)).content.decode()
    assert "Storgatan 1, Tyresö" in shown
