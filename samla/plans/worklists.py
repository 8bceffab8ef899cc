"""Each user's worklist: their organisation's plan actions, plans due for follow-up, and plans
waiting for their organisation's confirmation (docs/domain.md §5C). A coordinator of the
controlling organisation also sees what the person has answered in Min Samla: "not yet,
because …" to a revision waiting for them, an approval signed with e-ID, a plan they ended.

Only people the user may see appear (``visible_participants``), and of their plans only the
actions whose category the user's consent covers. The number of queries does not grow with the
number of actions or people. Reading the worklist writes one audit row.

For notifications: ``PlanAction.objects.open().due_by(day)`` finds the open actions due by a
day, and ``responsible_users(action)`` says who should hear about one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from samla.accounts.models import Role, User
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.people.access import deciding_consents, visible_participants, would_allow
from samla.people.models import InformationCategory, Participant, TeamMember
from samla.plans.models import Plan, PlanAction, PlanApproval, PlanConfirmation, PlanDeferral

SOON_DAYS = 7
# How long an approval or an ending by the person stays in the coordinator's worklist.
PERSON_ANSWER_DAYS = 14
Visible = QuerySet[Participant, Any]


@dataclass(frozen=True)
class ActionItem:
    action: PlanAction
    participant: Participant
    urgency: str  # "overdue", "soon", "later" or "undated"

    @property
    def is_overdue(self) -> bool:
        return self.urgency == "overdue"

    @property
    def is_due_soon(self) -> bool:
        return self.urgency == "soon"


@dataclass(frozen=True)
class PersonAnswer:
    """What the person answered about their plan in Min Samla."""

    participant: Participant
    kind: str  # "not_yet", "approved" or "ended"
    at: datetime
    text: str = ""  # the reason for "not yet", the note of an ending
    level: str = ""  # the e-ID's assurance level of an approval


@dataclass
class Worklist:
    today: date
    actions: list[ActionItem] = field(default_factory=list)
    follow_ups: list[Plan] = field(default_factory=list)
    awaiting_confirmation: list[Plan] = field(default_factory=list)
    person_answers: list[PersonAnswer] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.actions or self.follow_ups or self.awaiting_confirmation or self.person_answers
        )


def urgency(due: date | None, today: date) -> str:
    if due is None:
        return "undated"
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=SOON_DAYS):
        return "soon"
    return "later"


URGENCY_ORDER = {"overdue": 0, "soon": 1, "later": 2, "undated": 3}


def action_item(action: PlanAction, today: date) -> ActionItem:
    return ActionItem(action, action.plan.participant, urgency(action.due_date, today))


def _my_actions(user: User, visible: Visible, today: date) -> list[ActionItem]:
    assert user.organisation_id is not None
    actions = list(
        PlanAction.objects.open()
        .for_organisation(user.organisation_id)
        .filter(plan__participant__in=visible)
        .select_related("plan__participant", "responsible_person")
    )
    foreign = {
        a.plan.participant_id
        for a in actions
        if a.plan.participant.controlling_organisation_id != user.organisation_id
    }
    consents = deciding_consents(user.organisation_id, foreign, today) if foreign else {}
    items = [
        action_item(a, today)
        for a in actions
        if a.plan.participant_id not in foreign
        or (
            a.plan.participant_id in consents and consents[a.plan.participant_id].allows(a.category)
        )
    ]
    return sorted(
        items,
        key=lambda i: (
            URGENCY_ORDER[i.urgency],
            i.action.due_date or date.max,
            str(i.participant),
            i.action.pk,
        ),
    )


def _awaiting(user: User, visible: Visible) -> list[Plan]:
    org = user.organisation_id
    assert org is not None
    has_part = Q(lead_organisation_id=org) | Exists(
        PlanAction.objects.filter(plan=OuterRef("pk"), responsible_organisation_id=org).exclude(
            status=PlanAction.Status.CANCELLED
        )
    )
    confirmed = PlanConfirmation.objects.current().filter(
        plan=OuterRef("pk"), revision=OuterRef("revision"), organisation_id=org
    )
    return list(
        Plan.objects.filter(state=Plan.State.INVITED, participant__in=visible)
        .filter(has_part)
        .exclude(Exists(confirmed))
        .select_related("participant", "lead_organisation")
        .order_by("created_at", "pk")
    )


def _person_answers(user: User) -> list[PersonAnswer]:
    """For a coordinator of the controlling organisation: the people's answers in Min Samla."""
    coordinating = user.role_assignments.filter(role=Role.COORDINATOR).values("association_id")
    mine = (
        visible_participants(user)
        .filter(
            controlling_organisation_id=user.organisation_id,
            association_id__in=coordinating,
        )
        .values("pk")
    )
    since = timezone.now() - timedelta(days=PERSON_ANSWER_DAYS)
    answers = [
        PersonAnswer(d.plan.participant, "not_yet", d.given_at, text=d.reason)
        for d in PlanDeferral.objects.current()
        .filter(plan__participant__in=mine, plan__state=Plan.State.INVITED)
        .select_related("plan__participant")
    ]
    answers += [
        PersonAnswer(a.plan.participant, "approved", a.recorded_at, level=a.assurance_level)
        for a in PlanApproval.objects.current()
        .filter(plan__participant__in=mine, recorded_at__gte=since)
        .exclude(acr="")
        .select_related("plan__participant")
    ]
    answers += [
        PersonAnswer(p.participant, "ended", p.closed_at, text=p.close_note)
        for p in Plan.objects.filter(
            participant__in=mine, state=Plan.State.CLOSED, closed_at__gte=since
        )
        .exclude(closed_by__person_number="")
        .select_related("participant")
        if p.closed_at is not None
    ]
    return sorted(answers, key=lambda a: a.at, reverse=True)


def worklist_for(user: User, *, purpose: str = "Arbetslista") -> Worklist:
    """The user's worklist, read and logged in one transaction."""
    today = timezone.localdate()
    worklist = Worklist(today=today)
    if user.organisation_id is None or not user.reaches_person_data:
        return worklist
    visible = visible_participants(user).values("pk")
    with transaction.atomic():
        worklist.actions = _my_actions(user, visible, today)
        worklist.follow_ups = list(
            Plan.objects.active()
            .filter(participant__in=visible, follow_up_date__lte=today)
            .select_related("participant", "lead_organisation")
            .order_by("follow_up_date", "pk")
        )
        worklist.awaiting_confirmation = _awaiting(user, visible)
        worklist.person_answers = _person_answers(user)
        if not worklist.is_empty:
            record(
                actor=user,
                action=AuditEvent.Action.VIEW,
                summary=(
                    f"{purpose} ({len(worklist.actions)} insatser, "
                    f"{len(worklist.follow_ups)} uppföljningar, "
                    f"{len(worklist.awaiting_confirmation)} att bekräfta"
                    + (
                        f", {len(worklist.person_answers)} svar från personer)"
                        if worklist.person_answers
                        else ")"
                    )
                ),
            )
    return worklist


def responsible_users(action: PlanAction) -> list[User]:
    """Who should hear about an action: its responsible person, or else the people of its
    organisation on the person's team, as long as they may see the person right now."""
    participant = action.plan.participant
    if action.responsible_person_id is not None:
        candidates = User.objects.filter(pk=action.responsible_person_id)
    else:
        team = TeamMember.objects.current().filter(participant=participant).values("user_id")
        candidates = User.objects.filter(
            pk__in=team, organisation_id=action.responsible_organisation_id
        )
    return [
        user
        for user in candidates.filter(is_active=True).prefetch_related("role_assignments")
        if would_allow(user, participant, InformationCategory(action.category))
    ]
