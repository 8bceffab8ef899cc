"""Who may see a referral. Every view reaches a referral through here.

Two sides (docs/domain.md §5E, R2):

- The person's side reaches referrals through ``get_participant_for_user``: whoever may see the
  person and their work and studies information (the controlling organisation, or an
  organisation whose consent in force includes it, such as Fia at Försäkringskassan) reads the
  referrals and their history; only the controlling organisation's coordinator on the team
  sends, withdraws and reopens them.
- The provider's side: staff of the organisation that provides the activity (role activity
  staff in the association) see a referral to their own activity without being on the team,
  and only what the referral shares: the person's name and the note, and only while it shares
  them (``ReferralQuerySet.with_sharing``: the consent that lifted secrecy is still in force).
  After that the provider keeps its own record of the participation (attendance, measurements,
  its own steps) under the referral's number. Anything else answers 404 and is not logged; a
  read is logged with role "provider" and no consent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from samla.accounts.models import Role, RoleAssignment, User
from samla.activities.models import Activity
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.people.access import ParticipantAccess, RecordedBasis, basis_of, get_participant_for_user
from samla.people.models import InformationCategory
from samla.referrals.models import Referral, ReferralEvent, ReferralQuerySet

PROVIDER_ROLE = "provider"


@dataclass(frozen=True)
class ReferralAccess:
    access: ParticipantAccess
    referral: Referral


def participant_access(
    user: User, pk: int, *, purpose: str, manage: bool = False
) -> ParticipantAccess:
    """The person, if the user may see their referrals (work and studies information)."""
    access = get_participant_for_user(user, pk, purpose=purpose, manage=manage)
    if not access.allows(InformationCategory.WORK_STUDIES):
        raise PermissionDenied
    return access


def get_referral_for_user(
    user: User, pk: int, referral_pk: int, *, purpose: str, manage: bool = False
) -> ReferralAccess:
    access = participant_access(user, pk, purpose=purpose, manage=manage)
    referral = (
        Referral.objects.filter(participant=access.participant, pk=referral_pk)
        .select_related("activity__provider", "referred_by", "referring_organisation")
        .first()
    )
    if referral is None:
        raise Http404
    referral.participant = access.participant
    return ReferralAccess(access=access, referral=referral)


def provided_activities(user: User) -> QuerySet[Activity]:
    """The individual activities the user's organisation provides, in the associations where the
    user is activity staff."""
    if not user.is_authenticated or user.organisation_id is None:
        return Activity.objects.none()
    associations = RoleAssignment.objects.filter(
        user=user, role=Role.ACTIVITY_STAFF, association__isnull=False
    ).values("association_id")
    return Activity.objects.filter(
        kind=Activity.Kind.INDIVIDUAL,
        provider_id=user.organisation_id,
        association_id__in=associations,
    )


def get_activity_for_provider(user: User, pk: int) -> Activity:
    activity = provided_activities(user).filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


def incoming_referrals(user: User) -> ReferralQuerySet:
    """Referrals to the activities the user's organisation provides, in the associations where
    the user is activity staff."""
    return Referral.objects.filter(activity__in=provided_activities(user))


def provider_staff(activity: Activity) -> QuerySet[User]:
    """Who answers referrals to the activity: its provider's activity staff in its association."""
    return User.objects.filter(
        is_active=True,
        organisation_id=activity.provider_id,
        role_assignments__role=Role.ACTIVITY_STAFF,
        role_assignments__association_id=activity.association_id,
    ).distinct()


class ReferralBasis(RecordedBasis):
    """``audit.record``'s ``role``, ``consent_id`` and ``referral_id``."""

    referral_id: int | None


def basis_for(user: User | None, referral: Referral) -> ReferralBasis:
    """What allows this user's write about a referral, for its audit row: for the provider's
    activity staff the referral itself, for anyone else what lets them reach the person
    (``people.access.basis_of``)."""
    if (
        user is not None
        and user.organisation_id is not None
        and user.organisation_id == referral.activity.provider_id
        and referral.activity.association_id in user.association_ids(Role.ACTIVITY_STAFF)
    ):
        return ReferralBasis(role=PROVIDER_ROLE, consent_id=None, referral_id=referral.pk)
    return ReferralBasis(**basis_of(user, referral.participant), referral_id=None)


def is_provider_staff(user: User, referral: Referral) -> bool:
    return incoming_referrals(user).filter(pk=referral.pk).exists()


def person_side_of(user: User, referral_pk: int) -> int | None:
    """For an address on the provider's side (remisser/<pk>/...): None when the user is the
    provider's staff, else the person whose side of the referral the user is sent to, where
    ``get_referral_for_user`` decides the rest. 404 when there is no such referral. Nothing about
    the person is read here, so nothing is logged."""
    if incoming_referrals(user).filter(pk=referral_pk).exists():
        return None
    participant_id = (
        Referral.objects.filter(pk=referral_pk).values_list("participant_id", flat=True).first()
    )
    if participant_id is None:
        raise Http404
    return participant_id


def get_referral_for_provider(user: User, pk: int) -> Referral:
    """A referral to the user's own activity, else 404; the read is logged."""
    with transaction.atomic():
        referral = (
            incoming_referrals(user)
            .with_sharing()
            .select_related("participant", "activity", "referring_organisation", "referred_by")
            .filter(pk=pk)
            .first()
        )
        if referral is None:
            raise Http404
        record(
            actor=user,
            action=AuditEvent.Action.VIEW,
            obj=referral,
            participant_id=referral.participant_id,
            referral_id=referral.pk,
            role=PROVIDER_ROLE,
            flagged=referral.participant.is_protected,
            summary="Remiss (utförare)",
        )
    return referral


def history_for_provider(referral: Referral) -> list[ReferralEvent]:
    """The referral's steps as the provider sees them: once the referral no longer shares
    (``shares`` false), the notes of steps taken outside the provider's organisation are left
    out, as shared content; the provider's own notes and Samla's stay."""
    events = list(referral.events.select_related("actor"))
    if not getattr(referral, "shares", False):
        for event in events:
            if (
                event.actor is not None
                and event.actor.organisation_id != referral.activity.provider_id
            ):
                event.note = ""  # never saved: the history is append-only
    return events
