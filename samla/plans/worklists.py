"""Each user's worklist: their organisation's plan actions, plans due for follow-up, and plans
waiting for their organisation's confirmation (docs/domain.md §5C). A coordinator of the
controlling organisation also sees what the person has answered in Min Samla: "not yet,
because …" to a revision waiting for them, an approval signed with e-ID, a plan they ended.

Only people the user may see appear (``visible_participants``), and of their plans only the
actions whose category the user's consent covers (``people.access.allowed_rows``, in SQL). Each
part is read with a LIMIT one larger than it shows, to say whether more follow, and the actions
page by keyset (due date, id): what the worklist costs is what it shows, not the caseload, and
the number of queries does not grow with the number of actions or people. Reading the worklist
writes one audit row, with the numbers shown.

For notifications: ``PlanAction.objects.open().due_by(day)`` finds the open actions due by a
day, and ``responsible_users(action)`` says who should hear about one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core import signing
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from samla.accounts.models import Role, User
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.people.access import allowed_rows, visible_at, would_allow
from samla.people.models import InformationCategory, Participant, TeamMember
from samla.plans.models import Plan, PlanAction, PlanApproval, PlanConfirmation, PlanDeferral

SOON_DAYS = 7
# How many rows of each part the worklist page shows (the actions page by keyset, ``?sida=``);
# the start page asks for fewer.
PAGE_SIZE = 50
_SALT = "samla.plans.worklists"
# How long an approval or an ending by the person stays in the coordinator's worklist.
PERSON_ANSWER_DAYS = 14


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
    """The first ``shown`` rows of each part (a page of the actions, by keyset), and whether
    more follow: what it costs is what it shows, however large the caseload."""

    today: date
    shown: int = 0
    actions: list[ActionItem] = field(default_factory=list)
    follow_ups: list[Plan] = field(default_factory=list)
    awaiting_confirmation: list[Plan] = field(default_factory=list)
    person_answers: list[PersonAnswer] = field(default_factory=list)
    more_actions: bool = False
    more_follow_ups: bool = False
    more_awaiting: bool = False
    more_answers: bool = False
    later_page: bool = False  # the actions start after the first page

    @property
    def is_empty(self) -> bool:
        return not (
            self.actions or self.follow_ups or self.awaiting_confirmation or self.person_answers
        )

    @property
    def has_more(self) -> bool:
        return self.more_actions or self.more_follow_ups or self.more_awaiting or self.more_answers

    @property
    def next_cursor(self) -> str:
        """The next page of actions: after the last one shown, in their order (by due date)."""
        if not (self.more_actions and self.actions):
            return ""
        last = self.actions[-1].action
        due = last.due_date.isoformat() if last.due_date else None
        return signing.dumps({"after": last.pk, "due": due}, salt=_SALT)


def urgency(due: date | None, today: date) -> str:
    if due is None:
        return "undated"
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=SOON_DAYS):
        return "soon"
    return "later"


def action_item(action: PlanAction, today: date) -> ActionItem:
    return ActionItem(action, action.plan.participant, urgency(action.due_date, today))


def _after(cursor: str | None) -> Q | None:
    """The actions after the one a cursor names, in the worklist's order; None for the first
    page, or for a cursor that is garbage or tampered with."""
    if not cursor:
        return None
    try:
        data = signing.loads(cursor, salt=_SALT)
        pk = int(data["after"])
        due = date.fromisoformat(data["due"]) if data["due"] is not None else None
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
        return None
    if due is None:
        return Q(due_date__isnull=True, pk__gt=pk)
    return Q(due_date__gt=due) | Q(due_date=due, pk__gt=pk) | Q(due_date__isnull=True)


def _my_actions(
    user: User, today: date, shown: int, after: Q | None
) -> tuple[list[ActionItem], bool]:
    """The organisation's open actions for people the user may see, of categories the user may
    see, soonest due first (overdue, this week, later, undated): ``shown`` of them and whether
    more follow, filtered and limited in SQL."""
    assert user.organisation_id is not None
    actions = (
        PlanAction.objects.open()
        .for_organisation(user.organisation_id)
        .filter(allowed_rows(user, participant="plan__participant", category="category"))
        .select_related("plan__participant", "responsible_person")
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )
    if after is not None:
        actions = actions.filter(after)
    found = list(actions[: shown + 1])
    return [action_item(a, today) for a in found[:shown]], len(found) > shown


def _awaiting(user: User, shown: int) -> list[Plan]:
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
        Plan.objects.filter(visible_at(user), state=Plan.State.INVITED)
        .filter(has_part)
        .exclude(Exists(confirmed))
        .select_related("participant", "lead_organisation")
        .order_by("created_at", "pk")[: shown + 1]
    )


def _person_answers(user: User, shown: int) -> list[PersonAnswer]:
    """For a coordinator of the controlling organisation: the people's answers in Min Samla,
    newest first, ``shown`` + 1 at most."""
    coordinating = user.association_ids(Role.COORDINATOR)  # the roles read once per request
    if not coordinating:
        return []

    def mine(participant: str) -> Q:
        return visible_at(user, participant) & Q(
            **{
                f"{participant}__controlling_organisation_id": user.organisation_id,
                f"{participant}__association_id__in": coordinating,
            }
        )

    since = timezone.now() - timedelta(days=PERSON_ANSWER_DAYS)
    answers = [
        PersonAnswer(d.plan.participant, "not_yet", d.given_at, text=d.reason)
        for d in PlanDeferral.objects.current()
        .filter(mine("plan__participant"), plan__state=Plan.State.INVITED)
        .select_related("plan__participant")
        .order_by("-given_at", "-pk")[: shown + 1]
    ]
    answers += [
        PersonAnswer(a.plan.participant, "approved", a.recorded_at, level=a.assurance_level)
        for a in PlanApproval.objects.current()
        .filter(mine("plan__participant"), recorded_at__gte=since)
        .exclude(acr="")
        .select_related("plan__participant")
        .order_by("-recorded_at", "-pk")[: shown + 1]
    ]
    answers += [
        PersonAnswer(p.participant, "ended", p.closed_at, text=p.close_note)
        for p in Plan.objects.filter(
            mine("participant"),
            state=Plan.State.CLOSED,
            closed_at__gte=since,
        )
        .exclude(closed_by__person_number="")
        .select_related("participant")
        .order_by("-closed_at", "-pk")[: shown + 1]
        if p.closed_at is not None
    ]
    return sorted(answers, key=lambda a: a.at, reverse=True)


def worklist_for(
    user: User, *, purpose: str = "Arbetslista", shown: int = PAGE_SIZE, cursor: str | None = None
) -> Worklist:
    """The first ``shown`` rows of each part of the user's worklist (the actions from where
    ``cursor`` left off), read and logged in one transaction."""
    today = timezone.localdate()
    worklist = Worklist(today=today, shown=shown)
    if user.organisation_id is None or not user.reaches_person_data:
        return worklist
    after = _after(cursor)
    with transaction.atomic():
        worklist.actions, worklist.more_actions = _my_actions(user, today, shown, after)
        worklist.later_page = after is not None
        follow_ups = list(
            Plan.objects.active()
            .filter(visible_at(user), follow_up_date__lte=today)
            .select_related("participant", "lead_organisation")
            .order_by("follow_up_date", "pk")[: shown + 1]
        )
        awaiting = _awaiting(user, shown)
        answers = _person_answers(user, shown)
        worklist.follow_ups, worklist.more_follow_ups = follow_ups[:shown], len(follow_ups) > shown
        worklist.awaiting_confirmation = awaiting[:shown]
        worklist.more_awaiting = len(awaiting) > shown
        worklist.person_answers, worklist.more_answers = answers[:shown], len(answers) > shown
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
