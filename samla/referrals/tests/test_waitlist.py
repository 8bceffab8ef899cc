"""Capacity and the fair waitlist: places are never exceeded, the list is first come within
priority, and a freed place is offered to the next in line with a date to answer by."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from samla.audit.models import AuditEvent
from samla.notifications.models import Kind, Notice
from samla.people.tests.cast import Cast, sign_in
from samla.referrals import actions, reminders
from samla.referrals.models import ExitReason, Referral
from samla.referrals.tests.builders import Setting, build

State = Referral.State
DAY = date(2026, 3, 2)


@pytest.fixture
def setting(cast: Cast) -> Setting:
    setting = build(cast)
    setting.activity.capacity = 2
    setting.activity.save()
    return setting


def another(cast: Cast, setting: Setting, priority: int = 0) -> Referral:
    referral = actions.send_referral(
        cast.pia, actor=cast.kim, activity=setting.activity, note="Ny remiss.", priority=priority
    )
    return actions.receive(referral, actor=setting.ulla)


def states(*referrals: Referral) -> list[str]:
    return [Referral.objects.get(pk=r.pk).state for r in referrals]


def test_a_full_activity_refuses_one_more_and_changes_nothing(cast: Cast, setting: Setting) -> None:
    first, second, third = (another(cast, setting) for _ in range(3))
    actions.accept(first, actor=setting.ulla)
    actions.accept(second, actor=setting.ulla)
    before = (AuditEvent.objects.count(), Referral.objects.get(pk=third.pk).version)
    with pytest.raises(actions.ActivityFull) as error:
        actions.accept(third, actor=setting.ulla)
    assert "alla 2 platser är tagna" in str(error.value)
    assert (AuditEvent.objects.count(), Referral.objects.get(pk=third.pk).version) == before
    assert states(first, second, third) == [State.ACCEPTED, State.ACCEPTED, State.RECEIVED]


def test_a_freed_place_goes_to_the_first_in_line(cast: Cast, setting: Setting) -> None:
    first, second = another(cast, setting), another(cast, setting)
    actions.accept(first, actor=setting.ulla)
    actions.accept(second, actor=setting.ulla)
    early, urgent, late = (another(cast, setting, priority=p) for p in (0, 5, 0))
    for referral in (early, urgent, late):
        actions.waitlist(referral, actor=setting.ulla)
    assert Referral.objects.get(pk=urgent.pk).waitlist_position() == 1
    assert Referral.objects.get(pk=early.pk).waitlist_position() == 2
    assert Referral.objects.get(pk=late.pk).waitlist_position() == 3

    actions.start(first, actor=setting.ulla, started_on=DAY)
    actions.end(first, actor=setting.ulla, ended_on=DAY, exit_reason=ExitReason.STUDIES)

    urgent.refresh_from_db()
    assert urgent.state == State.OFFERED
    assert urgent.answer_by == timezone.localdate() + timedelta(days=5)
    event = urgent.events.latest("pk")
    assert event.actor is None and event.from_state == State.WAITLISTED
    audit = AuditEvent.objects.filter(object_id=str(urgent.pk)).latest("pk")
    assert audit.actor_id is None and audit.actor_name == "Samla"
    assert Notice.objects.filter(
        user=cast.kim, kind=Kind.REFERRAL_CHANGED, object_id=f"{urgent.pk}:{event.pk}"
    ).exists()
    assert states(early, late) == [State.WAITLISTED, State.WAITLISTED]

    actions.accept_offer(urgent, actor=cast.kim, note="Pia tackar ja.")
    assert states(urgent) == [State.ACCEPTED]


def test_nobody_jumps_the_waitlist(cast: Cast, setting: Setting) -> None:
    first, second, waiting, newcomer = (another(cast, setting) for _ in range(4))
    actions.accept(first, actor=setting.ulla)
    actions.accept(second, actor=setting.ulla)
    actions.waitlist(waiting, actor=setting.ulla)
    setting.activity.capacity = 3  # a place more, before the daily run has offered it
    setting.activity.save()
    with pytest.raises(actions.ActivityFull) as error:
        actions.accept(newcomer, actor=setting.ulla)
    assert "väntelistan" in str(error.value)
    assert reminders.offer_waiting_places() == 1
    assert states(waiting, newcomer) == [State.OFFERED, State.RECEIVED]


def test_an_offer_not_answered_in_time_goes_to_the_next(cast: Cast, setting: Setting) -> None:
    first, second, next_, after = (another(cast, setting) for _ in range(4))
    actions.accept(first, actor=setting.ulla)
    actions.accept(second, actor=setting.ulla)
    actions.waitlist(next_, actor=setting.ulla)
    actions.waitlist(after, actor=setting.ulla)
    with time_machine.travel(timezone.now(), tick=False):
        actions.withdraw(first, actor=cast.kim)
        next_.refresh_from_db()
        assert next_.state == State.OFFERED
        deadline = next_.answer_by
    assert deadline is not None
    with time_machine.travel(deadline, tick=False):
        assert reminders.lapse_offers() == 0  # the last day to answer is still open
    with time_machine.travel(deadline + timedelta(days=1), tick=False):
        assert reminders.lapse_offers() == 1
    next_.refresh_from_db()
    assert (next_.state, next_.declined_by) == (State.DECLINED, Referral.DeclinedBy.PERSON)
    assert "inte i tid" in next_.events.latest("pk").note
    assert states(after) == [State.OFFERED]
    # Reopened, the person starts from the beginning: sent again, and the provider is told.
    actions.reopen(next_, actor=cast.kim, note="Pia missade brevet.")
    assert states(next_) == [State.SENT]


def test_an_answered_offer_does_not_lapse(cast: Cast, setting: Setting) -> None:
    first, second, waiting = (another(cast, setting) for _ in range(3))
    actions.accept(first, actor=setting.ulla)
    actions.accept(second, actor=setting.ulla)
    actions.waitlist(waiting, actor=setting.ulla)
    actions.decline(
        first, actor=setting.ulla, declined_by=Referral.DeclinedBy.PERSON, reason="Flyttar."
    )
    actions.accept_offer(waiting, actor=cast.kim)
    with time_machine.travel(timezone.now() + timedelta(days=30), tick=False):
        assert reminders.lapse_offers() == 0
    assert states(waiting) == [State.ACCEPTED]


def test_reopening_an_end_needs_a_place(cast: Cast, setting: Setting) -> None:
    first, second, third = (another(cast, setting) for _ in range(3))
    for referral in (first, second):
        actions.accept(referral, actor=setting.ulla)
        actions.start(referral, actor=setting.ulla, started_on=DAY)
    actions.end(first, actor=setting.ulla, ended_on=DAY, exit_reason=ExitReason.MOVED)
    actions.accept(third, actor=setting.ulla)
    with pytest.raises(actions.ActivityFull):
        actions.reopen(first, actor=cast.kim, note="Avslutad av misstag.")
    assert states(first) == [State.ENDED]


def test_the_provider_is_told_of_a_new_referral_and_both_sides_of_an_unanswered_one(
    cast: Cast, setting: Setting
) -> None:
    referral = setting.referral
    assert Notice.objects.filter(user=setting.ulla, kind=Kind.REFERRAL_INCOMING).count() == 1
    assert reminders.flag_unanswered() == 0
    assert not referral.is_unanswered
    later = timezone.now() + timedelta(days=11)
    with time_machine.travel(later, tick=False):
        referral.refresh_from_db()
        assert referral.is_unanswered
        assert reminders.flag_unanswered() == 2
        assert reminders.flag_unanswered() == 0  # once
    told = Notice.objects.filter(kind=Kind.REFERRAL_UNANSWERED)
    assert {n.user for n in told} == {cast.kim, setting.ulla}


def test_the_flag_shows_on_both_sides(cast: Cast, setting: Setting, client: Client) -> None:
    Referral.objects.filter(pk=setting.referral.pk).update(
        sent_at=timezone.now() - timedelta(days=12)
    )
    sign_in(client, cast.kim)
    body = client.get(setting.referral.get_absolute_url()).content.decode()
    assert "Utföraren har inte svarat på 12 dagar." in body
    assert "obesvarad" in client.get(f"/deltagare/{cast.pia.pk}/remisser/").content.decode()
    sign_in(client, setting.ulla)
    assert "obesvarad" in client.get("/remisser/").content.decode()


def test_a_stale_page_is_refused_with_a_message(
    cast: Cast, setting: Setting, client: Client
) -> None:
    actions.receive(setting.referral, actor=setting.ulla)
    sign_in(client, cast.kim)
    url = setting.referral.get_absolute_url()
    response = client.post(url + "withdraw/", {"note": "", "version": 1}, follow=True)
    assert "Någon annan har ändrat remissen" in response.content.decode()
    assert states(setting.referral) == [State.RECEIVED]
