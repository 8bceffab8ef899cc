"""Counts of meetings held, for the association's indicators (docs/domain.md §5G).

Plain counts over all the association's participants, with nothing about any person: the
indicators put them through the statistics layer's suppression before anyone sees them (R7).
A meeting about a participant who has since been culled is counted from what culling kept of it
(``CulledMeeting``), under the same id, so the figures of past years never change.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from samla.meetings.models import CulledMeeting, Meeting
from samla.organisations.models import Association


def held(
    association: Association,
    first: date,
    last: date,
    *,
    municipality: int | None = None,
    sex: str = "",
) -> list[tuple[str, int]]:
    """The kind and id of each meeting about the association's participants held from the
    first day to the last (by its local start time), of participants of the home municipality
    and the sex if given. Two queries: the meetings there are, and those culling kept."""
    meetings = Meeting.objects.filter(
        participant__association=association,
        state=Meeting.State.HELD,
        starts_at__date__gte=first,
        starts_at__date__lte=last,
    )
    culled = CulledMeeting.objects.filter(
        association=association, held_on__gte=first, held_on__lte=last
    )
    if municipality:
        meetings = meetings.filter(participant__home_municipality_id=municipality)
        culled = culled.filter(home_municipality_id=municipality)
    if sex:
        meetings = meetings.filter(participant__sex=sex)
        culled = culled.filter(sex=sex)
    return [
        *meetings.values_list("kind", "pk").order_by(),
        *culled.values_list("kind", "pk").order_by(),
    ]


def keep_culled(participant_id: int) -> None:
    """Before a participant is culled, in the culling's transaction: each meeting about them
    that was held, kept as a ``CulledMeeting`` with what the figures count it by."""
    _keep(Meeting.objects.filter(participant_id=participant_id))


def keep_meetings(ids: list[int]) -> None:
    """The same for these meetings, before they are culled alone (the rule for meetings)."""
    _keep(Meeting.objects.filter(pk__in=ids))


def _keep(meetings: QuerySet[Meeting]) -> None:
    rows = (
        meetings.filter(state=Meeting.State.HELD, starts_at__isnull=False)
        .select_related("participant")
        .order_by("pk")
    )
    CulledMeeting.objects.bulk_create(
        CulledMeeting(
            meeting_id=meeting.pk,
            association_id=meeting.participant.association_id,
            kind=meeting.kind,
            held_on=timezone.localdate(meeting.starts_at),
            home_municipality_id=meeting.participant.home_municipality_id,
            sex=meeting.participant.sex,
        )
        for meeting in rows
    )
