"""When each measurement of a participation can be recorded (docs/domain.md §5F).

Entry once the participation has started; exit once it has ended; the follow-ups one and six
calendar months after the end date, and not before. A referral that was ended by mistake and
reopened is started again, so its exit and follow-ups wait until it ends once more.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from samla.measurements.models import Occasion
from samla.referrals.models import Referral

FOLLOW_UP_MONTHS = {Occasion.AFTER_1_MONTH: 1, Occasion.AFTER_6_MONTHS: 6}
# Each occasion's part of a measurement's address (matningar/start/).
SLUGS = {
    Occasion.ENTRY: "start",
    Occasion.EXIT: "avslut",
    Occasion.AFTER_1_MONTH: "efter-en-manad",
    Occasion.AFTER_6_MONTHS: "efter-sex-manader",
}
BY_SLUG = {slug: occasion for occasion, slug in SLUGS.items()}
PARTICIPATION_STATES = frozenset({Referral.State.STARTED, Referral.State.ENDED})


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (earlier if negative), or the month's last
    day if it is shorter: 31 January + 1 month is 28 or 29 February."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def due_on(referral: Referral, occasion: str) -> date | None:
    """The day the measurement is due, once the participation has come far enough to say."""
    if occasion == Occasion.ENTRY:
        return referral.started_on if referral.state in PARTICIPATION_STATES else None
    if referral.state != Referral.State.ENDED or referral.ended_on is None:
        return None
    if occasion == Occasion.EXIT:
        return referral.ended_on
    return add_months(referral.ended_on, FOLLOW_UP_MONTHS[Occasion(occasion)])


def refusal(referral: Referral, occasion: str, today: date) -> str:
    """Why the measurement cannot be recorded now, in Swedish; empty when it can."""
    if occasion == Occasion.ENTRY:
        if referral.state not in PARTICIPATION_STATES:
            return _("Mätningen vid start kan göras när deltagandet har startat.")
        return ""
    if referral.state != Referral.State.ENDED:
        return _("Mätningen kan göras när deltagandet är avslutat.")
    due = due_on(referral, occasion)
    if due is not None and occasion in FOLLOW_UP_MONTHS and today < due:
        return _("Uppföljningen kan göras från och med %(date)s.") % {"date": due.isoformat()}
    return ""


def check_can_record(referral: Referral, occasion: str, today: date) -> None:
    reason = refusal(referral, occasion, today)
    if reason:
        raise ValidationError(reason)
