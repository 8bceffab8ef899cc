from __future__ import annotations

from django import template
from django.utils import timezone

from samla.measurements.access import Participation
from samla.measurements.overview import OccasionRow, occasion_rows
from samla.referrals.models import Referral

register = template.Library()


@register.simple_tag
def occasions_of(referral: Referral, side: str, can_record: bool) -> list[OccasionRow]:
    """The four occasions of a participation, for a page that has already reached the referral
    through its access function and says whether the user may record (so nothing more is read
    about the person, and nothing logged)."""
    participation = Participation(referral=referral, side=side, can_record=bool(can_record))
    return occasion_rows(participation, timezone.localdate())
