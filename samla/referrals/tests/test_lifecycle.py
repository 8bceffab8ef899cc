"""The referral state machine, step by step, and what every step leaves behind."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from samla.accounts.models import User
from samla.activities.tests.builders import structural
from samla.audit.models import AuditEvent
from samla.concurrency import Stale
from samla.notifications.models import Kind, Notice
from samla.people.models import Participant
from samla.people.tests.cast import Cast
from samla.referrals import actions
from samla.referrals.models import ExitReason, InvalidTransition, Referral, ReferralEvent
from samla.referrals.tests.builders import Setting, build

State = Referral.State
TODAY = date(2026, 3, 2)

# Each step's action, the state it leads to from an open state (reopen: from a closed one).
STEPS: dict[str, tuple[str, Callable[[Referral, User], Referral]]] = {
    "receive": (State.RECEIVED, lambda r, u: actions.receive(r, actor=u)),
    "accept": (State.ACCEPTED, lambda r, u: actions.accept(r, actor=u)),
    "waitlist": (State.WAITLISTED, lambda r, u: actions.waitlist(r, actor=u)),
    "start": (State.STARTED, lambda r, u: actions.start(r, actor=u, started_on=TODAY)),
    "end": (
        State.ENDED,
        lambda r, u: actions.end(
            r, actor=u, ended_on=TODAY, exit_reason=ExitReason.STUDIES, note="Börjar plugga."
        ),
    ),
    "decline": (
        State.DECLINED,
        lambda r, u: actions.decline(
            r, actor=u, declined_by=Referral.DeclinedBy.PERSON, reason="Vill vänta."
        ),
    ),
    "withdraw": (State.WITHDRAWN, lambda r, u: actions.withdraw(r, actor=u)),
    "accept_offer": (State.ACCEPTED, lambda r, u: actions.accept_offer(r, actor=u)),
    "reopen": (State.SENT, lambda r, u: actions.reopen(r, actor=u, note="Nytt försök.")),
}

FIELDS_FOR: dict[str, dict[str, object]] = {
    State.WAITLISTED: {"waitlisted_at": timezone.now()},
    State.OFFERED: {"answer_by": TODAY},
    State.STARTED: {"started_on": TODAY},
    State.ENDED: {"started_on": TODAY, "ended_on": TODAY, "exit_reason": ExitReason.OTHER},
    State.DECLINED: {"declined_by": Referral.DeclinedBy.PROVIDER, "decline_reason": "Fullt."},
}


def put_in(referral: Referral, state: str) -> Referral:
    """A referral like this one, already in ``state``: inserted as it is, since the database
    refuses an update that is not an allowed step."""
    return Referral.objects.create(
        participant=referral.participant,
        activity=referral.activity,
        referred_by=referral.referred_by,
        referring_organisation=referral.referring_organisation,
        note=referral.note,
        state=state,
        **FIELDS_FOR.get(state, {}),
    )


def expected_target(state: str, step: str) -> str | None:
    closed = state in Referral.CLOSED_STATES
    if step == "reopen":
        return (State.STARTED if state == State.ENDED else State.SENT) if closed else None
    if step == "accept_offer" and state != State.OFFERED:
        return None
    target = STEPS[step][0]
    return target if not closed and target in Referral.ALLOWED[state] else None


def snapshot(referral: Referral) -> tuple[object, ...]:
    row = Referral.objects.values().get(pk=referral.pk)
    return (
        tuple(sorted(row.items())),
        ReferralEvent.objects.count(),
        AuditEvent.objects.count(),
        Notice.objects.count(),
    )


@pytest.fixture
def setting(cast: Cast) -> Setting:
    return build(cast)


@pytest.mark.parametrize("state", [s.value for s in State])
@pytest.mark.parametrize("step", list(STEPS))
def test_every_step_from_every_state(setting: Setting, state: str, step: str) -> None:
    referral = put_in(setting.referral, state)
    target = expected_target(state, step)
    if target is None:
        before = snapshot(referral)
        with pytest.raises(InvalidTransition):
            STEPS[step][1](referral, setting.ulla)
        assert snapshot(referral) == before
        return
    audits, events = AuditEvent.objects.count(), ReferralEvent.objects.count()
    STEPS[step][1](referral, setting.ulla)
    referral.refresh_from_db()
    assert referral.state == target
    assert referral.version == 2
    event = ReferralEvent.objects.filter(referral=referral).latest("pk")
    assert (event.from_state, event.to_state, event.actor) == (state, target, setting.ulla)
    assert ReferralEvent.objects.count() == events + 1
    assert AuditEvent.objects.count() == audits + 1
    audit = AuditEvent.objects.latest("pk")
    assert audit.object_id == str(referral.pk)
    assert audit.participant_id == referral.participant_id
    assert audit.action == AuditEvent.Action.UPDATE


def test_the_table_and_can_agree(setting: Setting) -> None:
    referral = setting.referral
    for state, targets in Referral.ALLOWED.items():
        referral.state = state
        for other in State:
            assert referral.can(other) == (other in targets)


def test_a_whole_life_tells_the_referrer_each_time(cast: Cast, setting: Setting) -> None:
    referral, ulla = setting.referral, setting.ulla
    for step in ("receive", "accept", "start", "end"):
        STEPS[step][1](referral, ulla)
    referral.refresh_from_db()
    assert referral.state == State.ENDED and referral.exit_reason == ExitReason.STUDIES
    assert referral.started_on == referral.ended_on == TODAY
    notices = Notice.objects.filter(user=cast.kim, kind=Kind.REFERRAL_CHANGED)
    assert notices.count() == 4
    assert {n.path for n in notices} == {referral.get_absolute_url()}
    assert list(referral.events.values_list("to_state", flat=True)) == [
        State.SENT,
        State.RECEIVED,
        State.ACCEPTED,
        State.STARTED,
        State.ENDED,
    ]
    actions.reopen(referral, actor=cast.kim, note="Avslutad av misstag.")
    referral.refresh_from_db()
    assert referral.state == State.STARTED and referral.exit_reason == ""
    assert referral.ended_on is None and referral.started_on == TODAY
    assert notices.count() == 4  # Kim did it himself


def test_declined_says_who_and_reopening_clears_it(cast: Cast, setting: Setting) -> None:
    referral = actions.decline(
        setting.referral,
        actor=setting.ulla,
        declined_by=Referral.DeclinedBy.PROVIDER,
        reason="Passar inte insatsen.",
    )
    assert referral.declined_by == "provider"
    with pytest.raises(ValidationError):
        actions.reopen(referral, actor=cast.kim, note=" ")
    referral = actions.reopen(referral, actor=cast.kim, note="Pia vill ändå försöka.")
    assert (referral.state, referral.declined_by, referral.decline_reason) == ("sent", "", "")
    assert referral.events.latest("pk").note == "Pia vill ändå försöka."


@pytest.mark.parametrize(
    "change",
    [
        {"state": "ended"},
        {"state": "ended", "started_on": TODAY, "ended_on": TODAY},
        {"state": "ended", "started_on": TODAY, "exit_reason": "other"},
        {"state": "declined"},
        {"state": "started"},
        {"exit_reason": "other"},
        {"state": "bogus"},
    ],
)
def test_the_database_refuses_a_state_without_what_it_needs(
    setting: Setting, change: dict[str, object]
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=setting.referral.pk).update(**change)


@pytest.mark.parametrize(
    ("from_state", "to_state", "fields"),
    [
        ("sent", "started", {"started_on": TODAY}),
        ("sent", "accepted", {}),
        ("waitlisted", "accepted", {}),
        ("declined", "accepted", {"declined_by": ""}),
        ("started", "withdrawn", {}),
    ],
)
def test_the_database_refuses_a_step_outside_the_table(
    setting: Setting, from_state: str, to_state: str, fields: dict[str, object]
) -> None:
    referral = put_in(setting.referral, from_state)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(state=to_state, **fields)
    assert Referral.objects.get(pk=referral.pk).state == from_state


def test_the_database_trigger_knows_the_same_steps_as_the_model() -> None:
    migration = importlib.import_module("samla.referrals.migrations.0003_refuse_illegal_steps")
    in_model = {(a, b) for a, targets in Referral.ALLOWED.items() for b in targets}
    assert set(migration.STEPS) == in_model


def test_a_stale_step_changes_nothing(cast: Cast, setting: Setting) -> None:
    referral = setting.referral
    seen = referral.version
    actions.receive(referral, actor=setting.ulla, version=seen)
    before = snapshot(referral)
    with pytest.raises(Stale) as error:
        actions.withdraw(referral, actor=cast.kim, version=seen)
    assert error.value.version == seen + 1  # the page says so: test_waitlist
    assert snapshot(referral) == before


def test_history_is_append_only(setting: Setting) -> None:
    event = setting.referral.events.get()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_sending_writes_history_and_audit(cast: Cast, setting: Setting) -> None:
    referral = setting.referral
    assert (referral.state, referral.referred_by, referral.referring_organisation) == (
        "sent",
        cast.kim,
        cast.tyreso,
    )
    audit = AuditEvent.objects.get(
        object_type="referrals.referral", action=AuditEvent.Action.CREATE
    )
    assert audit.participant_id == cast.pia.pk
    assert not Notice.objects.filter(kind=Kind.REFERRAL_CHANGED).exists()


def test_no_referral_without_consent_naming_the_provider(cast: Cast) -> None:
    setting = build(cast, with_consent=False)
    with pytest.raises(ValidationError) as error:
        actions.send_referral(cast.pia, actor=cast.kim, activity=setting.activity, note="x")
    assert "inget gällande samtycke" in error.value.messages[0]
    assert not Referral.objects.exists()


def test_only_individual_activities_take_referrals(cast: Cast) -> None:
    activity = structural(cast, provider=cast.tyreso)
    with pytest.raises(ValidationError):
        actions.send_referral(cast.pia, actor=cast.kim, activity=activity, note="x")


def test_only_someone_who_sees_the_person_refers_them(cast: Cast, setting: Setting) -> None:
    with pytest.raises(ValidationError):
        actions.send_referral(cast.pia, actor=cast.tove, activity=setting.activity, note="x")


def test_a_protected_identity_is_not_referred_outside_the_controlling_organisation(
    cast: Cast, setting: Setting
) -> None:
    Participant.objects.filter(pk=cast.pia.pk).update(
        protection=Participant.Protection.CONFIDENTIALITY_MARKING
    )
    cast.pia.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        actions.send_referral(cast.pia, actor=cast.kim, activity=setting.activity, note="x")
    assert "skyddad identitet" in error.value.messages[0]
