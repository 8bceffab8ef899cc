"""Writes to a referral. Each step is one transaction: the referral row is locked, the step is
checked against ``Referral.ALLOWED``, and the step's audit row, its ``ReferralEvent`` and the
notice to the referrer (unless the referrer took the step) are written with it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samla.accounts.models import User
from samla.activities.models import Activity
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.notifications.models import Kind
from samla.notifications.notices import notify
from samla.people.access import deciding_consents, visible_participants
from samla.people.models import Participant
from samla.referrals.models import ExitReason, InvalidTransition, Referral, ReferralEvent

State = Referral.State


def check_can_refer(participant: Participant, activity: Activity) -> None:
    """An individual activity of the person's association, whose provider is the controlling
    organisation or is named by a consent in force (R2): the referral shares the person's name."""
    if activity.kind != Activity.Kind.INDIVIDUAL:
        raise ValidationError(_("Det går bara att remittera till individinriktade insatser."))
    if activity.association_id != participant.association_id:
        raise ValidationError(_("Insatsen hör till ett annat samordningsförbund."))
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
    assert actor.organisation_id is not None
    referral = Referral.objects.create(
        participant=participant,
        activity=activity,
        referred_by=actor,
        referring_organisation_id=actor.organisation_id,
        note=note,
        priority=priority,
    )
    ReferralEvent.objects.create(referral=referral, from_state="", to_state=State.SENT, actor=actor)
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=referral,
        participant_id=participant.pk,
        flagged=participant.is_protected,
        summary="Remiss skickad",
    )
    return referral


def _step(
    referral: Referral,
    to_state: str,
    *,
    actor: User,
    note: str = "",
    reopening: bool = False,
    **fields: Any,
) -> Referral:
    """Only reopening leads out of a closed state (ended, declined, withdrawn)."""
    locked = Referral.objects.select_for_update().select_related("participant").get(pk=referral.pk)
    from_state = locked.state
    if locked.is_closed != reopening:
        raise InvalidTransition(
            _("Remissen är avslutad och måste öppnas igen först.")
            if locked.is_closed
            else _("Bara en avslutad remiss kan öppnas igen.")
        )
    locked.transition(to_state, **fields)
    locked.save()
    event = ReferralEvent.objects.create(
        referral=locked, from_state=from_state, to_state=to_state, actor=actor, note=note
    )
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        participant_id=locked.participant_id,
        flagged=locked.participant.is_protected,
        summary=f"Remiss: {from_state} → {to_state}",
    )
    if actor.pk != locked.referred_by_id:
        notify(
            locked.referred_by,
            Kind.REFERRAL_CHANGED,
            about=locked,
            path=reverse("referrals:detail", args=[locked.participant_id, locked.pk]),
            occasion=str(event.pk),
        )
    return locked


@transaction.atomic
def receive(referral: Referral, *, actor: User, note: str = "") -> Referral:
    return _step(referral, State.RECEIVED, actor=actor, note=note)


@transaction.atomic
def accept(referral: Referral, *, actor: User, note: str = "") -> Referral:
    return _step(referral, State.ACCEPTED, actor=actor, note=note)


@transaction.atomic
def waitlist(referral: Referral, *, actor: User, note: str = "") -> Referral:
    return _step(referral, State.WAITLISTED, actor=actor, note=note)


@transaction.atomic
def start(referral: Referral, *, actor: User, started_on: date, note: str = "") -> Referral:
    return _step(referral, State.STARTED, actor=actor, note=note, started_on=started_on)


@transaction.atomic
def end(
    referral: Referral,
    *,
    actor: User,
    ended_on: date,
    exit_reason: ExitReason | str,
    note: str = "",
) -> Referral:
    if not exit_reason:
        raise ValidationError(_("Ange en avslutsorsak."))
    return _step(
        referral, State.ENDED, actor=actor, note=note, ended_on=ended_on, exit_reason=exit_reason
    )


@transaction.atomic
def decline(
    referral: Referral, *, actor: User, declined_by: Referral.DeclinedBy | str, reason: str
) -> Referral:
    if not declined_by:
        raise ValidationError(_("Ange om personen eller utföraren tackade nej."))
    return _step(
        referral,
        State.DECLINED,
        actor=actor,
        note=reason,
        declined_by=declined_by,
        decline_reason=reason,
    )


@transaction.atomic
def withdraw(referral: Referral, *, actor: User, note: str = "") -> Referral:
    return _step(referral, State.WITHDRAWN, actor=actor, note=note)


@transaction.atomic
def reopen(referral: Referral, *, actor: User, note: str) -> Referral:
    if not note.strip():
        raise ValidationError(_("Skriv varför remissen öppnas igen."))
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    target = State.STARTED if locked.state == State.ENDED else State.SENT
    return _step(locked, target, actor=actor, note=note, reopening=True)
