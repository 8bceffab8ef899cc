"""samla/spreadsheets.py, the one writer of every CSV and XLSX Samla hands out (the dashboards'
tables, the cost report, FK's follow-up, the ESF file, the import's reports): numbers stay
numbers with a number format, hidden figures stay "–", text stays text (issue 14 item 9)."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from openpyxl import load_workbook

from samla import spreadsheets

ROW = ["Tyresö", 330, Decimal("-1234.50"), Fraction(1006, 1000), "–", date(2026, 12, 6), "=1+1"]


def test_xlsx_cells_are_numbers_with_a_format_and_hidden_figures_text() -> None:
    sheet = load_workbook(io.BytesIO(spreadsheets.xlsx_bytes([ROW]))).active
    assert sheet is not None
    name, count, money, share, hidden, day, formula = next(sheet.iter_rows())
    assert (name.data_type, name.value) == ("s", "Tyresö")
    assert (count.data_type, count.value, count.number_format) == ("n", 330, "0")
    assert (money.data_type, money.value, money.number_format) == ("n", -1234.5, "#,##0.00")
    assert (share.data_type, share.value, share.number_format) == ("n", 1.006, "0.0 %")
    assert (hidden.data_type, hidden.value) == ("s", "–")
    assert isinstance(day.value, datetime) and day.number_format == "yyyy-mm-dd"
    assert (formula.data_type, formula.value) == ("s", "'=1+1")


def test_csv_writes_the_same_row_as_swedish_text() -> None:
    text = spreadsheets.csv_text([ROW])
    assert text == "\ufeffTyresö;330;-1234,50;100,6 %;–;2026-12-06;'=1+1\r\n"


def test_a_share_rounds_half_up_to_one_decimal_like_the_pages() -> None:
    assert spreadsheets.swedish_share(Fraction(1, 8)) == "12,5 %"
    assert spreadsheets.swedish_share(Fraction(3, 7)) == "42,9 %"
    assert spreadsheets.swedish_share(Fraction(1, 2000)) == "0,1 %"
