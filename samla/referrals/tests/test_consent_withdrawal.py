"""A consent's withdrawal reaches the referrals that rested on it (issue 14, item 2): one not yet
started is withdrawn by Samla in the withdrawal's transaction with the reason "Samtycket
återkallat" and the referrer told; a participation under way stays the provider's own record
(attendance, measurements) without the person's name, the note or the referrer's notes; a place
offered from the waitlist goes to the next in line."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from samla import idnumbers
from samla.activities.tests.builders import individual, provider
from samla.audit.models import AuditEvent
from samla.notifications.models import Kind, Notice
from samla.people import actions as people_actions
from samla.people.models import Consent, InformationCategory, Participant, TeamMember
from samla.people.tests.cast import Cast, sign_in
from samla.referrals import actions
from samla.referrals.models import Attendance, Referral
from samla.referrals.provider import record_attendance
from samla.referrals.tests.builders import Setting, build, consent_for_provider

State = Referral.State
NOTE = "Pia vill prova arbetsträning."  # what the setting's referral shares with the provider


@pytest.fixture
def setting(cast: Cast) -> Setting:
    return build(cast)


def provider_consent(cast: Cast) -> Consent:
    return Consent.objects.get(participant=cast.pia, organisations=provider_org(cast))


def provider_org(cast: Cast) -> int:
    return provider(cast).pk


def withdraw(cast: Cast) -> None:
    people_actions.withdraw_consent(
        provider_consent(cast), actor=cast.kim, reason="Pia ringde och ångrade sig."
    )


def reload(referral: Referral) -> Referral:
    return Referral.objects.get(pk=referral.pk)


def test_referrals_not_yet_started_are_withdrawn_with_the_reason_and_the_referrer_told(
    cast: Cast, setting: Setting
) -> None:
    sent = setting.referral
    received = actions.receive(
        actions.send_referral(cast.pia, actor=cast.kim, activity=setting.activity, note="B."),
        actor=setting.ulla,
    )
    accepted = actions.accept(
        actions.receive(
            actions.send_referral(cast.pia, actor=cast.kim, activity=setting.activity, note="C."),
            actor=setting.ulla,
        ),
        actor=setting.ulla,
    )
    before = getattr(AuditEvent.objects.last(), "pk", 0)

    withdraw(cast)

    for referral in (sent, received, accepted):
        now = reload(referral)
        assert now.state == State.WITHDRAWN
        last = now.events.last()
        assert last is not None
        assert (last.from_state, last.to_state) == (referral.state, State.WITHDRAWN)
        assert last.actor is None and last.note == "Samtycket återkallat"
        assert Notice.objects.filter(
            user=cast.kim, kind=Kind.REFERRAL_CHANGED, object_id=f"{referral.pk}:{last.pk}"
        ).exists()
    logged = AuditEvent.objects.filter(pk__gt=before)
    assert {e.summary for e in logged} >= {
        "Återkallade samtycke",
        "Remiss: Skickad → Återkallad",
        "Remiss: Mottagen → Återkallad",
        "Remiss: Antagen → Återkallad",
    }
    assert actions.places_left(setting.activity) == setting.activity.capacity


def test_a_referral_another_consent_in_force_still_allows_stays(
    cast: Cast, setting: Setting
) -> None:
    older = provider_consent(cast)
    consent_for_provider(cast)  # a second consent naming the provider
    people_actions.withdraw_consent(older, actor=cast.kim, reason="Ersatt av ett nytt.")
    assert reload(setting.referral).state == State.SENT


def test_a_consent_not_naming_the_provider_leaves_the_referral_alone(
    cast: Cast, setting: Setting
) -> None:
    people_actions.withdraw_consent(cast.consent_fk, actor=cast.kim, reason="Bara FK.")
    assert reload(setting.referral).state == State.SENT


def test_a_withdrawal_that_fails_withdraws_no_referral(
    cast: Cast, setting: Setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction: when the referral's step cannot be logged, the consent stays in force
    and the referral stays sent."""
    from samla.referrals import actions as module

    def the_log_is_down(**kwargs: object) -> None:
        raise RuntimeError("the log is down")

    monkeypatch.setattr(module, "record", the_log_is_down)
    with pytest.raises(RuntimeError):
        withdraw(cast)
    assert provider_consent(cast).withdrawn_at is None
    assert reload(setting.referral).state == State.SENT


@pytest.mark.django_db(transaction=True)
def test_the_referrers_mail_is_neutral(cast: Cast) -> None:
    setting = build(cast)
    withdraw(cast)
    call_command("db_worker", batch=True, reload=False, verbosity=0)
    to_kim = [m for m in mail.outbox if m.to == ["kim@example.se"]]
    assert len(to_kim) == 1
    assert f"/deltagare/{cast.pia.pk}/remisser/{setting.referral.pk}/" in to_kim[0].body
    for secret in ("Pia", "Persson", "arbetsträning", "Mia Vidare", "samtycke", "Samtycke"):
        assert secret not in f"{to_kim[0].subject}\n{to_kim[0].body}"


def test_the_provider_no_longer_sees_the_name_or_the_note(
    cast: Cast, setting: Setting, client: Client
) -> None:
    sign_in(client, setting.ulla)
    detail = f"/remisser/{setting.referral.pk}/"
    assert "Pia Persson" in client.get("/remisser/").content.decode()
    assert NOTE in client.get(detail).content.decode()

    withdraw(cast)

    board = client.get("/remisser/").content.decode()
    assert "Pia Persson" not in board and "Inga nya remisser." in board
    page = client.get(detail)
    body = page.content.decode()
    assert page.status_code == 200
    for secret in ("Pia", "Persson", NOTE):
        assert secret not in body
    assert f"Remiss {setting.referral.pk} (namnet visas inte: inget gällande samtycke)" in body
    assert "Återkallad" in body and "Samtycket återkallat" in body


