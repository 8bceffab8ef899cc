"""Writes to a referral. Each step is one transaction: the activity and then the referral row
are locked, the step is checked against ``Referral.ALLOWED`` (and against the activity's places
when it takes one), and the step's audit row, its ``ReferralEvent`` and the notice to the
referrer (unless the referrer took the step) are written with it. A step that frees a place
offers it to the next on the waitlist in the same transaction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samla.accounts.models import User
from samla.activities.models import Activity
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.concurrency import check_version
from samla.notifications.models import Kind
from samla.notifications.notices import notify
from samla.people.access import basis_of, deciding_consents, visible_participants
from samla.people.actions import register_participant
from samla.people.models import Consent, Participant
from samla.referrals.access import basis_for, provider_staff
from samla.referrals.eligibility import check_runs
from samla.referrals.models import ExitReason, InvalidTransition, Referral, ReferralEvent

State = Referral.State


def referable_activities(participant: Participant) -> QuerySet[Activity]:
    """The activities a person can be referred to: the individual ones of their association
    that run today (an ended one is not offered, ``eligibility.check_runs``)."""
    return (
        Activity.objects.filter(
            association_id=participant.association_id, kind=Activity.Kind.INDIVIDUAL
        )
        .running_on(timezone.localdate())
        .select_related("provider")
    )


def check_can_refer(participant: Participant, activity: Activity) -> None:
    """An individual activity of the person's association, whose provider is the controlling
    organisation or is named by a consent in force (R2): the referral shares the person's name.
    The activity must run today (``eligibility.check_runs``)."""
    if activity.kind != Activity.Kind.INDIVIDUAL:
        raise ValidationError(_("Det går bara att remittera till individinriktade insatser."))
    if activity.association_id != participant.association_id:
        raise ValidationError(_("Insatsen hör till ett annat samordningsförbund."))
    check_runs(activity, timezone.localdate())
    provider_id = activity.provider_id
    if provider_id != participant.controlling_organisation_id and participant.is_protected:
        # R6: only the controlling organisation sees a person with a protected identity.
        raise ValidationError(
            _(
                "Personen har skyddad identitet och kan bara remitteras till insatser som "
                "den ansvariga organisationen själv utför."
            )
        )
    if provider_id != participant.controlling_organisation_id and not deciding_consents(
        provider_id, [participant.pk], timezone.localdate()
    ):
        raise ValidationError(
            _(
                "Remissen kan inte skickas: inget gällande samtycke låter %(org)s, som utför "
                "insatsen, ta del av uppgifter om personen."
            )
            % {"org": activity.provider}
        )


@transaction.atomic
def send_referral(
    participant: Participant, *, actor: User, activity: Activity, note: str, priority: int = 0
) -> Referral:
    if not visible_participants(actor).filter(pk=participant.pk).exists():
        raise ValidationError(_("Du kan inte remittera den här personen."))
    check_can_refer(participant, activity)
    referral = _create(
        participant, activity, actor=actor, note=note, summary="Remiss skickad", priority=priority
    )
    _tell_provider(referral)
    return referral


def _create(
    participant: Participant,
    activity: Activity,
    *,
    actor: User,
    note: str,
    summary: str,
    event_note: str = "",
    **fields: Any,
) -> Referral:
    """A new referral (sent, unless ``fields`` say otherwise) with its first event and its
    audit row."""
    assert actor.organisation_id is not None
    referral = Referral.objects.create(
        participant=participant,
        activity=activity,
        referred_by=actor,
        referring_organisation_id=actor.organisation_id,
        note=note,
        **fields,
    )
    ReferralEvent.objects.create(
        referral=referral, from_state="", to_state=referral.state, actor=actor, note=event_note
    )
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=referral,
        participant_id=participant.pk,
        flagged=participant.is_protected,
        summary=summary,
        **basis_of(actor, participant),
    )
    return referral


class ActivityFull(InvalidTransition):
    """Accepting would take a place the activity does not have, or jump its waitlist."""


def _lock(referral: Referral) -> tuple[Activity, Referral]:
    """Lock the activity, then the referral: every step takes the locks in this order, so steps
    on one activity take turns (no two accepts see the same free place) and cannot deadlock."""
    activity_id = Referral.objects.filter(pk=referral.pk).values_list("activity_id", flat=True)
    activity = Activity.objects.select_for_update().get(pk__in=activity_id)
    locked = Referral.objects.select_for_update().select_related("participant").get(pk=referral.pk)
    locked.activity = activity
    return activity, locked


def places_left(activity: Activity) -> int:
    assert activity.capacity is not None, "an individual activity always has places"
    return activity.capacity - Referral.objects.filter(activity=activity).holding_places().count()


def _check_place(activity: Activity, from_state: str) -> None:
    """Taking a place needs a free one. A person from the waitlist holds their offered place
    already; anyone else must not jump the list."""
    if from_state == State.OFFERED:
        return
    left = places_left(activity)
    if left <= 0:
        raise ActivityFull(
            _(
                "%(activity)s är full: alla %(capacity)s platser är tagna. Sätt personen på "
                "väntelistan, så erbjuds hen nästa lediga plats i tur och ordning."
            )
            % {"activity": activity, "capacity": activity.capacity}
        )
    if from_state in (State.WAITLISTED, State.ENDED):
        return  # offered in line order; back from an end made by mistake
    if Referral.objects.filter(activity=activity, state=State.WAITLISTED).exists():
        raise ActivityFull(
            _(
                "Det står personer på väntelistan till %(activity)s. Sätt personen på "
                "väntelistan: lediga platser erbjuds i tur och ordning."
            )
            % {"activity": activity}
        )


@transaction.atomic
def register_anonymous_participation(
    activity: Activity, *, actor: User, sex: str, start_year: int, started_on: date
) -> Referral:
    """A person who takes part without consent, or with a protected identity, is registered by
    the provider with sex and start year only (R5): an anonymous participant of the provider's
    own, and a participation that has started. It takes a place like any other and counts in
    every figure."""
    if activity.kind != Activity.Kind.INDIVIDUAL or activity.provider_id != actor.organisation_id:
        raise ValidationError(_("Du kan bara registrera deltagare i insatser som ni utför."))
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    _check_place(locked, State.RECEIVED)
    participant = register_participant(
        actor=actor,
        association=locked.association,
        identity=None,
        sex=sex,
        start_year=start_year,
    )
    return _create(
        participant,
        locked,
        actor=actor,
        note=_("Anonymt deltagande, registrerat av utföraren."),
        summary="Anonymt deltagande",
        event_note=_("Anonymt deltagande"),
        state=State.STARTED,
        started_on=started_on,
    )


def _tell_provider(referral: Referral) -> None:
    """A referral sent (or sent again) reaches the provider's activity staff as a neutral
    notice, once per sending."""
    for user in provider_staff(referral.activity):
        notify(
            user,
            Kind.REFERRAL_INCOMING,
            about=referral,
            path=reverse("referrals:incoming_detail", args=[referral.pk]),
            occasion=referral.sent_at.isoformat(),
        )


# The steps the provider takes (the referrer withdraws, reopens and takes an offered place): a
# user who is both the provider's activity staff and on the person's team acts on the referral
# in the first, on their own ground in the rest.
PROVIDER_STEPS = frozenset(
    {State.RECEIVED, State.ACCEPTED, State.WAITLISTED, State.STARTED, State.ENDED, State.DECLINED}
)


def _step(
    referral: Referral,
    to_state: str,
    *,
    actor: User | None,
    note: str = "",
    reopening: bool = False,
    version: int | None = None,
    only_from: str = "",
    **fields: Any,
) -> Referral:
    """Only reopening leads out of a closed state (ended, declined, withdrawn). ``only_from``
    refuses the step unless the referral is (still) in that state. ``actor`` None is Samla
    itself (an automatic offer, a lapsed offer)."""
    activity, locked = _lock(referral)
    from_state = locked.state
    if version is not None:
        check_version(locked, version)
    if only_from and from_state != only_from:
        raise InvalidTransition(
            _("Remissen är inte längre ”%(state)s”.") % {"state": State(only_from).label}
        )
    if locked.is_closed != reopening:
        raise InvalidTransition(
            _("Remissen är avslutad och måste öppnas igen först.")
            if locked.is_closed
            else _("Bara en avslutad remiss kan öppnas igen.")
        )
    locked.transition(to_state, **fields)
    if to_state in Referral.PLACE_STATES and from_state not in Referral.PLACE_STATES:
        _check_place(activity, from_state)
    locked.save()
    event = ReferralEvent.objects.create(
        referral=locked, from_state=from_state, to_state=to_state, actor=actor, note=note
    )
    with translation.override("sv"):  # the log is kept in Swedish, whoever acts
        step = f"{Referral.State(from_state).label} → {Referral.State(to_state).label}"
    record(
        actor=actor,
        actor_name="" if actor else "Samla",
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        participant_id=locked.participant_id,
        flagged=locked.participant.is_protected,
        summary=f"Remiss: {step}",
        **(
            basis_for(actor, locked)
            if to_state in PROVIDER_STEPS and not reopening
            else basis_of(actor, locked.participant)
        ),
    )
    if actor is None or actor.pk != locked.referred_by_id:
        notify(
            locked.referred_by,
            Kind.REFERRAL_CHANGED,
            about=locked,
            path=reverse("referrals:detail", args=[locked.participant_id, locked.pk]),
            occasion=str(event.pk),
        )
    if to_state == State.SENT:
        _tell_provider(locked)
    if from_state in Referral.PLACE_STATES and to_state not in Referral.PLACE_STATES:
        offer_free_places(activity)
    return locked


def offer_free_places(activity: Activity, today: date | None = None) -> list[Referral]:
    """Offer the activity's free places to the first on its waitlist (highest priority, then
    longest wait), each with ``SAMLA_WAITLIST_OFFER_DAYS`` to answer. Call with the activity
    locked (inside a step, or from ``lock_and_offer``)."""
    answer_by = (today or timezone.localdate()) + timedelta(days=settings.SAMLA_WAITLIST_OFFER_DAYS)
    left = places_left(activity)
    if left <= 0:
        return []
    offered = []
    for waiting in Referral.objects.filter(activity=activity, state=State.WAITLISTED).in_line()[
        :left
    ]:
        offered.append(
            _step(
                waiting,
                State.OFFERED,
                actor=None,
                only_from=State.WAITLISTED,
                note=_("Plats erbjuden automatiskt från väntelistan."),
                answer_by=answer_by,
            )
        )
    return offered


@transaction.atomic
def lock_and_offer(activity: Activity, today: date | None = None) -> list[Referral]:
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    return offer_free_places(locked, today)


@transaction.atomic
def lapse_offer(referral: Referral) -> Referral:
    """The date to answer an offered place has passed: the place goes to the next in line."""
    return _step(
        referral,
        State.DECLINED,
        actor=None,
        only_from=State.OFFERED,
        note=_("Erbjudandet om plats besvarades inte i tid."),
        declined_by=Referral.DeclinedBy.PERSON,
        decline_reason=_("Svarade inte på erbjudandet om plats i tid."),
    )


@transaction.atomic
def receive(
    referral: Referral, *, actor: User, note: str = "", version: int | None = None
) -> Referral:
    return _step(referral, State.RECEIVED, actor=actor, note=note, version=version)


@transaction.atomic
def accept(
    referral: Referral, *, actor: User, note: str = "", version: int | None = None
) -> Referral:
    """Give the person a place: refused when the activity is full or others wait before them."""
    return _step(referral, State.ACCEPTED, actor=actor, note=note, version=version)


@transaction.atomic
def waitlist(
    referral: Referral, *, actor: User, note: str = "", version: int | None = None
) -> Referral:
    return _step(referral, State.WAITLISTED, actor=actor, note=note, version=version)


@transaction.atomic
def start(
    referral: Referral,
    *,
    actor: User,
    started_on: date,
    note: str = "",
    version: int | None = None,
) -> Referral:
    return _step(
        referral, State.STARTED, actor=actor, note=note, version=version, started_on=started_on
    )


@transaction.atomic
def end(
    referral: Referral,
    *,
    actor: User,
    ended_on: date,
    exit_reason: ExitReason | str,
    note: str = "",
    version: int | None = None,
) -> Referral:
    if not exit_reason:
        raise ValidationError(_("Ange en avslutsorsak."))
    return _step(
        referral,
        State.ENDED,
        actor=actor,
        note=note,
        version=version,
        ended_on=ended_on,
        exit_reason=exit_reason,
    )


@transaction.atomic
def decline(
    referral: Referral,
    *,
    actor: User,
    declined_by: Referral.DeclinedBy | str,
    reason: str,
    version: int | None = None,
) -> Referral:
    if not declined_by:
        raise ValidationError(_("Ange om personen eller utföraren tackade nej."))
    return _step(
        referral,
        State.DECLINED,
        actor=actor,
        note=reason,
        version=version,
        declined_by=declined_by,
        decline_reason=reason,
    )


@transaction.atomic
def withdraw(
    referral: Referral, *, actor: User, note: str = "", version: int | None = None
) -> Referral:
    return _step(referral, State.WITHDRAWN, actor=actor, note=note, version=version)


@transaction.atomic
def withdraw_after_consent(consent: Consent) -> list[Referral]:
    """The person has withdrawn ``consent`` (called by ``people.actions.withdraw_consent``
    through ``SAMLA_CONSENT_WITHDRAWN``, in its transaction): a consent's withdrawal reaches
    everything that rested on it. Each of the person's referrals not yet started, to an
    activity whose provider the consent named and no other consent in force names, is withdrawn
    by Samla with the reason "Samtycket återkallat"; the referrer is told, and a place it held
    (accepted, or offered from the waitlist) goes to the next in line. A participation under way
    stays the provider's own record, without what the referral shared
    (``ReferralQuerySet.with_sharing``)."""
    return _withdraw_resting(
        consent, reason=str(ExitReason.CONSENT_WITHDRAWN.label), today=timezone.localdate()
    )


@transaction.atomic
def withdraw_after_expiry(consent: Consent, today: date | None = None) -> list[Referral]:
    """``consent`` has ended (its last day is past; called by the daily run,
    ``reminders.withdraw_after_expired_consents``): what rested on it is withdrawn as after a
    withdrawal, with the reason "Samtycket har upphört att gälla". The consent is locked first,
    as a withdrawal locks it, so the two take turns; one withdrawn meanwhile, or not ended after
    all, is left to its withdrawal. Running again withdraws nothing more: a withdrawn referral
    is closed."""
    today = today or timezone.localdate()
    # Only the consent's row (of="self"): the person's row is not this step's to lock.
    locked = (
        Consent.objects.select_for_update(of=("self",))
        .select_related("participant")
        .get(pk=consent.pk)
    )
    if locked.state(today) != Consent.State.EXPIRED:
        return []
    withdrawn = _withdraw_resting(locked, reason=_("Samtycket har upphört att gälla"), today=today)
    if withdrawn:
        record(
            actor=None,
            actor_name="Samla",
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            participant_id=locked.participant_id,
            flagged=locked.participant.is_protected,
            summary="Samtycket har upphört: remisser som vilade på det återkallade",
        )
    return withdrawn


def _withdraw_resting(consent: Consent, *, reason: str, today: date) -> list[Referral]:
    """Withdraw, as Samla and with ``reason``, the person's referrals not yet started whose
    provider ``consent`` named (not the controlling organisation) and no consent in force on
    ``today`` names. Call inside a transaction."""
    participant = consent.participant
    named = set(consent.organisations.values_list("pk", flat=True))
    named.discard(participant.controlling_organisation_id)
    resting = [
        referral
        for referral in Referral.objects.filter(
            participant=participant,
            state__in=Referral.BEFORE_START,
            activity__provider_id__in=named,
        ).select_related("activity")
        if not deciding_consents(referral.activity.provider_id, [participant.pk], today)
    ]
    # Those holding no place first, so that a place freed here is never offered to one of the
    # person's own referrals that is about to be withdrawn too.
    resting.sort(key=lambda referral: (referral.state in Referral.PLACE_STATES, referral.pk))
    withdrawn = []
    for referral in resting:
        try:
            withdrawn.append(
                _step(
                    referral,
                    State.WITHDRAWN,
                    actor=None,
                    note=reason,
                )
            )
        except InvalidTransition:
            continue  # started or closed since it was read: no longer before its start
    return withdrawn


@transaction.atomic
def accept_offer(
    referral: Referral, *, actor: User, note: str = "", version: int | None = None
) -> Referral:
    """The person says yes to the place they were offered (told through the referrer)."""
    return _step(
        referral,
        State.ACCEPTED,
        actor=actor,
        note=note,
        version=version,
        only_from=State.OFFERED,
    )


@transaction.atomic
def reopen(referral: Referral, *, actor: User, note: str, version: int | None = None) -> Referral:
    """A declined or withdrawn referral is sent again; an ended one goes back to started, if
    the activity still has a place for the person."""
    if not note.strip():
        raise ValidationError(_("Skriv varför remissen öppnas igen."))
    _activity, locked = _lock(referral)
    target = State.STARTED if locked.state == State.ENDED else State.SENT
    return _step(locked, target, actor=actor, note=note, reopening=True, version=version)
