"""Checking an import file row by row, without writing anything (docs/import-format.md).

``Validator`` reads what it needs from the database once, before the first row: the association's
activities, the participants the importing organisation already controls (by identity number),
and their participations. Each row is then checked against those dictionaries, never by a query
of its own, so a file of 100 000 rows costs three queries. A file repeats its codes and dates on
row after row, so each distinct cell text is read once per column kind and its value (or its
error message) reused. A clean file leaves a ``Plan``: the people to create or reuse and the
participations with their measurements, ready to be written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, TypedDict, TypeVar

from django.db.models import Count
from django.utils.translation import gettext as _

from samla import idnumbers
from samla.activities.models import Activity
from samla.imports import columns as c
from samla.imports.models import ImportJob
from samla.measurements.models import Occasion
from samla.measurements.occasions import FOLLOW_UP_MONTHS, add_months
from samla.people.models import Participant
from samla.referrals.models import Referral

T = TypeVar("T")
NAME_MAX_LENGTH = 100
FIRST_START_YEAR = 1990  # people_participant_start_year_plausible
PersonKey = str | int  # an identity number (identified) or the row number (an anonymous person)
Getter = Callable[[str], str]  # a column's text in the row being checked
# A measurement column in the file: (the Measurement field, its header, its position).
MeasurementColumn = tuple[str, str, int]


class RowError(TypedDict):
    row: int | None  # as in the file, the header being row 1; None for the file as a whole
    column: str
    message: str


@dataclass(slots=True)
class MeasurementRow:
    occasion: str
    measured_on: date
    values: dict[str, object]
    income_sources: list[tuple[str, int | None]]


@dataclass(slots=True)
class ParticipationRow:
    row: int
    activity_id: int
    person: PersonKey
    started_on: date
    ended_on: date | None
    exit_reason: str
    measurements: list[MeasurementRow]


@dataclass(slots=True)
class NewPerson:
    row: int
    number: idnumbers.IdNumber | None
    first_name: str
    last_name: str
    sex: str
    start_year: int


@dataclass(frozen=True, slots=True)
class ActivityInfo:
    pk: int
    name: str
    kind: str
    provider_id: int
    starts_on: date
    ends_on: date | None
    capacity: int | None


@dataclass
class Plan:
    new_people: dict[PersonKey, NewPerson] = field(default_factory=dict)
    matched: dict[str, int] = field(default_factory=dict)  # identity number → participant pk
    participations: list[ParticipationRow] = field(default_factory=list)


def _sentence_case(message: str) -> str:
    """idnumbers' messages are whole sentences; in the report they follow "kolumn x:"."""
    return message[:1].lower() + message[1:]


