"""Expected figures worked out in plain Python over the Referral rows, without the app's
queries, dimensions or tables."""

from __future__ import annotations

from collections import Counter
from datetime import date

from samla.activities.models import Activity
from samla.referrals.models import Referral


def participations(activity: Activity) -> list[Referral]:
    """Started or ended referrals; one registered in error never was a participation."""
    return [
        r
        for r in Referral.objects.filter(activity=activity).select_related("participant")
        if r.state in (Referral.State.STARTED, Referral.State.ENDED)
        and r.started_on is not None
        and r.exit_reason != "in_error"
    ]


def active_between(activity: Activity, first: date, last: date) -> list[Referral]:
    return [
        r
        for r in participations(activity)
        if r.started_on is not None
        and r.started_on <= last
        and (r.ended_on is None or r.ended_on >= first)
    ]


def by_sex(referrals: list[Referral]) -> Counter[str]:
    counted = Counter(r.participant.sex for r in referrals)
    counted["total"] = len(referrals)
    return counted


def started_between(activity: Activity, first: date, last: date) -> list[Referral]:
    return [
        r
        for r in participations(activity)
        if r.started_on is not None and first <= r.started_on <= last
    ]
