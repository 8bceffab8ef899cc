"""The provider's side: the boards per activity and the attendance register."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samla.accounts.models import Role
from samla.activities.tests.builders import provider
from samla.audit.models import AuditEvent
from samla.people.tests.cast import Cast, sign_in, user
from samla.referrals import actions
from samla.referrals.models import Attendance, ExitReason, Referral
from samla.referrals.tests.builders import Setting, build

State = Referral.State
DAY = date(2026, 3, 2)


@pytest.fixture
def setting(cast: Cast) -> Setting:
    return build(cast)


def referred(cast: Cast, setting: Setting, *, to: str) -> Referral:
    referral = actions.send_referral(
        cast.pia, actor=cast.kim, activity=setting.activity, note="Vill prova."
    )
    if to == State.SENT:
        return referral
    referral = actions.receive(referral, actor=setting.ulla)
    if to == State.WAITLISTED:
        return actions.waitlist(referral, actor=setting.ulla)
    referral = actions.accept(referral, actor=setting.ulla)
    if to == State.ACCEPTED:
        return referral
    referral = actions.start(referral, actor=setting.ulla, started_on=DAY)
    if to == State.ENDED:
        return actions.end(
            referral, actor=setting.ulla, ended_on=DAY, exit_reason=ExitReason.STUDIES
        )
    return referral


def test_the_board_sorts_each_referral_into_its_place(
    cast: Cast, setting: Setting, client: Client
) -> None:
    setting.activity.capacity = 1
    setting.activity.save()
    referred(cast, setting, to=State.STARTED)
    referred(cast, setting, to=State.WAITLISTED)
    sign_in(client, setting.ulla)
    body = client.get("/remisser/").content.decode()
    assert "1 av 1 platser tagna." in body
    new, waiting, taking_part = (
        body.index("Nya remisser att svara på"),
        body.index("Väntelista"),
        body.index("<h3>Deltar</h3>"),
    )
    assert new < waiting < taking_part
    assert body.count("Pia Persson") == 3  # the one sent in the setting, waiting, taking part
    assert f"/utforare/insatser/{setting.activity.pk}/narvaro/" in body


def test_recently_ended_participations_stay_on_the_board_for_their_follow_ups(
    cast: Cast, setting: Setting, client: Client
) -> None:
    ended = actions.end(
        referred(cast, setting, to=State.STARTED),
        actor=setting.ulla,
        ended_on=timezone.localdate() - timedelta(days=200),
        exit_reason=ExitReason.STUDIES,
    )
    long_ago = referred(cast, setting, to=State.ENDED)  # ended on DAY, more than 240 days ago
    sign_in(client, setting.ulla)
    body = client.get("/remisser/").content.decode()
    assert "Avslutade de senaste månaderna" in body
    assert f"/remisser/{ended.pk}/" in body and "Studier" in body
    assert f"/remisser/{long_ago.pk}/" not in body


def test_the_board_costs_the_same_however_many_referrals(cast: Cast, setting: Setting) -> None:
    client = Client()
    sign_in(client, setting.ulla)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/remisser/").status_code == 200
        return len(context)

    few = queries()
    for state in (State.STARTED, State.ACCEPTED, State.SENT, State.STARTED, State.WAITLISTED):
        referred(cast, setting, to=state)
    assert queries() == few


def test_the_board_is_logged_as_a_provider_read(setting: Setting, client: Client) -> None:
    sign_in(client, setting.ulla)
    client.get("/remisser/")
    audit = AuditEvent.objects.latest("pk")
    assert (audit.role, audit.summary) == ("provider", "Inkomna remisser (1 visade)")


def test_attendance_is_recorded_for_those_taking_part_that_day(
    cast: Cast, setting: Setting, client: Client
) -> None:
    taking_part = referred(cast, setting, to=State.STARTED)
    referred(cast, setting, to=State.ACCEPTED)  # not started: not in the register
    sign_in(client, setting.ulla)
    url = f"/utforare/insatser/{setting.activity.pk}/narvaro/?day=2026-03-02"
    body = client.get(url).content.decode()
    assert body.count('type="radio"') == 3  # one person, three answers
    response = client.post(url, {f"r{taking_part.pk}": "present"}, follow=True)
    assert "Närvaron är sparad (1 ändrade)." in response.content.decode()
    attendance = Attendance.objects.get()
    assert (attendance.referral, attendance.on, attendance.status) == (
        taking_part,
        DAY,
        "present",
    )
    audit = AuditEvent.objects.filter(summary="Närvaro", participant_id=cast.pia.pk).get()
    assert audit.role == "provider"
    client.post(url, {f"r{taking_part.pk}": "notified"})
    assert Attendance.objects.get().status == "notified"
    # The day before the start, nobody took part.
    earlier = client.get(url.replace("2026-03-02", "2026-03-01")).content.decode()
    assert "Ingen deltog i insatsen den dagen." in earlier


def test_a_bad_answer_changes_nothing(cast: Cast, setting: Setting, client: Client) -> None:
    taking_part = referred(cast, setting, to=State.STARTED)
    sign_in(client, setting.ulla)
    url = f"/utforare/insatser/{setting.activity.pk}/narvaro/?day=2026-03-02"
    response = client.post(url, {f"r{taking_part.pk}": "maybe"})
    assert response.status_code == 422
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("who", ["kim", "fia", "tove", "olle", "bodil", "colleague", "other"])
def test_only_the_providers_activity_staff_reach_the_register(
    who: str, cast: Cast, setting: Setting, client: Client
) -> None:
    taking_part = referred(cast, setting, to=State.STARTED)
    people = cast.everyone() | {
        "colleague": user("ulf", "Ulf", "Utan", provider(cast)),
        "other": user("rita", "Rita", "R", cast.region, (Role.ACTIVITY_STAFF, cast.association)),
    }
    sign_in(client, people[who])
    url = f"/utforare/insatser/{setting.activity.pk}/narvaro/?day=2026-03-02"
    assert client.get(url).status_code == 404
    assert client.post(url, {f"r{taking_part.pk}": "present"}).status_code == 404
    assert not Attendance.objects.exists()
