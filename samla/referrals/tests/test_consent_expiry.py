"""A consent that expires reaches the referrals that rested on it, as a withdrawn one does
(issue 14, item 2): the daily run withdraws each referral not yet started, to a provider the
ended consent named and no consent in force names, with the reason "Samtycket har upphört att
gälla"; the referrer is told, a place it held goes to the next in line, and a second run changes
nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from samla.activities.tests.builders import provider
from samla.audit.models import AuditEvent
from samla.notifications.models import Kind, Notice
from samla.notifications.tasks import run_daily
from samla.people.models import Consent, InformationCategory, Participant
from samla.people.tests.cast import Cast, sign_in
from samla.referrals import actions, reminders
from samla.referrals.models import Referral, ReferralEvent
from samla.referrals.tests.builders import Setting, build

State = Referral.State
REASON = "Samtycket har upphört att gälla"
NOTE = "Pia vill prova arbetsträning."

# The setting is built on 1 March; the consent naming the provider runs to 31 March.
BUILT = datetime(2027, 3, 1, 10, 0, tzinfo=timezone.get_default_timezone())
LAST_DAY = date(2027, 3, 31)


def at(day: date) -> time_machine.travel:
    return time_machine.travel(
        datetime.combine(day, datetime.min.time(), timezone.get_default_timezone())
        + timedelta(hours=7),
        tick=False,
    )


def consent_naming_provider(
    cast: Cast, participant: Participant, *, valid_from: date, valid_to: date | None
) -> Consent:
    consent = Consent.objects.create(
        participant=participant,
        categories_included=[InformationCategory.WORK_STUDIES],
        form=Consent.Form.WRITTEN,
        given_by=Consent.GivenBy.PERSON,
        valid_from=valid_from,
        valid_to=valid_to,
        recorded_by=cast.kim,
    )
    consent.organisations.set([provider(cast)])
    return consent


@pytest.fixture
def setting(cast: Cast) -> Setting:
    """Pia's consent naming the provider runs from 1 to 31 March; she is referred on 1 March."""
    with time_machine.travel(BUILT, tick=False):
        built = build(cast, with_consent=False)
        consent_naming_provider(cast, cast.pia, valid_from=BUILT.date(), valid_to=LAST_DAY)
        built.referral = actions.send_referral(
            cast.pia, actor=cast.kim, activity=built.activity, note=NOTE
        )
    return built


def reload(referral: Referral) -> Referral:
    return Referral.objects.get(pk=referral.pk)


def another_consent(cast: Cast, *, valid_to: date | None) -> Consent:
    return consent_naming_provider(cast, cast.pia, valid_from=date(2027, 3, 15), valid_to=valid_to)


