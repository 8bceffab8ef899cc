"""Actuals for one financial year, read from a file out of the accounting system
(docs/actuals-format.md), checked whole and applied all or nothing.

The file is CSV (UTF-8, ``;`` or ``,`` between cells) or XLSX, with a header row on the first row
that has the columns ``kod`` and ``utfall`` (any case, any order; other columns, such as
``benämning``, are read past). Each row gives one budget line its actual:

- ``kod`` is the code of one of the year's budget lines, exactly as on the line, and may appear
  only once in the file;
- ``utfall`` is the actual in kronor as ``samla.money.parse_kronor`` reads it ("1 234 567,50",
  "1234567.50", "1.234.567,50"), not negative, with at most two decimals. An empty ``utfall``
  leaves the line as it is, so that the template (``template_rows``) can be sent back with only
  some rows filled in;
- a row with no ``kod`` is an error, unless a cell in it begins with "Summa" or "Totalt": that is
  the sum row accounting exports end with, and it is skipped (also when the word stands in the
  ``kod`` column itself and no line has that code).

The year's lines that the file does not name are left as they are; an import never clears an
actual (that is done on the line's own page). If any row is wrong, nothing is written and
``InvalidActuals`` lists every error with its row (the header being row 1) and column, in
Swedish. Otherwise every line whose actual changes gets it, a new version (an edit form open
elsewhere becomes stale, ``concurrency.Stale``) and one audit row, in one transaction that holds
the year's lines locked from the check to the last write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samla.accounts.models import Role, User
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.finance.models import BudgetLine, FinancialYear
from samla.imports import reading
from samla.money import AmountTooLarge, parse_kronor

CODE = "kod"
ACTUAL = "utfall"
LABEL = "benämning"
MAX_ERRORS = 200  # more than this is the wrong file; the report says how many there were
_SUM_ROW = re.compile(r"^(summa|totalt)\b", re.IGNORECASE)
_TOO_PRECISE = re.compile(r"^[-−]?[\d\s\u00a0.,]*[.,]\d{3,}\s*(kr)?$", re.IGNORECASE)


@dataclass(frozen=True)
class RowError:
    row: int | None  # as in the file, the header being row 1; None for the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Rad %(row)s: %(message)s") % {"row": self.row, "message": self.message}


class InvalidActuals(Exception):
    """The file was not imported. ``errors`` holds the first ``MAX_ERRORS``, ``total`` all."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors[:MAX_ERRORS]
        self.total = len(errors)

    @property
    def summary(self) -> str:
        return ngettext(
            "Filen har %(count)s fel, så ingenting importerades. Felet står i listan nedan.",
            "Filen har %(count)s fel, så ingenting importerades. Felen står i listan nedan.",
            self.total,
        ) % {"count": self.total}


@dataclass(frozen=True)
class ActualChange:
    line: BudgetLine
    old: Decimal | None
    new: Decimal


@dataclass
class ActualsResult:
    changes: list[ActualChange] = field(default_factory=list)
    unchanged: list[BudgetLine] = field(default_factory=list)  # already had the file's actual
    skipped_rows: list[int] = field(default_factory=list)  # sum rows and rows with no utfall

    @property
    def message(self) -> str:
        named = len(self.changes) + len(self.unchanged)
        text = ngettext(
            "Utfallet är importerat för %(count)s budgetpost.",
            "Utfallet är importerat för %(count)s budgetposter.",
            named,
        ) % {"count": named}
        if self.unchanged:
            same = _("%(count)s av dem hade redan samma utfall.")
            text += " " + same % {"count": len(self.unchanged)}
        return text


def year_lines(year: FinancialYear) -> list[BudgetLine]:
    """The year's lines by code, as an accounting export usually lists them."""
    return list(
        BudgetLine.objects.filter(financial_year=year).select_related("activity").order_by("code")
    )


def template_rows(year: FinancialYear) -> list[list[object]]:
    """A file to fill in: one row per line of the year, with its current actual if any."""
    rows: list[list[object]] = [[CODE, LABEL, ACTUAL]]
    for line in year_lines(year):
        rows.append([line.code, line.label, line.actual])
    return rows


@transaction.atomic
def import_actuals(
    year: FinancialYear, *, actor: User, file_name: str, content: bytes
) -> ActualsResult:
    """Check the file and, if every row is right, set the actuals it gives."""
    locked = BudgetLine.objects.select_for_update().filter(financial_year=year).order_by("pk")
    lines = {line.code: line for line in locked.prefetch_related("activity")}
    actuals, skipped = _check(year, set(lines), file_name, content)
    result = ActualsResult(skipped_rows=skipped)
    for code, new in actuals.items():
        line = lines[code]
        if line.actual == new:
            result.unchanged.append(line)
            continue
        BudgetLine.objects.filter(pk=line.pk).update(actual=new, version=F("version") + 1)
        result.changes.append(ActualChange(line=line, old=line.actual, new=new))
        record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=line,
            role=Role.ASSOCIATION_OFFICE,
            summary=f"Utfall importerat {year.year}",
        )
    return result


