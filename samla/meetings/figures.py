"""Counts of meetings held, for the association's indicators (docs/domain.md §5G).

Plain counts over all the association's participants, with nothing about any person: the
indicators put them through the statistics layer's suppression before anyone sees them (R7).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet

from samla.meetings.models import Invitation, Meeting
from samla.organisations.models import Association


@dataclass(frozen=True)
class MeetingsHeld:
    total: int
    by_kind: dict[str, int]  # Meeting.Kind value → meetings held
    digital: int
    physical: int
    organisations_present: dict[str, int]  # organisation name → meetings it was present at


def held(association: Association, first: date, last: date) -> QuerySet[Meeting]:
    """The meetings about the association's participants held from the first day to the last
    (by their local start time)."""
    return Meeting.objects.filter(
        participant__association=association,
        state=Meeting.State.HELD,
        starts_at__date__gte=first,
        starts_at__date__lte=last,
    )


def meetings_held(association: Association, year: int) -> MeetingsHeld:
    """The meetings held in a year about the association's participants: by kind, digital or
    physical, and how many each organisation was present at."""
    in_year = held(association, date(year, 1, 1), date(year, 12, 31))
    by_kind = {k.value: 0 for k in Meeting.Kind}
    by_kind |= {row["kind"]: row["n"] for row in in_year.values("kind").annotate(n=Count("pk"))}
    by_mode = {row["mode"]: row["n"] for row in in_year.values("mode").annotate(n=Count("pk"))}
    present = (
        Invitation.objects.filter(meeting__in=in_year, attended=True)
        .values("organisation__name")
        .annotate(n=Count("meeting", distinct=True))
        .order_by("organisation__name")
    )
    return MeetingsHeld(
        total=sum(by_kind.values()),
        by_kind=by_kind,
        digital=by_mode.get(Meeting.Mode.DIGITAL, 0),
        physical=by_mode.get(Meeting.Mode.PHYSICAL, 0),
        organisations_present={row["organisation__name"]: row["n"] for row in present},
    )
