"""Notices about plan actions: when one is given to someone, and the daily reminders (run by
``SAMLA_DAILY_TASKS``) about those due soon or overdue.

They go to ``worklists.responsible_users``: the responsible person, or else the responsible
organisation's people on the team, and only while they may see the person and the action's
category, so nobody is told of work they cannot open. The link leads to the worklist.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from samla.notifications.models import Kind, Preference
from samla.notifications.notices import notify
from samla.plans.models import PlanAction
from samla.plans.worklists import responsible_users

LONGEST_NOTICE_DAYS = 30  # the most days ahead a user can ask to be told
DEFAULT_NOTICE_DAYS = Preference._meta.get_field("due_soon_days").default


def notify_assigned(action: PlanAction) -> None:
    """Tell whoever now answers for the action (call inside the transaction that assigns it)."""
    for user in responsible_users(action):
        notify(user, Kind.ASSIGNED, about=action, path=reverse("worklist:index"))


def send_due_reminders(today: date | None = None) -> int:
    """Remind of open actions that are overdue or due within the days each user chose.
    Returns how many notices were queued."""
    today = today or timezone.localdate()
    actions = (
        PlanAction.objects.open()
        .due_by(today + timedelta(days=LONGEST_NOTICE_DAYS))
        .select_related("plan__participant")
    )
    days_ahead = dict(Preference.objects.values_list("user_id", "due_soon_days"))
    queued = 0
    for action in actions:
        assert action.due_date is not None
        for user in responsible_users(action):
            if action.due_date < today:
                kind = Kind.OVERDUE
            elif action.due_date <= today + timedelta(days_ahead.get(user.pk, DEFAULT_NOTICE_DAYS)):
                kind = Kind.DUE_SOON
            else:
                continue
            if notify(user, kind, about=action, path=reverse("worklist:index")):
                queued += 1
    return queued
