"""Who may see and do what with a person's plan. Every view reaches a plan through here.

The participant is fetched through ``samla.people.access`` (team, role, consent, protection, and
the audit row of the read). On top of that:

- a viewer from another organisation sees an action only if their consent allows the action's
  category, and the person's goals only if it allows ``life_situation`` (R2);
- writing the plan's content, sending it, recording the person's approval and closing it need
  ``manage``: a coordinator of the controlling organisation on the team;
- an organisation confirms its part through one of its people who can see the person;
- an action's status is followed up by its responsible person, anyone of its organisation who
  can see the person, or the controlling organisation's coordinator.

The person themself, in Min Samla, reaches their own plans through ``own_plans`` and
``get_own_plan`` (built on ``people.access.own_participants``; each read logged as their own).
They see the latest agreed version, and the working revision only while it waits for their
approval: a draft is the staff's work in progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When
from django.http import Http404

from samla.accounts.models import User
from samla.audit.models import AuditEvent
from samla.people.access import (
    ParticipantAccess,
    deciding_consents,
    get_own_participant,
    get_participant_for_user,
    read_own,
)
from samla.people.models import Consent, InformationCategory, Participant
from samla.plans.models import Plan, PlanAction, PlanApproval, PlanDeferral, PlanVersion


@dataclass(frozen=True)
class PlanAccess:
    """A plan as one user may see it."""

    access: ParticipantAccess
    plan: Plan

    @property
    def participant(self) -> Participant:
        return self.access.participant

    def allows(self, category: str) -> bool:
        return self.access.allows(InformationCategory(category))

    def may_follow_up(self, action: PlanAction) -> bool:
        return may_follow_up(self.access, action)


def current_plan(participant: Participant) -> Plan | None:
    """The person's open plan, or else the one closed last."""
    return (
        Plan.objects.filter(participant=participant)
        .select_related("lead_organisation", "closed_by")
        .order_by(
            Case(
                When(state=Plan.State.CLOSED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            "-created_at",
            "-pk",
        )
        .first()
    )


def get_plan_for_user(
    user: User,
    pk: int,
    *,
    purpose: str,
    manage: bool = False,
    action: AuditEvent.Action = AuditEvent.Action.VIEW,
) -> PlanAccess:
    """The participant's current plan if this user may see it (404 if there is none)."""
    access = get_participant_for_user(user, pk, purpose=purpose, manage=manage, action=action)
    plan = current_plan(access.participant)
    if plan is None:
        raise Http404
    plan.participant = access.participant
    return PlanAccess(access=access, plan=plan)


def get_action_for_user(
    user: User, pk: int, action_pk: int, *, purpose: str, manage: bool = False
) -> tuple[PlanAccess, PlanAction]:
    """One action of the current plan; 404 also when the user's consent does not cover it."""
    plan_access = get_plan_for_user(user, pk, purpose=purpose, manage=manage)
    action = (
        PlanAction.objects.filter(plan=plan_access.plan, pk=action_pk)
        .select_related("responsible_organisation", "responsible_person")
        .first()
    )
    if action is None or not plan_access.allows(action.category):
        raise Http404
    action.plan = plan_access.plan
    return plan_access, action


def get_action_for_follow_up(user: User, action_pk: int) -> tuple[ParticipantAccess, PlanAction]:
    """An action reached from the worklist, by its id alone: the same rules, found the other
    way round. 404 unless the user sees the person and the action; 403 if they see it but it
    is not theirs to follow up."""
    participant_id = (
        PlanAction.objects.filter(pk=action_pk).values_list("plan__participant_id", flat=True)
    ).first()
    if participant_id is None:
        raise Http404
    access = get_participant_for_user(user, participant_id, purpose="Plan, uppföljning")
    action = (
        PlanAction.objects.select_related(
            "plan__lead_organisation", "responsible_organisation", "responsible_person"
        )
        .filter(pk=action_pk)
        .get()
    )
    if not access.allows(InformationCategory(action.category)):
        raise Http404
    if not may_follow_up(access, action):
        raise PermissionDenied
    action.plan.participant = access.participant
    return access, action


def may_follow_up(access: ParticipantAccess, action: PlanAction) -> bool:
    user = access.user
    return (
        action.responsible_person_id == user.pk
        or action.responsible_organisation_id == user.organisation_id
        or access.can_manage
    )


def consent_for_organisation(
    participant: Participant, organisation_id: int, on: date
) -> Consent | None:
    return deciding_consents(organisation_id, [participant.pk], on).get(participant.pk)


@dataclass(frozen=True)
class OwnPlan:
    """One of the person's records and its plan, as the person sees it in Min Samla."""

    participant: Participant
    plan: Plan | None
    agreed: PlanVersion | None
    approval: PlanApproval | None
    deferral: PlanDeferral | None

    @property
    def waits_for_person(self) -> bool:
        """A revision is sent and the person has not approved it yet."""
        return (
            self.plan is not None
            and self.plan.state == Plan.State.INVITED
            and self.approval is None
        )


def _own_plan(participant: Participant) -> OwnPlan:
    plan = current_plan(participant)
    if plan is None:
        return OwnPlan(participant, None, None, None, None)
    plan.participant = participant
    return OwnPlan(
        participant=participant,
        plan=plan,
        agreed=PlanVersion.objects.filter(plan=plan).order_by("-number").first(),
        approval=PlanApproval.objects.current().filter(plan=plan, revision=plan.revision).first(),
        deferral=PlanDeferral.objects.current().filter(plan=plan, revision=plan.revision).first(),
    )


def own_plans(user: User, *, purpose: str) -> list[OwnPlan]:
    """The plan of each of the person's own records; every record's read logged as their own,
    in the same transaction."""
    with transaction.atomic():
        return [_own_plan(participant) for participant in read_own(user, purpose=purpose)]


def get_own_plan(user: User, pk: int, *, purpose: str) -> OwnPlan:
    """The open plan of one of the person's own records, or 404 (also for someone else's)."""
    with transaction.atomic():
        own = _own_plan(get_own_participant(user, pk, purpose=purpose))
    if own.plan is None or not own.plan.is_open:
        raise Http404
    return own


def proposals_waiting(participants: list[Participant]) -> int:
    """How many of these (the person's own, already read) records have a plan revision sent that
    the person has not approved: for Min Samla's start page."""
    approved = PlanApproval.objects.current().filter(
        plan=OuterRef("pk"), revision=OuterRef("revision")
    )
    return (
        Plan.objects.filter(participant__in=participants, state=Plan.State.INVITED)
        .exclude(Exists(approved))
        .count()
    )
