"""Spreadsheet files that Samla writes, CSV and XLSX, with no cell a spreadsheet program runs.

Excel, LibreOffice and Google Sheets read a cell that starts with ``=``, ``+``, ``-`` or ``@`` as
a formula, and some skip a leading tab or carriage return before they look. Text that came from
a user or a file ("=HYPERLINK(...)") could then run, or send data away, when someone opens an
export (CSV or formula injection, OWASP). Every text cell therefore goes through ``safe_cell``,
which puts an apostrophe in front of such text; numbers and dates are written as what they are.

Numbers stay numbers: a count is an ``int``, money a ``Decimal``, and a share a ``Fraction`` of
one (``Fraction(429, 1000)``; the statistics layer may not import this module, so the type is
the standard library's). An XLSX gets numeric cells with a number format (``0``, ``#,##0.00``,
``0.0 %``); a figure that is hidden stays the text "–". Never write a number as its text ("330",
"42,9 %"): a spreadsheet cannot sum or sort it.

CSV is written the way Swedish Excel opens it without questions: UTF-8 with a byte-order mark,
``;`` between cells, CRLF between rows, and a decimal comma ("1234567,50"), which a Swedish
spreadsheet reads as a number where "1234567.50" would be text; a share as "42,9 %".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.http import HttpResponse
from django.utils import timezone

__all__ = ["FORMULA_STARTS", "csv_response", "csv_text", "safe_cell", "xlsx_bytes", "xlsx_response"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Cell = str | int | float | Decimal | Fraction | date | None

# How an XLSX shows each kind of number (Excel's codes: "." and "," are read by the locale).
INTEGER_FORMAT = "0"
MONEY_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.0 %"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def swedish_share(value: Fraction) -> str:
    """0.429 as "42,9 %", rounded half up like the pages."""
    percent = (Decimal(value.numerator * 100) / Decimal(value.denominator)).quantize(
        Decimal("0.1"), ROUND_HALF_UP
    )
    return f"{percent} %".replace(".", ",")


def safe_cell(value: object) -> Cell:
    """The value as a cell: text that would start a formula gets a leading apostrophe; numbers
    and dates stay numbers and dates; anything else becomes its text."""
    if value is None or isinstance(value, int | float | Decimal | Fraction | date):
        return value  # bool is an int: written as 1 or 0, never as a formula
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _csv_value(cell: Cell) -> str | int | float | Decimal:
    if cell is None:
        return ""
    if isinstance(cell, Fraction):
        return swedish_share(cell)
    if isinstance(cell, Decimal | float):
        return str(cell).replace(".", ",")
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ", timespec="minutes")
    if isinstance(cell, date):
        return cell.isoformat()
    return cell


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """The rows as CSV text, every cell made safe, starting with the byte-order mark."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_value(safe_cell(value)) for value in row])
    return out.getvalue()


def csv_response(filename: str, rows: Iterable[Sequence[object]]) -> HttpResponse:
    response = HttpResponse(csv_text(rows).encode("utf-8"), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_bytes(rows: Iterable[Sequence[object]], *, sheet_title: str = "Samla") -> bytes:
    """The rows as an XLSX workbook with one sheet. Every text cell is also typed as text, so
    even a program that ignored the apostrophe would not read it as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    for row in rows:
        cells = []
        for value in row:
            safe = safe_cell(value)
            if isinstance(safe, datetime) and safe.tzinfo is not None:
                safe = timezone.localtime(safe).replace(tzinfo=None)  # Excel has no time zones
            cell = WriteOnlyCell(sheet)
            # The stubs' WriteOnlyCell(value=) leaves out Decimal and date; a Fraction is no
            # number to openpyxl, so a share is written as its float.
            cell.value = float(safe) if isinstance(safe, Fraction) else safe
            if isinstance(safe, str):
                cell.data_type = "s"
            number_format = _number_format(safe)
            if number_format:
                cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _number_format(cell: Cell) -> str | None:
    """Counts as whole numbers, money (Samla's Decimals) to the öre, shares as percentages."""
    if cell is None or isinstance(cell, bool | str | float):
        return None
    if isinstance(cell, int):
        return INTEGER_FORMAT
    if isinstance(cell, Fraction):
        return SHARE_FORMAT
    if isinstance(cell, Decimal):
        return MONEY_FORMAT
    if isinstance(cell, datetime):
        return DATETIME_FORMAT
    return DATE_FORMAT


def xlsx_response(filename: str, rows: Iterable[Sequence[object]]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(rows), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
