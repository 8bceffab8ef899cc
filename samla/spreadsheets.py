"""Spreadsheet files that Samla writes, CSV and XLSX, with no cell a spreadsheet program runs.

Excel, LibreOffice and Google Sheets read a cell that starts with ``=``, ``+``, ``-`` or ``@`` as
a formula, and some skip a leading tab or carriage return before they look. Text that came from
a user or a file ("=HYPERLINK(...)") could then run, or send data away, when someone opens an
export (CSV or formula injection, OWASP). Every text cell therefore goes through ``safe_cell``,
which puts an apostrophe in front of such text; numbers and dates are written as what they are.

CSV is written the way Swedish Excel opens it without questions: UTF-8 with a byte-order mark,
``;`` between cells, CRLF between rows, and a decimal comma ("1234567,50"), which a Swedish
spreadsheet reads as a number where "1234567.50" would be text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

__all__ = ["FORMULA_STARTS", "csv_response", "csv_text", "safe_cell", "xlsx_bytes", "xlsx_response"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Cell = str | int | float | Decimal | date | None


def safe_cell(value: object) -> Cell:
    """The value as a cell: text that would start a formula gets a leading apostrophe; numbers
    and dates stay numbers and dates; anything else becomes its text."""
    if value is None or isinstance(value, int | float | Decimal | date):
        return value  # bool is an int: written as 1 or 0, never as a formula
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _csv_value(cell: Cell) -> str | int | float | Decimal:
    if cell is None:
        return ""
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
            cell.value = safe  # the stubs' WriteOnlyCell(value=) leaves out Decimal and date
            if isinstance(safe, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_response(filename: str, rows: Iterable[Sequence[object]]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(rows), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
