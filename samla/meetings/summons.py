"""Telling the invited: the summons or invitation, each change, and the cancellation. Each mail
goes through ``notify()`` inside the transaction that caused it (so a rolled-back change mails
nobody), is neutral, and carries a calendar file as neutral as the mail
(``samla.meetings.calendar``). The daily reminder is in ``samla.meetings.reminders``.

Samla mails staff only, never the person: a person with protected identity (R6) gets nothing,
and nor does anyone else the meeting is about.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from samla.meetings.access import recipients
from samla.meetings.calendar import calendar_file
from samla.meetings.models import Invitation, Meeting
from samla.notifications.links import absolute_url
from samla.notifications.models import Kind
from samla.notifications.notices import notify


def _invitations(meeting: Meeting) -> list[Invitation]:
    invitations = list(
        Invitation.objects.filter(meeting=meeting).select_related("organisation", "user")
    )
    for invitation in invitations:
        invitation.meeting = meeting
    return invitations


def tell(invitation: Invitation, kind: Kind, *, cancel: bool = False) -> int:
    meeting = invitation.meeting
    path = reverse("mymeetings:answer", kwargs={"token": invitation.token})
    told = 0
    for user in recipients(invitation, meeting.participant):
        if user.pk == meeting.organiser_id:
            continue  # the organiser booked it; the calendar file is on the meeting page
        ics = calendar_file(
            meeting,
            link=absolute_url(path),
            attendee=user.email,
            obliged=invitation.obliged,
            cancel=cancel,
        )
        if notify(user, kind, about=invitation, path=path, occasion=str(meeting.sequence), ics=ics):
            told += 1
    return told


def send_summons(meeting: Meeting, now: datetime | None = None) -> int:
    """Send the meeting as it is now to every invitee who has not had this version of it: a
    summons or an invitation the first time, a change after that. Returns how many mails were
    queued."""
    now = now or timezone.now()
    told = 0
    for invitation in _invitations(meeting):
        if invitation.sent_sequence == meeting.sequence:
            continue
        if invitation.sent_sequence is None:
            kind = Kind.SUMMONED if invitation.obliged else Kind.INVITED
        else:
            kind = Kind.MEETING_CHANGED
        told += tell(invitation, kind)
        invitation.sent_sequence = meeting.sequence
        invitation.sent_at = now
        invitation.save(update_fields=["sent_sequence", "sent_at"])
    return told


def send_cancellations(meeting: Meeting) -> int:
    """Tell everyone who had the meeting in their calendar that it is called off."""
    told = 0
    for invitation in _invitations(meeting):
        if invitation.sent_sequence is None:
            continue
        told += tell(invitation, Kind.MEETING_CANCELLED, cancel=True)
        invitation.sent_sequence = meeting.sequence
        invitation.save(update_fields=["sent_sequence"])
    return told
