"""Summons and invitations by mail with a calendar file; changes, cancellation, answers,
reminders and clashes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from samla.meetings import actions
from samla.meetings.models import Invitation, Meeting
from samla.meetings.reminders import send_answer_reminders
from samla.meetings.tests.matrix import PiasCouncil, build_council
from samla.notifications.models import Kind, Notice
from samla.people.tests.cast import Cast, sign_in


def run_worker() -> None:
    call_command("db_worker", batch=True, reload=False, verbosity=0)


def event_of(ics: str) -> tuple[str, Any]:
    calendar = Calendar.from_ical(ics)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return str(calendar["METHOD"]), events[0]


def attachment(message: mail.EmailMessage) -> tuple[str, str, str]:
    assert len(message.attachments) == 1
    name, content, mimetype = message.attachments[0]
    return name, content, mimetype


def secrets_of(cast: Cast) -> list[str]:
    return [
        "Pia",
        "Persson",
        cast.pia.id_number,
        cast.pia.formatted_id_number,
        "sjukpenningen",  # what FK is asked
        "närmare arbete",  # the question
        "Resursråd",
    ]


# The worker closes its database connection when done, as in production: the tests that run it
# commit for real (transaction=True) instead of inside a test transaction.
@pytest.mark.django_db(transaction=True)
def test_the_summons_goes_out_with_a_calendar_file_that_an_update_replaces(cast: Cast) -> None:
    pias = build_council(cast)
    run_worker()
    to_fia = [m for m in mail.outbox if m.to == ["fia@example.se"]]
    assert len(to_fia) == 1
    summons = to_fia[0]
    assert summons.subject == "Samla: du är kallad till ett möte"
    assert f"/moten/svar/{pias.fia.token}/" in summons.body
    name, ics, mimetype = attachment(summons)
    assert name == "samla.ics" and mimetype == "text/calendar; method=REQUEST"
    method, event = event_of(ics)
    council = pias.council
    assert method == "REQUEST"
    assert str(event["UID"]) == f"{council.uid}@samla"
    assert int(event["SEQUENCE"]) == 0
    assert str(event["SUMMARY"]) == "Samla: möte"
    assert str(event["LOCATION"]) == council.video_url
    assert council.video_url.startswith("https://mote.example.se/samla-")
    assert str(event["DESCRIPTION"]) == f"http://127.0.0.1:8000/moten/svar/{pias.fia.token}/"
    assert event.decoded("DTSTART") == council.starts_at
    for secret in secrets_of(cast):
        assert secret not in summons.subject and secret not in summons.body and secret not in ics
    assert "kim@example.se" not in {address for m in mail.outbox for address in m.to}

    # Moved by an hour: the same event, a higher sequence, and everyone is asked again.
    actions.answer(pias.fia, actor=cast.fia, response=Invitation.Response.ACCEPTED)
    assert council.starts_at is not None
    actions.summon(
        council,
        actor=cast.kim,
        version=council.version,
        starts_at=council.starts_at + timedelta(hours=1),
        duration_minutes=60,
        mode=Meeting.Mode.DIGITAL,
        place="",
    )
    run_worker()
    change = [m for m in mail.outbox if m.to == ["fia@example.se"]][-1]
    assert change.subject == "Samla: ett möte har ändrats"
    method, moved = event_of(attachment(change)[1])
    assert method == "REQUEST"
    assert str(moved["UID"]) == str(event["UID"])
    assert int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTART") == council.starts_at + timedelta(hours=1)
    assert str(moved["LOCATION"]) == council.video_url  # the same room
    assert Invitation.objects.get(pk=pias.fia.pk).response == Invitation.Response.PENDING

    # Cancelled: METHOD:CANCEL, the same UID, a higher sequence still.
    council.refresh_from_db()
    actions.cancel_meeting(council, actor=cast.kim)
    run_worker()
    cancelled = [m for m in mail.outbox if m.to == ["fia@example.se"]][-1]
    assert cancelled.subject == "Samla: ett möte är inställt"
    name, ics, mimetype = attachment(cancelled)
    assert mimetype == "text/calendar; method=CANCEL"
    method, gone = event_of(ics)
    assert method == "CANCEL"
    assert str(gone["UID"]) == str(event["UID"])
    assert int(gone["SEQUENCE"]) == 2
    assert str(gone["STATUS"]) == "CANCELLED"


@pytest.mark.django_db(transaction=True)
def test_an_invitation_is_worded_as_one_and_a_physical_place_is_the_location(
    cast: Cast,
) -> None:
    meeting = actions.request_meeting(
        cast.pia,
        actor=cast.kim,
        kind=Meeting.Kind.MULTI_PARTY,
        requested_by=Meeting.RequestedBy.PERSON,
        request_note="Alla på en gång",
        question="",
    )
    actions.invite(
        meeting, actor=cast.kim, organisation=cast.fk, user=None, obliged=False, need_to_know=""
    )
    meeting.refresh_from_db()
    actions.summon(
        meeting,
        actor=cast.kim,
        version=meeting.version,
        starts_at=timezone.now() + timedelta(days=2),
        duration_minutes=45,
        mode=Meeting.Mode.PHYSICAL,
        place="Tyresö kommunhus, rum Ekorren",
    )
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["fia@example.se"]  # the organisation's people on the team
    assert message.subject == "Samla: du är inbjuden till ett möte"
    assert "inbjuden" in message.body and "kallad" not in message.body
    _method, event = event_of(attachment(message)[1])
    assert str(event["LOCATION"]) == "Tyresö kommunhus, rum Ekorren"
    assert "OPT-PARTICIPANT" in attachment(message)[1]


def test_a_protected_person_s_calendar_file_has_no_place(cast: Cast, client: Client) -> None:
    pias = build_council(cast)
    cast.pia.protection = "marking"
    cast.pia.save(update_fields=["protection"])
    sign_in(client, cast.kim)
    response = client.get(f"/deltagare/{cast.pia.pk}/moten/{pias.council.pk}/kalender.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    _method, event = event_of(response.content.decode())
    assert "LOCATION" not in event


def test_the_invitee_accepts_or_declines_from_the_link_and_the_organiser_sees_it(
    cast: Cast, client: Client
) -> None:
    pias = build_council(cast)
    answer_url = f"/moten/svar/{pias.fia.token}/"
    sign_in(client, cast.kim)
    kims_view = client.get(answer_url)
    assert kims_view.status_code == 200
    assert "Bara den inbjudna svarar" in kims_view.content.decode()
    assert client.post(answer_url, {"response": "accepted"}).status_code == 403

    sign_in(client, cast.fia)
    page = client.get(answer_url).content.decode()
    assert "Du är kallad" in page
    assert "Pia" not in page and "Persson" not in page
    response = client.post(answer_url, {"response": "declined"})
    assert response.status_code == 302
    assert Invitation.objects.get(pk=pias.fia.pk).response == Invitation.Response.DECLINED
    client.post(answer_url, {"response": "accepted"})
    assert Invitation.objects.get(pk=pias.fia.pk).response == Invitation.Response.ACCEPTED

    sign_in(client, cast.kim)
    detail = client.get(pias.council.get_absolute_url()).content.decode()
    assert "Kommer" in detail


def test_those_who_have_not_answered_are_reminded_once(cast: Cast, time_machine) -> None:
    pias = build_council(cast)
    assert send_answer_reminders() == 0  # just sent: give them time
    time_machine.move_to(timezone.now() + timedelta(days=3))
    assert send_answer_reminders() == 1
    assert send_answer_reminders() == 0
    reminded = Notice.objects.get(kind=Kind.REMINDER)
    assert reminded.user == cast.fia
    assert reminded.path == f"/moten/svar/{pias.fia.token}/"
    actions.answer(pias.fia, actor=cast.fia, response=Invitation.Response.ACCEPTED)
    time_machine.move_to(timezone.now() + timedelta(days=1))
    assert send_answer_reminders() == 0


def test_the_organiser_sees_an_invitee_with_another_samla_meeting_at_that_time(
    cast: Cast, client: Client
) -> None:
    pias = build_council(cast)
    council = pias.council
    assert council.starts_at is not None
    other = actions.request_meeting(
        cast.pia,
        actor=cast.kim,
        kind=Meeting.Kind.SIP,
        requested_by=Meeting.RequestedBy.HANDLER,
        request_note="x",
        question="",
    )
    actions.invite(
        other, actor=cast.kim, organisation=cast.fk, user=cast.fia, obliged=False, need_to_know=""
    )
    other.refresh_from_db()
    actions.summon(
        other,
        actor=cast.kim,
        version=other.version,
        starts_at=council.starts_at + timedelta(minutes=30),
        duration_minutes=30,
        mode=Meeting.Mode.DIGITAL,
        place="",
    )
    sign_in(client, cast.kim)
    page = client.get(council.get_absolute_url()).content.decode()
    assert page.count("Har redan ett Samla-möte då") == 2  # Kim organises both, Fia is in both

    other.refresh_from_db()
    actions.summon(
        other,
        actor=cast.kim,
        version=other.version,
        starts_at=council.starts_at + timedelta(minutes=90),  # the council ends then
        duration_minutes=30,
        mode=Meeting.Mode.DIGITAL,
        place="",
    )
    page = client.get(council.get_absolute_url()).content.decode()
    assert "Har redan ett Samla-möte då" not in page


def test_my_meetings_lists_what_is_ahead_for_me_and_my_organisation(
    cast: Cast, client: Client, django_assert_max_num_queries
) -> None:
    pias: PiasCouncil = build_council(cast)
    sign_in(client, cast.fia)
    with django_assert_max_num_queries(20):
        page = client.get("/moten/").content.decode()
    assert pias.council.get_absolute_url() in page
    assert "Pia Persson" in page
    sign_in(client, cast.wera)
    assert "Persson" not in client.get("/moten/").content.decode()