def test_a_consent_that_ended_yesterday_withdraws_its_referrals_once(
    cast: Cast, setting: Setting
) -> None:
    with time_machine.travel(BUILT, tick=False):
        accepted = actions.accept(
            actions.receive(
                actions.send_referral(
                    cast.pia, actor=cast.kim, activity=setting.activity, note="B."
                ),
                actor=setting.ulla,
            ),
            actor=setting.ulla,
        )
    sent = setting.referral
    before = getattr(AuditEvent.objects.last(), "pk", 0)

    with at(LAST_DAY + timedelta(days=1)):
        assert reminders.withdraw_after_expired_consents() == 2

    for referral, was in ((sent, State.SENT), (accepted, State.ACCEPTED)):
        now = reload(referral)
        assert now.state == State.WITHDRAWN
        last = now.events.last()
        assert last is not None
        assert (last.from_state, last.to_state) == (was, State.WITHDRAWN)
        assert last.actor is None and last.note == REASON
        assert Notice.objects.filter(
            user=cast.kim, kind=Kind.REFERRAL_CHANGED, object_id=f"{referral.pk}:{last.pk}"
        ).exists()
    logged = AuditEvent.objects.filter(pk__gt=before)
    assert {e.summary for e in logged} == {
        "Samtycket har upphört: remisser som vilade på det återkallade",
        "Remiss: Skickad → Återkallad",
        "Remiss: Antagen → Återkallad",
    }
    assert {e.actor_name for e in logged} == {"Samla"}
    assert actions.places_left(setting.activity) == setting.activity.capacity

    counts = (
        ReferralEvent.objects.count(),
        Notice.objects.count(),
        AuditEvent.objects.count(),
    )
    with at(LAST_DAY + timedelta(days=2)):
        assert reminders.withdraw_after_expired_consents() == 0
    assert counts == (
        ReferralEvent.objects.count(),
        Notice.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_referrer_reads_the_reason(cast: Cast, setting: Setting, client: Client) -> None:
    with at(LAST_DAY + timedelta(days=1)):
        reminders.withdraw_after_expired_consents()
        sign_in(client, cast.kim)
        page = client.get(f"/deltagare/{cast.pia.pk}/remisser/{setting.referral.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert REASON in body and "Återkallad" in body
    assert "Samtycket återkallat" not in body


def test_a_consent_in_force_on_its_last_day_leaves_the_referral(
    cast: Cast, setting: Setting
) -> None:
    with at(LAST_DAY):
        assert reminders.withdraw_after_expired_consents() == 0
    assert reload(setting.referral).state == State.SENT
    assert not setting.referral.events.filter(to_state=State.WITHDRAWN).exists()


def test_another_consent_in_force_naming_the_provider_keeps_the_referral(
    cast: Cast, setting: Setting
) -> None:
    another_consent(cast, valid_to=date(2027, 12, 31))
    with at(LAST_DAY + timedelta(days=1)):
        assert reminders.withdraw_after_expired_consents() == 0
    assert reload(setting.referral).state == State.SENT
    # Once that one has ended too, nothing covers the provider any more.
    with at(date(2028, 1, 1)):
        assert reminders.withdraw_after_expired_consents() == 1
    assert reload(setting.referral).state == State.WITHDRAWN


def test_a_participation_under_way_stays(cast: Cast, setting: Setting) -> None:
    with time_machine.travel(BUILT, tick=False):
        ulla = setting.ulla
        started = actions.start(
            actions.accept(actions.receive(setting.referral, actor=ulla), actor=ulla),
            actor=ulla,
            started_on=BUILT.date(),
        )
    with at(LAST_DAY + timedelta(days=1)):
        assert reminders.withdraw_after_expired_consents() == 0
    assert reload(started).state == State.STARTED


def test_a_freed_place_goes_to_the_next_in_line(cast: Cast, setting: Setting) -> None:
    from samla.referrals.tests.test_consent_withdrawal import per

    with time_machine.travel(BUILT, tick=False):
        setting.activity.capacity = 1
        setting.activity.save()
        ulla = setting.ulla
        pias = actions.accept(actions.receive(setting.referral, actor=ulla), actor=ulla)
        pers = actions.waitlist(
            actions.receive(
                actions.send_referral(
                    per(cast), actor=cast.kim, activity=setting.activity, note="Per."
                ),
                actor=ulla,
            ),
            actor=ulla,
        )
    with at(LAST_DAY + timedelta(days=1)):
        reminders.withdraw_after_expired_consents()
    assert reload(pias).state == State.WITHDRAWN
    offered = reload(pers)
    assert offered.state == State.OFFERED
    assert offered.answer_by == LAST_DAY + timedelta(days=1 + settings.SAMLA_WAITLIST_OFFER_DAYS)


def test_the_daily_run_does_it(cast: Cast, setting: Setting, client: Client) -> None:
    assert "samla.referrals.reminders.withdraw_after_expired_consents" in (
        settings.SAMLA_DAILY_TASKS
    )
    with at(LAST_DAY + timedelta(days=1)):
        run_daily.call()
        sign_in(client, setting.ulla)
        board = client.get("/remisser/").content.decode()
    assert reload(setting.referral).state == State.WITHDRAWN
    assert "Pia Persson" not in board and NOTE not in board
