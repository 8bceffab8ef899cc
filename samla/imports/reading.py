"""Reading an uploaded file into rows of text: CSV in UTF-8 (``;`` or ``,`` between cells, found
from the header row) or XLSX (the first sheet, read with openpyxl in read-only mode).

Every cell comes out as stripped text and nothing in a cell is ever evaluated: an XLSX formula
is read as its own text ("=A2"), never as its result, and a CSV cell is only ever text.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils.translation import gettext as _

MAX_ROWS = 200_000
EXTENSIONS = (".csv", ".xlsx")


class UnreadableFile(ValueError):
    """The file as a whole cannot be read. The message is for the user, in Swedish."""


@dataclass
class Sheet:
    header: list[str]
    # (the row's number in the file, the header being row 1; its cells), blank rows left out
    rows: list[tuple[int, list[str]]]


def extension(file_name: str) -> str:
    lowered = file_name.lower()
    return next((ext for ext in EXTENSIONS if lowered.endswith(ext)), "")


def read(file_name: str, content: bytes) -> Sheet:
    if extension(file_name) == ".xlsx":
        return _sheet(_xlsx_rows(content))
    return _sheet(_csv_rows(decode_csv(content)))


def decode_csv(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(
            _(
                "Filen är inte sparad som UTF-8. Spara den som ”CSV UTF-8” (eller som .xlsx) "
                "och ladda upp den igen."
            )
        ) from None


def _sheet(rows: list[list[str]]) -> Sheet:
    if not rows or not any(rows[0]):
        raise UnreadableFile(_("Filen är tom eller saknar rubrikrad på första raden."))
    data = [(number, cells) for number, cells in enumerate(rows[1:], start=2) if any(cells)]
    if len(data) > MAX_ROWS:
        raise UnreadableFile(
            _("Filen har fler än %(max)s rader. Dela upp den i flera filer.")
            % {"max": f"{MAX_ROWS:,}".replace(",", " ")}
        )
    return Sheet(header=rows[0], rows=data)


def _csv_rows(text: str) -> list[list[str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    try:
        return [
            [cell.strip() for cell in record]
            for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error:
        raise UnreadableFile(
            _("Filen kunde inte läsas som CSV. Kontrollera att citattecknen är parade.")
        ) from None


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise UnreadableFile(_("Filen kunde inte läsas som en Excel-fil (.xlsx).")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_text(value) for value in values])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