def test_a_participation_under_way_stays_the_providers_without_what_the_referral_shared(
    cast: Cast, setting: Setting, client: Client
) -> None:
    """The referrer's own note on a step (Pia said yes to a place) was shared content too."""
    setting.activity.capacity = 1
    setting.activity.save()
    ulla = setting.ulla
    holder = actions.accept(actions.receive(setting.referral, actor=ulla), actor=ulla)
    waiting = actions.waitlist(
        actions.receive(
            actions.send_referral(cast.pia, actor=cast.kim, activity=setting.activity, note=NOTE),
            actor=ulla,
        ),
        actor=ulla,
    )
    actions.withdraw(holder, actor=cast.kim)  # frees the place: offered to the waiting one
    offered = reload(waiting)
    assert offered.state == State.OFFERED
    actions.accept_offer(offered, actor=cast.kim, note="Pia ringde från Tyresö och tackade ja.")
    started_on = timezone.localdate() - timedelta(days=3)
    taking_part = actions.start(reload(offered), actor=ulla, started_on=started_on)
    record_attendance(
        setting.activity, actor=ulla, day=started_on, statuses={taking_part.pk: "present"}
    )

    withdraw(cast)

    assert reload(taking_part).state == State.STARTED
    assert Attendance.objects.filter(referral=taking_part, status="present").count() == 1
    sign_in(client, ulla)
    label = f"Remiss {taking_part.pk} (namnet visas inte: inget gällande samtycke)"
    pages = {
        "board": "/remisser/",
        "detail": f"/remisser/{taking_part.pk}/",
        "attendance": f"/utforare/insatser/{setting.activity.pk}/narvaro/?day={started_on}",
        "measurement": f"/remisser/{taking_part.pk}/matningar/start/registrera/",
    }
    for name, address in pages.items():
        page = client.get(address)
        body = page.content.decode()
        assert page.status_code == 200, name
        assert label in body, name
        for secret in ("Pia", "Persson", NOTE, "Tyresö och tackade"):
            assert secret not in body, (name, secret)
    attendance = client.get(pages["attendance"]).content.decode()
    assert re.search(rf'name="r{taking_part.pk}" value="present"[^>]*checked', attendance)


def test_the_controlling_organisations_own_activity_keeps_the_name(
    cast: Cast, setting: Setting, client: Client
) -> None:
    """No consent was needed where the provider controls the record: nothing to withdraw."""
    own = individual(cast, name="Tyresö jobbstart", provider=cast.tyreso)
    referral = actions.send_referral(cast.pia, actor=cast.kim, activity=own, note="Egen.")
    withdraw(cast)
    assert reload(referral).state == State.SENT
    sharing = Referral.objects.with_sharing().get(pk=referral.pk)
    assert sharing.shown_to_provider == "Pia Persson"


def per(cast: Cast) -> Participant:
    """A second person, Per, with a consent naming the provider."""
    number = idnumbers.test_personnummer(date(1988, 2, 3), "M")
    person = Participant.objects.create(
        association=cast.association,
        controlling_organisation=cast.tyreso,
        kind=Participant.Kind.IDENTIFIED,
        id_number=number.value,
        id_number_kind=number.kind.value,
        first_name="Per",
        last_name="Persbo",
        sex="M",
        birth_date=number.birth_date,
        start_year=2026,
        created_by=cast.kim,
    )
    TeamMember.objects.create(
        participant=person, user=cast.kim, role="coordinator", added_by=cast.kim
    )
    today = timezone.localdate()
    consent = Consent.objects.create(
        participant=person,
        categories_included=[InformationCategory.WORK_STUDIES],
        form=Consent.Form.WRITTEN,
        given_by=Consent.GivenBy.PERSON,
        valid_from=today - timedelta(days=1),
        recorded_by=cast.kim,
    )
    consent.organisations.set([provider_org(cast)])
    return person


def test_a_place_offered_to_the_person_goes_to_the_next_in_line(
    cast: Cast, setting: Setting, client: Client
) -> None:
    setting.activity.capacity = 1
    setting.activity.save()
    ulla = setting.ulla
    pers = per(cast)
    holder = actions.accept(
        actions.receive(
            actions.send_referral(pers, actor=cast.kim, activity=setting.activity, note="Per."),
            actor=ulla,
        ),
        actor=ulla,
    )
    pias = actions.waitlist(actions.receive(setting.referral, actor=ulla), actor=ulla)
    pers_second = actions.waitlist(
        actions.receive(
            actions.send_referral(pers, actor=cast.kim, activity=setting.activity, note="Per 2."),
            actor=ulla,
        ),
        actor=ulla,
    )
    actions.withdraw(holder, actor=cast.kim)
    assert reload(pias).state == State.OFFERED

    withdraw(cast)

    assert reload(pias).state == State.WITHDRAWN
    assert reload(pias).answer_by is None
    next_in_line = reload(pers_second)
    assert next_in_line.state == State.OFFERED and next_in_line.answer_by is not None
    sign_in(client, ulla)
    board = client.get("/remisser/").content.decode()
    assert "Per Persbo" in board and "Pia Persson" not in board
