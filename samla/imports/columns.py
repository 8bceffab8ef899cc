"""The columns of an import file and how each cell is read (docs/import-format.md).

Headers are Swedish and matched without regard to case or extra spaces. A code-list cell takes
the Swedish label shown in Samla ("Arbetssökande") or the stored code ("job_seeking"), again in
any case. A cell that cannot be read raises ``CellError`` with a message that completes the
sentence "Rad 14, kolumn startdatum: …". Messages quote a value only for columns that hold no
person data: a name or an identity number is never repeated in the report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from samla.measurements.models import (
    Closeness,
    Education,
    IncomeSourceKind,
    Occasion,
    Occupation,
    SupportTime,
    Wellbeing,
)
from samla.people.models import Sex
from samla.referrals.models import ExitReason

ACTIVITY = "insats"
ID_NUMBER = "personnummer"
FIRST_NAME = "förnamn"
LAST_NAME = "efternamn"
SEX = "kön"
START_YEAR = "startår"
STARTED_ON = "startdatum"
ENDED_ON = "slutdatum"
EXIT_REASON = "avslutsorsak"
PARTICIPATION_COLUMNS = [
    ACTIVITY,
    ID_NUMBER,
    FIRST_NAME,
    LAST_NAME,
    SEX,
    START_YEAR,
    STARTED_ON,
    ENDED_ON,
    EXIT_REASON,
]
REQUIRED_COLUMNS = [ACTIVITY, STARTED_ON]

# Measurement columns are "<what> <when>": "sysselsättning vid start", "mående vid avslut".
WHEN = {
    Occasion.ENTRY: "vid start",
    Occasion.EXIT: "vid avslut",
    Occasion.AFTER_1_MONTH: "efter 1 månad",
    Occasion.AFTER_6_MONTHS: "efter 6 månader",
}
WHAT = {
    "occupation": "sysselsättning",
    "education": "utbildningsnivå",
    "support_time": "tid med försörjningsstöd",
    "wellbeing": "mående",
    "closeness": "närhet",
    "income_sources": "inkomstkällor",
    "ocn_modules": "OCN-moduler",
    "ocn_points": "OCN-poäng",
}
ASKED_AT = {
    Occasion.ENTRY: list(WHAT),
    Occasion.EXIT: [field for field in WHAT if field != "support_time"],  # asked at entry only
    Occasion.AFTER_1_MONTH: ["occupation"],
    Occasion.AFTER_6_MONTHS: ["occupation"],
}
MEASUREMENT_COLUMNS = {
    occasion: {field: f"{WHAT[field]} {WHEN[occasion]}" for field in fields}
    for occasion, fields in ASKED_AT.items()
}
ALL_COLUMNS = PARTICIPATION_COLUMNS + [
    header for columns in MEASUREMENT_COLUMNS.values() for header in columns.values()
]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WHOLE_NUMBER = re.compile(r"\d{1,5}")
_SHOWN_LENGTH = 40
SMALLINT_MAX = 32767


class CellError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"})


def normalise(text: str) -> str:
    """How headers and code-list values are compared: case, runs of spaces and the kind of
    dash ("1–2 år", "1-2 år") do not matter."""
    return " ".join(text.translate(_DASHES).split()).casefold()


def shown(value: str) -> str:
    """A value quoted in a message, cut short."""
    if len(value) > _SHOWN_LENGTH:
        value = value[: _SHOWN_LENGTH - 1] + "…"
    return f"”{value}”"


class CodeList:
    """One code list: the Swedish label or the stored code, normalised, to the stored value.
    Labels are the Swedish ones whatever language the worker runs in."""

    def __init__(
        self, choices: type[models.Choices], extra: Iterable[tuple[str, object]] = ()
    ) -> None:
        self.lookup: dict[str, object] = {}
        with translation.override("sv"):
            self.labels = [str(label) for label in choices.labels]
            for value, label in choices.choices:
                self.lookup[normalise(str(value))] = value
                self.lookup[normalise(str(label))] = value
        self.lookup.update((normalise(alias), value) for alias, value in extra)

    def parse(self, value: str) -> object:
        found = self.lookup.get(normalise(value))
        if found is None:
            raise CellError(
                _("%(value)s finns inte i kodlistan. Skriv något av: %(labels)s.")
                % {"value": shown(value), "labels": "; ".join(self.labels)}
            )
        return found


class Codes:
    """The code lists, built once per import (labels are translated, so not at import time)."""

    def __init__(self) -> None:
        self.sex = CodeList(Sex, extra=[("K", Sex.WOMAN.value)])
        self.exit_reason = CodeList(ExitReason)
        self.occupation = CodeList(Occupation)
        self.education = CodeList(Education)
        self.support_time = CodeList(SupportTime)
        self.wellbeing = CodeList(Wellbeing)
        self.closeness = CodeList(Closeness)
        self.income_source = CodeList(IncomeSourceKind)


def parse_date(value: str, *, today: date) -> date:
    if not _ISO_DATE.fullmatch(value):
        raise CellError(_("%(value)s är inget datum (ÅÅÅÅ-MM-DD).") % {"value": shown(value)})
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise CellError(
            _("%(value)s är inget datum (ÅÅÅÅ-MM-DD).") % {"value": shown(value)}
        ) from None
    if day > today:
        raise CellError(_("datumet %(value)s ligger i framtiden.") % {"value": shown(value)})
    return day


def parse_whole_number(value: str, *, low: int = 0, high: int = SMALLINT_MAX) -> int:
    number = int(value) if _WHOLE_NUMBER.fullmatch(value) else None
    if number is None or not low <= number <= high:
        raise CellError(
            _("%(value)s är inget heltal från %(low)s till %(high)s.")
            % {"value": shown(value), "low": low, "high": high}
        )
    return number


def parse_scale(value: str, scale: CodeList) -> int:
    """A scale step 1–5, written as the digit or as the whole label ("4 – Ganska bra")."""
    found = scale.lookup.get(normalise(value))
    if found is None:
        raise CellError(_("%(value)s ska vara en siffra från 1 till 5.") % {"value": shown(value)})
    return int(str(found))


def parse_income_sources(value: str, sources_list: CodeList) -> list[tuple[str, int | None]]:
    """ "lön:50; sjukpenning:50" — each source once, with its extent in per cent of full time
    (left out for "ingen inkomst" and "okänt")."""
    sources: list[tuple[str, int | None]] = []
    for part in value.split(";"):
        part = part.strip()
        if not part:
            continue
        name, colon, extent_text = part.rpartition(":")
        if not colon:
            name, extent_text = part, ""
        source = str(sources_list.parse(name.strip()))
        extent_text = extent_text.strip().removesuffix("%").strip()
        extent = parse_whole_number(extent_text, low=1, high=100) if extent_text else None
        if extent is not None and source in (IncomeSourceKind.NONE, IncomeSourceKind.UNKNOWN):
            raise CellError(
                _("%(value)s har ingen omfattning: skriv den utan procent.")
                % {"value": shown(name.strip())}
            )
        if any(source == seen for seen, _extent in sources):
            raise CellError(_("%(value)s står mer än en gång.") % {"value": shown(name.strip())})
        sources.append((source, extent))
    alone = {IncomeSourceKind.NONE.value, IncomeSourceKind.UNKNOWN.value}
    if len(sources) > 1 and any(source in alone for source, _extent in sources):
        raise CellError(_("”Ingen inkomst” och ”Okänt” kan inte stå tillsammans med andra källor."))
    return sources
