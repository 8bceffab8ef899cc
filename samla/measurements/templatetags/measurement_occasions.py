from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from samla.measurements.access import PROVIDER, Participation, may_record_for_person
from samla.measurements.overview import OccasionRow, occasion_rows
from samla.referrals.models import Referral

register = template.Library()


@register.simple_tag(takes_context=True)
def occasions_of(context: dict[str, Any], referral: Referral, side: str) -> list[OccasionRow]:
    """The four occasions of a participation, for a page that has already reached the referral
    through its access function (so nothing more is read about the person, and nothing logged)."""
    user = context["user"]
    can_record = side == PROVIDER or may_record_for_person(user, referral)
    participation = Participation(referral=referral, side=side, can_record=can_record)
    return occasion_rows(participation, timezone.localdate())