def _check(
    year: FinancialYear, codes: set[str], file_name: str, content: bytes
) -> tuple[dict[str, Decimal], list[int]]:
    sheet = _sheet(file_name, content)
    actuals, skipped, errors = _read_rows(sheet, year, codes)
    if not errors and not actuals:
        errors.append(RowError(None, "", _("Filen har inga rader med utfall att importera.")))
    if errors:
        raise InvalidActuals(errors)
    return actuals, skipped


def _read_rows(
    sheet: reading.Sheet, year: FinancialYear, codes: set[str]
) -> tuple[dict[str, Decimal], list[int], list[RowError]]:
    """The actual per known code, the rows skipped (sums, no amount) and what is wrong."""
    header = [cell.strip().casefold() for cell in sheet.header]
    columns = _columns(header)
    code_at, actual_at = columns[CODE], columns[ACTUAL]
    errors: list[RowError] = []
    actuals: dict[str, Decimal] = {}
    first_row: dict[str, int] = {}
    skipped: list[int] = []
    for number, cells in sheet.rows:
        code = _cell(cells, code_at)
        text = _cell(cells, actual_at)
        if _is_sum_row(code, cells, codes):
            skipped.append(number)
            continue
        if not code:
            errors.append(RowError(number, CODE, _("koden saknas.")))
            continue
        if code in first_row:
            errors.append(RowError(number, CODE, _duplicate(code, first_row[code])))
            continue
        first_row[code] = number
        if code not in codes:
            message = _("koden %(code)s finns inte bland budgetposterna för %(year)s.")
            errors.append(RowError(number, CODE, message % {"code": code, "year": year.year}))
        if not text:
            skipped.append(number)
            continue
        amount = _amount(text)
        if isinstance(amount, str):
            errors.append(RowError(number, ACTUAL, amount))
        elif code in codes:
            actuals[code] = amount
    return actuals, skipped, errors


def _sheet(file_name: str, content: bytes) -> reading.Sheet:
    if not reading.extension(file_name):
        raise InvalidActuals([RowError(None, "", _("Filen ska vara en .csv- eller .xlsx-fil."))])
    try:
        return reading.read(file_name, content)
    except reading.UnreadableFile as error:
        raise InvalidActuals([RowError(None, "", str(error))]) from None


def _columns(header: list[str]) -> dict[str, int]:
    errors: list[RowError] = []
    columns: dict[str, int] = {}
    for name in (CODE, ACTUAL):
        count = header.count(name)
        if count == 0:
            message = _("kolumnen %(name)s saknas i rubrikraden.") % {"name": name}
            errors.append(RowError(1, name, message))
        elif count > 1:
            message = _("kolumnen %(name)s finns %(count)s gånger i rubrikraden.")
            errors.append(RowError(1, name, message % {"name": name, "count": count}))
        else:
            columns[name] = header.index(name)
    if errors:
        raise InvalidActuals(errors)
    return columns


def _is_sum_row(code: str, cells: list[str], codes: set[str]) -> bool:
    """The sum row an accounting export ends with: no code, or "Summa" or "Totalt" where the
    code should be, and "Summa" or "Totalt" at the start of a cell."""
    if code in codes or (code and not _SUM_ROW.match(code)):
        return False
    return any(_SUM_ROW.match(cell) for cell in cells)


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _duplicate(code: str, first: int) -> str:
    return _(
        "koden %(code)s står redan på rad %(first)s. En kod får bara finnas en gång i filen."
    ) % {"code": code, "first": first}


def _amount(text: str) -> Decimal | str:
    """The amount in ``text``, or what is wrong with it (a message)."""
    shown = {"text": text}
    if text.startswith("="):
        return (
            _("utfallet %(text)s är en formel. Spara filen med värden i stället för formler.")
            % shown
        )
    try:
        amount = parse_kronor(text)
    except AmountTooLarge:
        return _("utfallet %(text)s är för stort.") % shown
    except ValueError:
        if _TOO_PRECISE.match(text):
            return (
                _(
                    "utfallet %(text)s har fler än två decimaler. Skriv det i kronor och öre, "
                    "till exempel 1 234,50."
                )
                % shown
            )
        return (
            _(
                "utfallet %(text)s är inget belopp. Skriv det i kronor, till exempel 1 234 567 "
                "eller 1 234,50."
            )
            % shown
        )
    if amount < 0:
        return _("utfallet %(text)s är negativt. Ett utfall kan inte vara negativt.") % shown
    return amount
