"""Counts of participations, for the association's indicators and the national follow-up
(docs/domain.md §5G–H).

A participation is a referral that started. Each counts on its own (a person can take part in
several activities, and in the same one again), and anonymous participations count exactly like
identified ones (R5). Plain counts with nothing about any person: the indicators put them
through the statistics layer's suppression before anyone sees them (R7).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from samla.organisations.models import Association
from samla.referrals.models import Referral


@dataclass(frozen=True)
class Participations:
    total: int
    anonymous: int
    by_activity: dict[int, int]  # activity pk → participations
    by_sex: dict[str, int]  # Sex value → participations
    ended: int
    by_exit_reason: dict[str, int]  # ExitReason value → participations that ended in the year


def participations(association: Association, year: int) -> Participations:
    """The participations under way at some time in the year: started by its end and not ended
    before it began."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    under_way = Referral.objects.filter(activity__association=association).under_way(first, last)
    totals = under_way.aggregate(
        total=Count("pk"), anonymous=Count("pk", filter=Q(participant__kind="anonymous"))
    )
    by_activity = dict(
        under_way.values_list("activity_id").annotate(n=Count("pk")).order_by("activity_id")
    )
    by_sex = dict(
        under_way.values_list("participant__sex")
        .annotate(n=Count("pk"))
        .order_by("participant__sex")
    )
    ended = under_way.filter(ended_on__lte=last)
    by_exit_reason = dict(
        ended.values_list("exit_reason").annotate(n=Count("pk")).order_by("exit_reason")
    )
    return Participations(
        total=totals["total"],
        anonymous=totals["anonymous"],
        by_activity=by_activity,
        by_sex=by_sex,
        ended=sum(by_exit_reason.values()),
        by_exit_reason=by_exit_reason,
    )
