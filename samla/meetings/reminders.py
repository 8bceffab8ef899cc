"""The meetings' part of the daily run (``SAMLA_DAILY_TASKS``): remind those who have not
answered a summons or an invitation, once for each version of the meeting."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from samla.meetings.models import Invitation, Meeting
from samla.meetings.summons import tell
from samla.notifications.models import Kind

# How long an invitee has to answer before the daily run reminds them.
REMIND_AFTER = timedelta(days=2)


def send_answer_reminders(now: datetime | None = None) -> int:
    """Remind, once for each version of a meeting, those who have not answered a summons or
    invitation sent at least ``REMIND_AFTER`` ago to a meeting still ahead. Returns how many
    reminders were queued."""
    now = now or timezone.now()
    waiting = (
        Invitation.objects.pending()
        .filter(
            meeting__state=Meeting.State.PLANNED,
            meeting__starts_at__gt=now,
            sent_at__lte=now - REMIND_AFTER,
            sent_sequence=F("meeting__sequence"),
        )
        .select_related("meeting__participant", "organisation", "user")
    )
    return sum(tell(invitation, Kind.REMINDER) for invitation in waiting)
