"""Swedish personal identity numbers: personnummer, samordningsnummer and reserve numbers.

python-stdnum checks a personnummer but guesses the century from the current year and knows
nothing of samordningsnummer or reserve numbers. Samla must never guess a century
(docs/domain.md R9), so parsing happens here and stdnum only supplies the Luhn arithmetic.

Numbers are stored as 12 characters with century and without separator ("YYYYMMDDNNNC"), the
form Skatteverket itself stores, so that two people born a hundred years apart never collide.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from stdnum import luhn

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

__all__ = [
    "IdNumber",
    "IdNumberKind",
    "InvalidIdNumber",
    "is_test_number",
    "looks_like_number",
    "parse",
    "test_personnummer",
]

LegalSex = Literal["F", "M"]
# Whose calendar the numbers are checked against when Django is not set up (scripts).
_STOCKHOLM = ZoneInfo("Europe/Stockholm")

_COORDINATION_DAY_OFFSET = 60
_EARLIEST_YEAR = 1800
_DOCUMENTED_EXAMPLE = "191212121212"
_TEST_SERIALS = range(980, 1000)

_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"})
_PATTERN = re.compile(
    r"(?P<century>\d{2})?(?P<yymmdd>\d{6})(?P<separator>[-+]?)(?P<tail>[0-9A-Z]{4})"
)


class IdNumberKind(enum.StrEnum):
    PERSONNUMMER = "personnummer"
    SAMORDNINGSNUMMER = "samordningsnummer"
    RESERVE = "reserve"

    @property
    def label(self) -> StrPromise:
        """Lazy, because model choices read it at import time, before any language is active."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    IdNumberKind.PERSONNUMMER: gettext_lazy("Personnummer"),
    IdNumberKind.SAMORDNINGSNUMMER: gettext_lazy("Samordningsnummer"),
    IdNumberKind.RESERVE: gettext_lazy("Reservnummer"),
}


