"""Calendar files (iCalendar, RFC 5545 with the iTIP methods of RFC 5546) for meetings.

A file carries no more than the mail it travels with: the summary is "Samla: möte", the
location only the meeting room or the video link, and the description only the link into
Samla; no name, no identity number, nothing of the case (R2, R6). For a person with protected
identity not even the place goes out: where a protected person will be, and when, is seen only
in Samla. Every file about one meeting has the meeting's UID; each change raises SEQUENCE, so
a calendar replaces the event instead of adding a second one, and a cancellation is METHOD:CANCEL
with the same UID.
"""

from __future__ import annotations

from datetime import UTC
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from samla.meetings.models import Meeting

SUMMARY = "Samla: möte"
PRODID = "-//Samla//Möten//SV"


def uid_of(meeting: Meeting) -> str:
    return f"{meeting.uid}@samla"


def calendar_file(
    meeting: Meeting, *, link: str, attendee: str = "", obliged: bool = False, cancel: bool = False
) -> str:
    """The meeting as an iCalendar document: REQUEST, or CANCEL when it is called off."""
    assert meeting.starts_at is not None and meeting.ends_at is not None
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", uid_of(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("dtend", meeting.ends_at.astimezone(UTC))
    event.add("summary", SUMMARY)
    event.add("description", link)
    event.add("url", link)
    if meeting.where and not meeting.participant.is_protected:
        event.add("location", meeting.where)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    # Samla itself organises; answers go through the link, never by reply mail (RSVP=FALSE).
    event.add("organizer", _address(_sender(), cn="Samla"))
    if attendee:
        address = _address(attendee)
        address.params["ROLE"] = vText("REQ-PARTICIPANT" if obliged else "OPT-PARTICIPANT")
        address.params["RSVP"] = vText("FALSE")
        event.add("attendee", address, encode=False)
    calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical.decode()


def _sender() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "noreply@samla.invalid"


def _address(email: str, *, cn: str = "") -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if cn:
        address.params["CN"] = vText(cn)
    return address
