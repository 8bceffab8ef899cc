"""What the "Mätningar" section of a referral's page says about each occasion: recorded when,
due when, or why not yet, with the links the user may follow. One query for all four."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from samla.measurements.access import Participation
from samla.measurements.models import Measurement, Occasion
from samla.measurements.occasions import due_on, refusal


@dataclass(frozen=True)
class OccasionRow:
    occasion: Occasion
    measured_on: date | None  # recorded on this day
    due_on: date | None
    refusal: str  # why it cannot be recorded now; empty when it can
    detail_url: str
    record_url: str  # empty unless the user may record (or change) it now


def occasion_rows(participation: Participation, today: date) -> list[OccasionRow]:
    referral = participation.referral
    measured = dict(
        Measurement.objects.filter(referral=referral).values_list("occasion", "measured_on")
    )
    rows = []
    for occasion in Occasion:
        reason = refusal(referral, occasion, today)
        rows.append(
            OccasionRow(
                occasion=occasion,
                measured_on=measured.get(occasion.value),
                due_on=due_on(referral, occasion),
                refusal=reason,
                detail_url=participation.url(occasion),
                record_url=""
                if reason or not participation.can_record
                else participation.url(occasion, record=True),
            )
        )
    return rows
