"""The ESF participant file: for an ESF co-funded activity and one month, one line per
participation under way in that month, as the organisation that owns the ESF project reports its
participants (to the ESF Council, which passes them to Statistics Sweden).

The file is person data and is only ever built by ``actions.export_esf_file``, which logs every
person in it. Its columns are Samla's own plain layout, one code per cell: the identity number
with century (12 characters, R9), sex (K, M or X), birth year, start date, end date, exit reason
and occupation at entry and at exit, the last two as Samla's codes (docs/domain.md §6).

A person with a protected identity (R6) is never written with name, number or address, nor with
anything else of theirs: their participations get no line, and the notes below the lines
(``notes``) count them, so the file still covers every participation.

A line tells what was known of the month at its end: a participation that ended after the month
is reported as under way, with no end date or exit reason, so the file for a month is the same
whenever it is made.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samla.activities.models import Activity
from samla.measurements.models import Occasion, measured_at
from samla.referrals.models import Referral

ESF_HEADER = (
    _("Personnummer"),
    _("Kön"),
    _("Födelseår"),
    _("Startdatum"),
    _("Slutdatum"),
    _("Avslutsorsak"),
    _("Sysselsättning vid start"),
    _("Sysselsättning vid avslut"),
)
SEX_CODES = {"F": "K", "M": "M", "X": "X"}
MONTH = re.compile(r"^(\d{4})-(\d{2})$")

Line = list[str | int | date | None]


@dataclass(frozen=True, order=True)
class EsfMonth:
    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @classmethod
    def parse(cls, value: str) -> EsfMonth:
        found = MONTH.match(value.strip())
        if found is None or not 1 <= int(found[2]) <= 12:
            raise ValueError(value)
        return cls(int(found[1]), int(found[2]))

    @classmethod
    def of(cls, day: date) -> EsfMonth:
        return cls(day.year, day.month)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def next(self) -> EsfMonth:
        return EsfMonth(self.year + self.month // 12, self.month % 12 + 1)


def months_of(activity: Activity, today: date) -> list[EsfMonth]:
    """The months of the activity's period up to this month, latest first."""
    first = EsfMonth.of(activity.starts_on)
    last = EsfMonth.of(min(activity.ends_on or today, today))
    found = []
    month = first
    while month <= last:
        found.append(month)
        month = month.next()
    return found[::-1]


def participations_in(activity: Activity, month: EsfMonth) -> QuerySet[Referral]:
    """Participations under way at some time in the month. One registered in error was never a
    participation and is left out, as from every figure."""
    return (
        Referral.objects.filter(activity=activity)
        .under_way(month.first, month.last)
        .select_related("participant")
        .annotate(
            entry_occupation=measured_at(Occasion.ENTRY, "occupation"),
            exit_occupation=measured_at(Occasion.EXIT, "occupation"),
        )
        .order_by("started_on", "pk")
    )


def esf_line(participation: Referral, month: EsfMonth) -> Line:
    person = participation.participant
    number = person.parsed_id_number
    born = person.birth_date or (number.birth_date if number else None)
    ended = participation.ended_on is not None and participation.ended_on <= month.last
    return [
        person.id_number,
        SEX_CODES.get(person.sex, ""),
        born.year if born else None,
        participation.started_on,
        participation.ended_on if ended else None,
        participation.exit_reason if ended else "",
        getattr(participation, "entry_occupation", None) or "",
        (getattr(participation, "exit_occupation", None) or "") if ended else "",
    ]


def notes(total: int, protected: int) -> list[list[object]]:
    """The file's notes, below its lines after an empty row: how many participations the month
    had, and how many of them are only counted because the person's identity is protected."""
    return [
        [],
        [gettext("Anteckningar")],
        [gettext("Deltaganden under månaden"), total],
        [gettext("Varav med skyddade personuppgifter"), protected],
        [
            gettext(
                "%(count)s deltagare med skyddade personuppgifter ingår bara i antalet: de skrivs "
                "inte ut med namn, personnummer, adress eller andra uppgifter."
            )
            % {"count": protected}
        ],
    ]
