"""The daily reminders about plan actions (run by ``SAMLA_DAILY_TASKS``), and the notice when
an action is given to someone.

A reminder goes to the action's responsible person only while they may still see the person and
the action's category: someone whose consent lapsed is not reminded of work they cannot open.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from samla.accounts.models import User
from samla.notifications.models import Kind, Preference
from samla.notifications.notices import notify
from samla.people.access import would_allow
from samla.people.models import InformationCategory
from samla.plans.models import PlanAction

LONGEST_NOTICE_DAYS = 30  # the most days ahead a user can ask to be told


def worklist_path() -> str:
    return reverse("worklist:index")


def notify_assigned(action: PlanAction) -> None:
    """Tell the responsible person they have a new action (inside the assigning transaction)."""
    person = action.responsible_person
    if person is None:
        return
    if would_allow(person, action.plan.participant, InformationCategory(action.category)):
        notify(person, Kind.ASSIGNED, about=action, path=worklist_path())


def send_due_reminders(today: date | None = None) -> int:
    """Tell each responsible person about their actions that are overdue or due within the
    number of days they chose. Returns how many notices were queued."""
    today = today or timezone.localdate()
    actions = (
        PlanAction.objects.open()
        .due_by(today + timedelta(days=LONGEST_NOTICE_DAYS))
        .filter(responsible_person__isnull=False)
        .select_related("responsible_person", "plan__participant")
    )
    days_ahead = dict(Preference.objects.values_list("user_id", "due_soon_days"))
    queued = 0
    for action in actions:
        person: User = action.responsible_person  # type: ignore[assignment]
        assert action.due_date is not None
        if action.due_date < today:
            kind = Kind.OVERDUE
        elif action.due_date <= today + timedelta(days=days_ahead.get(person.pk, 3)):
            kind = Kind.DUE_SOON
        else:
            continue
        allowed = would_allow(person, action.plan.participant, InformationCategory(action.category))
        if allowed and notify(person, kind, about=action, path=worklist_path()):
            queued += 1
    return queued
