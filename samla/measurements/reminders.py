"""The daily reminder (``SAMLA_DAILY_TASKS``) of the follow-ups one and six months after exit.

A follow-up is told to the provider's activity staff from the day it is due until
``REMIND_DAYS`` later, while it is not recorded, once per participation and follow-up (the
notice's occasion). The notice is neutral: a link to the measurement's form, nothing else.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from samla.accounts.models import User
from samla.measurements.models import Occasion
from samla.measurements.occasions import FOLLOW_UP_MONTHS, SLUGS, add_months
from samla.notifications.models import Kind
from samla.notifications.notices import notify
from samla.referrals.access import provider_staff
from samla.referrals.models import Referral

REMIND_DAYS = 30  # a follow-up more overdue than this is not reminded of any more


def due_follow_ups(today: date) -> list[tuple[Referral, Occasion]]:
    """Ended participations whose follow-up is due (for at most ``REMIND_DAYS``) and not
    recorded."""
    found = []
    for occasion, months in FOLLOW_UP_MONTHS.items():
        # Ended about these days: months' ends are clamped (29–31 January are all due on 28
        # February), so the window is wide by a few days and each due date checked below.
        earliest = add_months(today - timedelta(days=REMIND_DAYS), -months) - timedelta(days=3)
        latest = add_months(today, -months) + timedelta(days=3)
        referrals = (
            Referral.objects.filter(
                state=Referral.State.ENDED, ended_on__gte=earliest, ended_on__lte=latest
            )
            .exclude(measurements__occasion=occasion)
            .select_related("activity")
            .order_by("pk")
        )
        for referral in referrals:
            assert referral.ended_on is not None
            due = add_months(referral.ended_on, months)
            if due <= today <= due + timedelta(days=REMIND_DAYS):
                found.append((referral, occasion))
    return found


def send_follow_up_reminders(today: date | None = None) -> int:
    """Returns how many notices were queued."""
    today = today or timezone.localdate()
    staff: dict[int, list[User]] = {}
    queued = 0
    for referral, occasion in due_follow_ups(today):
        if referral.activity_id not in staff:
            staff[referral.activity_id] = list(provider_staff(referral.activity))
        path = reverse("measurements:provider_record", args=[referral.pk, SLUGS[occasion]])
        for user in staff[referral.activity_id]:
            if notify(user, Kind.FOLLOW_UP_DUE, about=referral, path=path, occasion=occasion):
                queued += 1
    return queued