class Validator:
    def __init__(self, *, organisation_id: int, association_id: int, today: date) -> None:
        self.organisation_id = organisation_id
        self.association_id = association_id
        self.today = today
        self.codes = c.Codes()
        self.errors: list[RowError] = []
        self.error_count = 0
        self.plan = Plan()
        self.index: dict[str, int] = {}
        self.width = 0
        self._untitled: list[int] = []
        self._activity_cache: dict[str, tuple[ActivityInfo | None, str]] = {}
        self._seen: dict[tuple[str, int, date], int] = {}
        # (column kind, cell text) → its value, or the CellError's message.
        self._parsed: dict[tuple[str, str], Any] = {}
        self._failures: set[tuple[str, str]] = set()
        self._measurement_columns: list[tuple[str, list[MeasurementColumn]]] = []

        self.activities_by_pk: dict[int, ActivityInfo] = {}
        self.activities_by_name: dict[str, list[ActivityInfo]] = {}
        for values in Activity.objects.filter(association_id=association_id).values(
            "pk", "name", "kind", "provider_id", "starts_on", "ends_on", "capacity"
        ):
            info = ActivityInfo(**values)
            self.activities_by_pk[info.pk] = info
            self.activities_by_name.setdefault(c.normalise(info.name), []).append(info)
        self.existing: dict[str, tuple[int, int]] = {
            number: (pk, association)
            for number, pk, association in Participant.objects.controlled_by(organisation_id)
            .exclude(id_number="")
            .values_list("id_number", "pk", "association_id")
        }
        self.existing_participations: set[tuple[int, int, date | None]] = set(
            Referral.objects.filter(
                participant__controlling_organisation_id=organisation_id,
                activity__association_id=association_id,
                started_on__isnull=False,
            ).values_list("participant_id", "activity_id", "started_on")
        )

    def check_places(self) -> None:
        """After the last row: participations still under way (no end date) take places, and an
        activity never has more people in it than places (one query)."""
        ongoing: dict[int, list[int]] = {}
        for row in self.plan.participations:
            if row.ended_on is None:
                ongoing.setdefault(row.activity_id, []).append(row.row)
        if not ongoing:
            return
        taken = dict(
            Referral.objects.filter(activity_id__in=list(ongoing))
            .holding_places()
            .values_list("activity_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for activity_id, rows in ongoing.items():
            activity = self.activities_by_pk[activity_id]
            free = (activity.capacity or 0) - taken.get(activity_id, 0)
            if len(rows) > free:
                self.error(
                    rows[max(free, 0)],
                    c.ENDED_ON,
                    _(
                        "%(activity)s har %(free)s lediga platser, men filen har %(count)s "
                        "deltaganden i insatsen utan slutdatum. Ange slutdatum för dem som har "
                        "slutat, eller öka antalet platser först."
                    )
                    % {"activity": activity.name, "free": max(free, 0), "count": len(rows)},
                )

    @property
    def is_clean(self) -> bool:
        return self.error_count == 0

    def error(self, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < ImportJob.MAX_STORED_ERRORS:
            self.errors.append({"row": row, "column": column, "message": message})

    # The header ------------------------------------------------------------------------------

    def check_header(self, header: list[str]) -> bool:
        """Map the columns; False if the header itself is wrong (then no row is checked)."""
        known = {c.normalise(name): name for name in c.ALL_COLUMNS}
        before = self.error_count
        self.width = len(header)
        for position, cell in enumerate(header):
            if not cell:
                self._untitled.append(position)
                continue
            column = known.get(c.normalise(cell))
            if column is None:
                self.error(
                    1,
                    cell,
                    _("okänd kolumn. Mallen på importsidan visar vilka kolumner som finns."),
                )
            elif column in self.index:
                self.error(1, cell, _("kolumnen finns mer än en gång."))
            else:
                self.index[column] = position
        for column in c.REQUIRED_COLUMNS:
            if column not in self.index:
                self.error(1, column, _("kolumnen saknas."))
        # Each occasion's columns in the order of c.MEASUREMENT_COLUMNS, those in the file only.
        for occasion, headers in c.MEASUREMENT_COLUMNS.items():
            present = [
                (name, header, self.index[header])
                for name, header in headers.items()
                if header in self.index
            ]
            if present:
                self._measurement_columns.append((occasion, present))
        return self.error_count == before

    def _parse(self, kind: str, text: str, parse: Callable[[str], T]) -> T:
        """``parse(text)``, computed once per distinct text of a kind; raises c.CellError."""
        key = (kind, text)
        if key in self._failures:
            raise c.CellError(str(self._parsed[key]))
        if key in self._parsed:
            known: T = self._parsed[key]
            return known
        try:
            found = self._parsed[key] = parse(text)
        except c.CellError as error:
            self._parsed[key] = error.message
            self._failures.add(key)
            raise
        return found

    # One row ---------------------------------------------------------------------------------

    def check_row(self, number: int, cells: list[str]) -> None:
        before = self.error_count

        def value(column: str) -> str:
            position = self.index.get(column)
            return cells[position] if position is not None and position < len(cells) else ""

        for position in self._untitled:
            if position < len(cells) and cells[position]:
                self.error(
                    number, _("kolumn %(n)s") % {"n": position + 1}, _("kolumnen saknar rubrik.")
                )
        if len(cells) > self.width and any(cells[self.width :]):
            self.error(number, "", _("raden har fler värden än rubrikraden har kolumner."))

        activity = self._activity(number, value(c.ACTIVITY))
        started_on = self._date(number, c.STARTED_ON, value(c.STARTED_ON), required=True)
        ended_on = self._date(number, c.ENDED_ON, value(c.ENDED_ON))
        exit_reason = self._exit_reason(number, value(c.EXIT_REASON), ended_on)
        if started_on and ended_on and ended_on < started_on:
            self.error(number, c.ENDED_ON, _("slutdatumet ligger före startdatumet."))
        if started_on and activity:
            self._within_period(number, started_on, activity)
        person = self._person(number, value, started_on)
        measurements = self._measurements(number, cells, started_on, ended_on)

        if self.error_count != before or activity is None or started_on is None or person is None:
            return
        if isinstance(person, str) and self._is_duplicate(number, person, activity, started_on):
            return
        self.plan.participations.append(
            ParticipationRow(
                row=number,
                activity_id=activity.pk,
                person=person,
                started_on=started_on,
                ended_on=ended_on,
                exit_reason=exit_reason,
                measurements=measurements,
            )
        )

    def _activity(self, number: int, text: str) -> ActivityInfo | None:
        if not text:
            self.error(number, c.ACTIVITY, _("saknas."))
            return None
        if text not in self._activity_cache:
            self._activity_cache[text] = self._resolve_activity(text)
        info, message = self._activity_cache[text]
        if message:
            self.error(number, c.ACTIVITY, message)
        return info

    def _resolve_activity(self, text: str) -> tuple[ActivityInfo | None, str]:
        if text.isdigit() and int(text) in self.activities_by_pk:
            candidates = [self.activities_by_pk[int(text)]]
        else:
            candidates = self.activities_by_name.get(c.normalise(text), [])
        quoted = c.shown(text)
        if not candidates:
            return None, _("det finns ingen insats %(value)s i samordningsförbundet.") % {
                "value": quoted
            }
        if len(candidates) > 1:
            return None, _(
                "flera insatser heter %(value)s. Ange insatsens nummer i stället (det står i "
                "adressen till insatsens sida)."
            ) % {"value": quoted}
        info = candidates[0]
        if info.kind != Activity.Kind.INDIVIDUAL:
            return None, _(
                "%(value)s är en strukturövergripande insats och har inga deltagare."
            ) % {"value": quoted}
        if info.provider_id != self.organisation_id:
            return None, _(
                "%(value)s utförs av en annan organisation. Du kan bara importera deltaganden i "
                "insatser som din organisation utför."
            ) % {"value": quoted}
        return info, ""

    def _date(self, number: int, column: str, text: str, *, required: bool = False) -> date | None:
        if not text:
            if required:
                self.error(number, column, _("saknas."))
            return None
        try:
            return self._parse("date", text, lambda text: c.parse_date(text, today=self.today))
        except c.CellError as error:
            self.error(number, column, error.message)
            return None

    def _exit_reason(self, number: int, text: str, ended_on: date | None) -> str:
        reason = ""
        if text:
            try:
                reason = str(self._parse(c.EXIT_REASON, text, self.codes.exit_reason.parse))
            except c.CellError as error:
                self.error(number, c.EXIT_REASON, error.message)
        if ended_on and not text:
            self.error(
                number, c.EXIT_REASON, _("saknas: ett avslutat deltagande har en avslutsorsak.")
            )
        if text and not ended_on and c.ENDED_ON not in self._failed_columns(number):
            self.error(number, c.ENDED_ON, _("saknas: en avslutsorsak hör till ett slutdatum."))
        return reason

    def _failed_columns(self, number: int) -> set[str]:
        """Columns of this row already reported, so one mistake is not reported twice."""
        found = set()
        for entry in reversed(self.errors):
            if entry["row"] != number:
                break
            found.add(entry["column"])
        return found

    def _within_period(self, number: int, started_on: date, activity: ActivityInfo) -> None:
        if started_on < activity.starts_on:
            self.error(
                number,
                c.STARTED_ON,
                _("startdatumet ligger före insatsens start (%(date)s).")
                % {"date": activity.starts_on.isoformat()},
            )
        elif activity.ends_on and started_on > activity.ends_on:
            self.error(
                number,
                c.STARTED_ON,
                _("startdatumet ligger efter insatsens slut (%(date)s).")
                % {"date": activity.ends_on.isoformat()},
            )

    def _person(self, number: int, value: Getter, started_on: date | None) -> PersonKey | None:
        before = self.error_count
        sex = self._optional(number, c.SEX, value(c.SEX), self.codes.sex)
        year = self._start_year(number, value(c.START_YEAR), started_on)
        raw_number, first, last = value(c.ID_NUMBER), value(c.FIRST_NAME), value(c.LAST_NAME)
        if not raw_number:
            return self._anonymous(number, value, sex, year, before=before)
        try:
            parsed = idnumbers.parse(raw_number, today=self.today)
        except idnumbers.InvalidIdNumber as error:
            self.error(number, c.ID_NUMBER, _sentence_case(error.message))
            return None
        key = parsed.value
        if key in self.existing:
            return self._registered(number, key)
        person = self.plan.new_people.get(key)
        if person is not None:
            self._same_names(number, person, first, last)
            person.start_year = min(person.start_year, year)
            return key
        self._new_names(number, first, last)
        sex = sex or parsed.legal_sex
        if sex is None and not value(c.SEX):
            self.error(number, c.SEX, _("saknas: ett reservnummer säger inget om kön."))
        if self.error_count != before or sex is None:
            return None
        self.plan.new_people[key] = NewPerson(number, parsed, first, last, sex, year)
        return key

    def _start_year(self, number: int, text: str, started_on: date | None) -> int:
        """The year the person first started: the column if given, else the row's start."""
        start_year = None
        if text:
            try:
                start_year = c.parse_whole_number(text, low=FIRST_START_YEAR, high=self.today.year)
            except c.CellError as error:
                self.error(number, c.START_YEAR, error.message)
        year = start_year or (started_on.year if started_on else self.today.year)
        if year < FIRST_START_YEAR:
            self.error(
                number, c.STARTED_ON, _("deltaganden som började före 1990 kan inte registreras.")
            )
        return year

    def _anonymous(
        self, number: int, value: Getter, sex: str | None, year: int, *, before: int
    ) -> PersonKey | None:
        """A row without an identity number: a new anonymous person, known by the row."""
        for column in (c.FIRST_NAME, c.LAST_NAME):
            if value(column):
                self.error(
                    number,
                    column,
                    _(
                        "en rad utan personnummer gäller en anonym deltagare, som inte får "
                        "ha namn. Ange personnumret eller ta bort namnet."
                    ),
                )
        if not value(c.SEX):
            self.error(number, c.SEX, _("saknas: en anonym deltagare registreras med kön."))
        if self.error_count != before or sex is None:
            return None
        self.plan.new_people[number] = NewPerson(number, None, "", "", sex, year)
        return number

    def _registered(self, number: int, key: str) -> PersonKey | None:
        """A person already in Samla: theirs to import into only in this association."""
        pk, association_id = self.existing[key]
        if association_id != self.association_id:
            self.error(
                number,
                c.ID_NUMBER,
                _("personen är registrerad av din organisation i ett annat samordningsförbund."),
            )
            return None
        self.plan.matched[key] = pk
        return key

    def _same_names(self, number: int, person: NewPerson, first: str, last: str) -> None:
        """A person new in this file met again: the names, where given, must be the same."""
        assert person.number is not None
        for column, text, known in (
            (c.FIRST_NAME, first, person.first_name),
            (c.LAST_NAME, last, person.last_name),
        ):
            if text and text.casefold() != known.casefold():
                self.error(
                    number,
                    column,
                    _("samma personnummer som på rad %(row)s men ett annat namn.")
                    % {"row": person.row},
                )

    def _new_names(self, number: int, first: str, last: str) -> None:
        for column, text in ((c.FIRST_NAME, first), (c.LAST_NAME, last)):
            if not text:
                self.error(
                    number, column, _("saknas: en ny deltagare med personnummer har ett namn.")
                )
            elif len(text) > NAME_MAX_LENGTH:
                self.error(
                    number, column, _("är längre än %(max)s tecken.") % {"max": NAME_MAX_LENGTH}
                )

    def _optional(self, number: int, column: str, text: str, codes: c.CodeList) -> str | None:
        if not text:
            return None
        try:
            return str(self._parse(column, text, codes.parse))
        except c.CellError as error:
            self.error(number, column, error.message)
            return None

    def _measurements(
        self, number: int, cells: list[str], started_on: date | None, ended_on: date | None
    ) -> list[MeasurementRow]:
        found = []
        width = len(cells)
        for occasion, columns in self._measurement_columns:
            texts = [
                (name, header, cells[position])
                for name, header, position in columns
                if position < width and cells[position]
            ]
            if not texts:
                continue
            measured_on = self._measured_on(number, occasion, texts[0][1], started_on, ended_on)
            values: dict[str, object] = {}
            income: list[tuple[str, int | None]] = []
            for name, header, text in texts:
                try:
                    if name == "income_sources":
                        # A copy: the list is shared with every other row of the same text.
                        income = list(self._parse(name, text, self._income_sources))
                    else:
                        values[name] = self._parse(name, text, self._measurement_parsers[name])
                except c.CellError as error:
                    self.error(number, header, error.message)
            if measured_on is not None:
                found.append(MeasurementRow(occasion, measured_on, values, income))
        return found

    def _income_sources(self, text: str) -> list[tuple[str, int | None]]:
        return c.parse_income_sources(text, self.codes.income_source)

    @cached_property
    def _measurement_parsers(self) -> dict[str, Callable[[str], object]]:
        """How each measurement field's cell is read (income sources: ``_income_sources``)."""
        codes = self.codes
        return {
            "occupation": codes.occupation.parse,
            "education": codes.education.parse,
            "support_time": codes.support_time.parse,
            "wellbeing": lambda text: c.parse_scale(text, codes.wellbeing),
            "closeness": lambda text: c.parse_scale(text, codes.closeness),
            "ocn_modules": c.parse_whole_number,
            "ocn_points": c.parse_whole_number,
        }

    def _measured_on(
        self,
        number: int,
        occasion: str,
        column: str,
        started_on: date | None,
        ended_on: date | None,
    ) -> date | None:
        if occasion == Occasion.ENTRY:
            return started_on
        if ended_on is None:
            if c.ENDED_ON not in self._failed_columns(number):
                self.error(number, column, _("en mätning efter start kräver ett slutdatum."))
            return None
        if occasion == Occasion.EXIT:
            return ended_on
        due = add_months(ended_on, FOLLOW_UP_MONTHS[Occasion(occasion)])
        if due > self.today:
            self.error(
                number,
                column,
                _("uppföljningen ska göras %(date)s, och den dagen har inte kommit än.")
                % {"date": due.isoformat()},
            )
            return None
        return due

    def _is_duplicate(
        self, number: int, person: str, activity: ActivityInfo, started_on: date
    ) -> bool:
        key = (person, activity.pk, started_on)
        if key in self._seen:
            self.error(
                number,
                c.ID_NUMBER,
                _("samma person, insats och startdatum som på rad %(row)s.")
                % {"row": self._seen[key]},
            )
            return True
        self._seen[key] = number
        pk = self.plan.matched.get(person)
        if pk is not None and (pk, activity.pk, started_on) in self.existing_participations:
            self.error(
                number,
                c.ID_NUMBER,
                _("deltagandet finns redan i Samla (samma person, insats och startdatum)."),
            )
            return True
        return False