class InvalidIdNumber(ValueError):
    """Carries a sentence fit to show the person who typed the number.

    `code` lets forms and tests tell the reasons apart without comparing translated text:
    "format", "century", "date", "year", "future" or "checksum".
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclasses.dataclass(frozen=True)
class IdNumber:
    """A number that has passed `parse`; build one through `parse` or `test_personnummer`."""

    value: str
    kind: IdNumberKind

    def __str__(self) -> str:
        return self.formatted()

    @property
    def birth_date(self) -> date:
        day = int(self.value[6:8])
        if self.kind is IdNumberKind.SAMORDNINGSNUMMER:
            day -= _COORDINATION_DAY_OFFSET
        return date(int(self.value[0:4]), int(self.value[4:6]), day)

    @property
    def legal_sex(self) -> LegalSex | None:
        """Reserve numbers are made up by the care provider and say nothing about sex."""
        if self.kind is IdNumberKind.RESERVE:
            return None
        return "M" if int(self.value[10]) % 2 else "F"

    def formatted(self) -> str:
        return f"{self.value[:8]}-{self.value[8:]}"

    def short(self, today: date) -> str:
        """The ten-digit form, whose separator carries the century.

        By law (folkbokföringslagen 18 §) the "-" becomes "+" from the calendar year the person
        turns 100, not from the birthday itself, so "+" depends on years alone.
        """
        born = self.birth_date
        if today < born:
            raise ValueError("The short form is undefined before the birth date.")
        years = today.year - born.year
        if years >= 200:
            raise ValueError("The short form cannot tell a centenarian from a bicentenarian.")
        separator = "+" if years >= 100 else "-"
        return f"{self.value[2:8]}{separator}{self.value[8:]}"

    def age(self, today: date) -> int:
        born = self.birth_date
        if today < born:
            raise ValueError("Age is undefined before the birth date.")
        had_birthday = (today.month, today.day) >= (born.month, born.day)
        return today.year - born.year - (0 if had_birthday else 1)


def parse(value: str, *, today: date | None = None) -> IdNumber:
    """Read a number as people type it; refuse rather than guess.

    Ten digits need "-" or "+" because only the separator tells the century; `today` decides
    which century that is and is the reference for refusing birth dates in the future.
    """
    if today is None:
        today = _today()
    match = _PATTERN.fullmatch(value.strip().translate(_DASHES).upper())
    if match is None:
        raise InvalidIdNumber(
            _("Numret ska skrivas som ÅÅÅÅMMDD-NNNN."),
            code="format",
        )
    century, yymmdd, separator, tail = match.group("century", "yymmdd", "separator", "tail")

    is_reserve = not tail.isdigit()
    month, day = int(yymmdd[2:4]), int(yymmdd[4:6])
    kind = IdNumberKind.RESERVE if is_reserve else IdNumberKind.PERSONNUMMER
    if not is_reserve and day > _COORDINATION_DAY_OFFSET:
        kind = IdNumberKind.SAMORDNINGSNUMMER
        day -= _COORDINATION_DAY_OFFSET

    year = _year(century, int(yymmdd[:2]), separator, today=today)
    _check_birth_date(
        year, month, day, today=today, ten_digits_with_minus=century is None and separator == "-"
    )

    if not is_reserve and not luhn.is_valid(yymmdd + tail):
        raise InvalidIdNumber(
            _("Kontrollsiffran stämmer inte. Kontrollera numret."), code="checksum"
        )

    return IdNumber(value=f"{year:04d}{yymmdd[2:]}{tail}", kind=kind)


def looks_like_number(text: str) -> bool:
    """Whether a search text is an identity number, whole or in part from the birth date on (six
    digits first): a search that singles people out, whether or not the number is valid."""
    digits = "".join(ch for ch in text if ch.isalnum())
    return len(digits) >= 6 and digits[:6].isdigit()


def is_test_number(number: IdNumber) -> bool:
    """Whether the number is one that no real person holds, so demo data and tests may use it.

    Skatteverket's published test personnummer use the serial numbers (födelsenummer, the
    first three of the last four digits) 980 to 999; samordningsnummer in that series count
    too. "19121212-1212" is the documented example used everywhere and counts as well. Reserve
    numbers never count: they are made up locally and nothing marks them as fictitious.
    """
    if number.value == _DOCUMENTED_EXAMPLE:
        return True
    serial = number.value[8:11]
    return number.kind is not IdNumberKind.RESERVE and int(serial) in _TEST_SERIALS


def test_personnummer(
    birth_date: date, sex: LegalSex, index: int = 0, *, coordination: bool = False
) -> IdNumber:
    """A valid test number for demo data, the same every time for the same arguments.

    Each date has ten test serials per sex; `index` picks one, so a generator can give people
    born on the same day distinct numbers without randomness.
    """
    if sex not in ("F", "M"):
        raise ValueError(f"sex must be 'F' or 'M', not {sex!r}")
    parity = 1 if sex == "M" else 0
    serials = [serial for serial in _TEST_SERIALS if serial % 2 == parity]
    if not 0 <= index < len(serials):
        raise ValueError(f"index must be in 0..{len(serials) - 1}, not {index}")
    day = birth_date.day + (_COORDINATION_DAY_OFFSET if coordination else 0)
    digits = f"{birth_date:%y%m}{day:02d}{serials[index]:03d}"
    kind = IdNumberKind.SAMORDNINGSNUMMER if coordination else IdNumberKind.PERSONNUMMER
    value = f"{birth_date.year:04d}{digits[2:]}{luhn.calc_check_digit(digits)}"
    return IdNumber(value=value, kind=kind)


# Its name starts with "test", so pytest would collect it from any test module that imports it.
test_personnummer.__test__ = False  # type: ignore[attr-defined]


def _year(century: str | None, yy: int, separator: str, *, today: date) -> int:
    """The four-digit birth year: written out, or told by the separator of ten digits."""
    if century is not None:
        if separator == "+":
            raise InvalidIdNumber(
                _("Med århundrade skrivs numret med bindestreck: ÅÅÅÅMMDD-NNNN."),
                code="format",
            )
        return int(century) * 100 + yy
    if separator:
        return _year_from_separator(yy, centenarian=separator == "+", today=today)
    raise InvalidIdNumber(
        _(
            "Ange numret med århundrade (ÅÅÅÅMMDD-NNNN), eller med - eller + före de fyra "
            "sista siffrorna."
        ),
        code="century",
    )


def _check_birth_date(
    year: int, month: int, day: int, *, today: date, ten_digits_with_minus: bool
) -> None:
    try:
        born = date(year, month, day)
    except ValueError:
        raise InvalidIdNumber(_("Datumet i numret finns inte."), code="date") from None
    if year < _EARLIEST_YEAR:
        raise InvalidIdNumber(
            _("Födelseåret i numret är inte rimligt. Kontrollera århundradet."), code="year"
        )
    if born > today:
        if ten_digits_with_minus:
            message = _(
                "Födelsedatumet i numret ligger i framtiden. För den som fyller 100 år i år "
                "skrivs numret med + före de fyra sista siffrorna."
            )
        else:
            message = _("Födelsedatumet i numret ligger i framtiden.")
        raise InvalidIdNumber(message, code="future")


def _year_from_separator(yy: int, *, centenarian: bool, today: date) -> int:
    year = today.year - (today.year - yy) % 100
    return year - 100 if centenarian else year


def _today() -> date:
    """Stockholm's date rather than the server's, which differs around midnight."""
    if settings.configured and settings.USE_TZ:
        return timezone.localdate()
    return datetime.now(_STOCKHOLM).date()


def _(message: str) -> str:
    """Translate when Django is ready; scripts and plain tests get the Swedish source text.

    Called at raise time so the active language is the user's. Named `_` so that
    makemessages finds the strings.
    """
    if not apps.ready:
        return message
    return gettext(message)
