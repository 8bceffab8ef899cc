"""Actuals from the accounting system's file (docs/actuals-format.md): a good CSV or XLSX sets
every named line's actual to the öre, with a new version and one audit row per changed line; a
bad file changes nothing at all and the page lists each error with its row; only the office
imports or downloads the template."""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from samla.activities.tests.builders import individual
from samla.audit.models import AuditEvent
from samla.concurrency import Stale
from samla.finance import actions, actuals
from samla.finance.models import BudgetLine, FinancialYear
from samla.people.tests.cast import PASSWORD, Cast, build_cast, sign_in

Kind = BudgetLine.Kind


@dataclass
class Year:
    year: FinancialYear
    activity_cost: BudgetLine  # 4101, no actual yet
    esf_cost: BudgetLine  # 4102, no actual yet
    office: BudgetLine  # 7010, actual 100 kr

    @property
    def import_url(self) -> str:
        return reverse("finance:import_actuals", args=[self.year.association_id, self.year.year])

    @property
    def template_url(self) -> str:
        return reverse("finance:actuals_template", args=[self.year.association_id, self.year.year])


def build_year(cast: Cast) -> Year:
    year = actions.open_year(cast.association, actor=cast.olle, year=2026)
    mia = individual(cast, esf_cofunded=True)

    def add(kind: str, code: str, **fields: object) -> BudgetLine:
        fields = {"activity": None, "name": "", "budget": Decimal(1_000_000)} | fields
        return actions.add_line(year, actor=cast.olle, kind=kind, code=code, **fields)  # type: ignore[arg-type]

    return Year(
        year=year,
        activity_cost=add(Kind.ACTIVITY, "4101", activity=mia),
        esf_cost=add(Kind.ESF_ACTIVITY, "4102", activity=mia),
        office=add(Kind.ADMINISTRATION, "7010", name="Kansli", actual=Decimal(100)),
    )


@pytest.fixture
def year(cast: Cast) -> Year:
    return build_year(cast)


def snapshot() -> tuple[dict[int, tuple[Decimal | None, int]], int]:
    """Every line's actual and version, and the length of the audit log."""
    lines = {line.pk: (line.actual, line.version) for line in BudgetLine.objects.all()}
    return lines, AuditEvent.objects.count()


def upload(client: Client, year: Year, content: bytes, name: str = "utfall.csv") -> Any:
    return client.post(year.import_url, {"file": SimpleUploadedFile(name, content)})


def report(response: HttpResponse) -> list[tuple[str, ...]]:
    """The rows of the page's error table: (row, column, message)."""
    found = re.findall(
        r'<td class="number">([^<]*)</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>',
        response.content.decode(),
    )
    return [tuple(html.unescape(cell) for cell in row) for row in found]


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- a good file ---------------------------------------------------------------------------


def test_a_swedish_csv_sets_the_actuals_to_the_ore(cast: Cast, year: Year, client: Client) -> None:
    audit_before = AuditEvent.objects.count()
    content = (
        "kod;benämning;utfall\r\n"
        "4101;Mia Vidare – Insatskostnad;1 234 567,50\r\n"
        "4102;Mia Vidare – ESF-insatskostnad;1.310.000,05\r\n"
        "7010;Kansli;452\u00a0118,75 kr\r\n"
        ";Summa;2 996 686,30\r\n"
    ).encode()

    response = upload(sign_in(client, cast.olle), year, content)

    assert response.status_code == 302
    assert response.url == reverse("finance:year", args=[cast.association.pk, 2026])
    lines = {line.code: line for line in BudgetLine.objects.all()}
    assert lines["4101"].actual == Decimal("1234567.50")
    assert lines["4102"].actual == Decimal("1310000.05")
    assert lines["7010"].actual == Decimal("452118.75")
    assert {code: line.version for code, line in lines.items()} == {"4101": 2, "4102": 2, "7010": 2}
    events = AuditEvent.objects.order_by("pk")[audit_before:]
    assert [(e.action, e.object_id, e.summary, e.actor_id) for e in events] == [
        (AuditEvent.Action.UPDATE, str(lines[code].pk), "Utfall importerat 2026", cast.olle.pk)
        for code in ("4101", "4102", "7010")
    ]
    page = client.get(response.url)
    assert "Utfallet är importerat för 3 budgetposter." in page.content.decode()


def test_a_comma_separated_csv_with_dots_and_columns_in_another_order(
    cast: Cast, year: Year, client: Client
) -> None:
    content = b"Utfall,Konto,KOD\n1234567.5,5410,4101\n0.01,5410,4102\n"

    response = upload(sign_in(client, cast.olle), year, content)

    assert response.status_code == 302
    year.activity_cost.refresh_from_db()
    year.esf_cost.refresh_from_db()
    assert year.activity_cost.actual == Decimal("1234567.50")
    assert year.esf_cost.actual == Decimal("0.01")


def test_an_xlsx_with_number_and_text_cells(cast: Cast, year: Year, client: Client) -> None:
    before = snapshot()
    content = xlsx(
        [
            ["Kod", "Benämning", "Utfall"],
            [4101, "Mia Vidare", 1234567.5],
            ["4102", "Mia Vidare ESF", "310 000,25"],
            ["Summa", None, 1544567.75],  # the sum row, with the word where the code goes
        ]
    )

    response = upload(sign_in(client, cast.olle), year, content, "utfall.xlsx")

    assert response.status_code == 302
    year.activity_cost.refresh_from_db()
    year.esf_cost.refresh_from_db()
    year.office.refresh_from_db()
    assert (year.activity_cost.actual, year.activity_cost.version) == (Decimal("1234567.50"), 2)
    assert (year.esf_cost.actual, year.esf_cost.version) == (Decimal("310000.25"), 2)
    assert (year.office.actual, year.office.version) == (Decimal(100), 1)  # not in the file
    assert AuditEvent.objects.count() == before[1] + 2


def test_a_line_that_already_has_the_actual_and_an_empty_actual_are_left_alone(
    cast: Cast, year: Year
) -> None:
    before = snapshot()
    content = b"kod;utfall\n7010;100,00\n4101;\n4102;5\n"

    result = actuals.import_actuals(
        year.year, actor=cast.olle, file_name="utfall.csv", content=content
    )

    assert [(c.line.code, c.old, c.new) for c in result.changes] == [("4102", None, Decimal(5))]
    assert [line.code for line in result.unchanged] == ["7010"]
    assert result.skipped_rows == [3]
    assert result.message == (
        "Utfallet är importerat för 2 budgetposter. 1 av dem hade redan samma utfall."
    )
    lines, audit = snapshot()
    assert lines[year.office.pk] == before[0][year.office.pk]
    assert lines[year.activity_cost.pk] == before[0][year.activity_cost.pk]
    assert lines[year.esf_cost.pk] == (Decimal(5), 2)
    assert audit == before[1] + 1


def test_an_edit_form_opened_before_the_import_is_stale_after_it(cast: Cast, year: Year) -> None:
    opened_at = year.office.version
    actuals.import_actuals(
        year.year, actor=cast.olle, file_name="utfall.csv", content=b"kod;utfall\n7010;250\n"
    )

    with pytest.raises(Stale):
        actions.change_line(
            year.office,
            actor=cast.olle,
            version=opened_at,
            name="Kansli",
            code="7010",
            budget=Decimal(1_000_000),
            actual=Decimal(100),
        )
    year.office.refresh_from_db()
    assert year.office.actual == Decimal(250)


# --- a bad file changes nothing --------------------------------------------------------------

BAD_FILES = {
    "unknown code": (
        b"kod;utfall\n4101;100\n9999;200\n",
        [("3", "kod", "Koden 9999 finns inte bland budgetposterna för 2026.")],
    ),
    "duplicate code": (
        b"kod;utfall\n4101;100\n4102;5\n4101;200\n",
        [("4", "kod", "Koden 4101 står redan på rad 2. En kod får bara finnas en gång i filen.")],
    ),
    "negative": (
        b"kod;utfall\n4101;100\n4102;-1 200 kr\n",
        [("3", "utfall", "Utfallet -1 200 kr är negativt. Ett utfall kan inte vara negativt.")],
    ),
    "three decimals": (
        b"kod;utfall\n4101;12,345\n",
        [("2", "utfall", "Utfallet 12,345 har fler än två decimaler.")],
    ),
    # 27 digits: more than a Decimal rounds to the öre (was a server error, issue 15).
    "an amount no column holds": (
        b"kod;utfall\n4101;100\n4102;" + b"9" * 27 + b"\n",
        [("3", "utfall", f"Utfallet {'9' * 27} är för stort.")],
    ),
    "text in utfall": (
        b"kod;utfall\n4101;100\n4102;ej klart\n",
        [("3", "utfall", "Utfallet ej klart är inget belopp.")],
    ),
    "empty code": (
        b"kod;ben\xc3\xa4mning;utfall\n4101;x;100\n;Resor;200\n",
        [("3", "kod", "Koden saknas.")],
    ),
    "missing column": (
        b"kod;belopp\n4101;100\n",
        [("1", "utfall", "Kolumnen utfall saknas i rubrikraden.")],
    ),
    "no rows": (
        b"kod;utfall\n",
        [("–", "–", "Filen har inga rader med utfall att importera.")],
    ),
    "not UTF-8": (
        "kod;benämning;utfall\n7010;Kansli;100\n".encode("latin-1"),
        [("–", "–", "Filen är inte sparad som UTF-8.")],
    ),
    "formula in XLSX": (
        xlsx([["kod", "utfall"], ["4101", "=SUM(1,2)"]]),
        [("2", "utfall", "Utfallet =SUM(1,2) är en formel.")],
    ),
    "only the last row bad": (
        b"kod;utfall\n4101;1 000\n4102;2 000\n7010;3 000\n;Summa;6 000\n8000;4 000\n",
        [("6", "kod", "Koden 8000 finns inte bland budgetposterna för 2026.")],
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_file_changes_nothing_and_the_page_says_why(
    case: str, cast: Cast, year: Year, client: Client
) -> None:
    content, expected = BAD_FILES[case]
    name = "utfall.xlsx" if content.startswith(b"PK") else "utfall.csv"
    before = snapshot()

    response = upload(sign_in(client, cast.olle), year, content, name)

    assert response.status_code == 422
    assert snapshot() == before
    rows = report(response)
    assert len(rows) == len(expected)
    for (row, column, message), (want_row, want_column, want_start) in zip(
        rows, expected, strict=True
    ):
        assert (row, column) == (want_row, want_column)
        assert message.startswith(want_start), message
    assert "Ingenting importerades" in response.content.decode()


def test_every_error_in_a_file_is_listed_with_its_row(
    cast: Cast, year: Year, client: Client
) -> None:
    before = snapshot()
    content = (
        "Benämning;Kod;Utfall\n"
        "a;4101;1 000\n"  # 2: good
        "b;4199;5\n"  # 3: unknown code
        "c;4101;7\n"  # 4: duplicate
        "d;4102;-3\n"  # 5: negative
        "e;;9\n"  # 6: no code
        "f;7010;1,005\n"  # 7: three decimals
        "g;;Totalt\n"  # 8: a sum row, skipped
    ).encode()

    response = upload(sign_in(client, cast.olle), year, content)

    assert response.status_code == 422
    assert snapshot() == before
    assert [(row, column) for row, column, _ in report(response)] == [
        ("3", "kod"),
        ("4", "kod"),
        ("5", "utfall"),
        ("6", "kod"),
        ("7", "utfall"),
    ]
    assert "Filen har 5 fel, så ingenting importerades." in response.content.decode()


def test_the_whole_import_is_undone_when_the_last_row_is_bad(cast: Cast, year: Year) -> None:
    before = snapshot()
    content = b"kod;utfall\n4101;1\n4102;2\n7010;3\n4101;4\n"

    with pytest.raises(actuals.InvalidActuals) as raised:
        actuals.import_actuals(year.year, actor=cast.olle, file_name="utfall.csv", content=content)

    assert [(e.row, e.column) for e in raised.value.errors] == [(5, "kod")]
    assert str(raised.value.errors[0]).startswith("Rad 5: koden 4101 står redan på rad 2.")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("utfall.txt", b"kod;utfall\n4101;100\n", "Filen ska vara en .csv- eller .xlsx-fil."),
        ("utfall.xlsx", b"kod;utfall\n4101;100\n", "Filen kunde inte läsas som en Excel-fil"),
        ("utfall.csv", b"", "Filen är tom."),
    ],
    ids=["wrong extension", "not an Excel file", "empty file"],
)
def test_a_file_that_cannot_be_read_changes_nothing(
    name: str, content: bytes, message: str, cast: Cast, year: Year, client: Client
) -> None:
    before = snapshot()

    response = upload(sign_in(client, cast.olle), year, content, name)

    assert response.status_code == 422
    assert snapshot() == before
    assert message in html.unescape(response.content.decode())
    assert 'class="error-summary"' in response.content.decode()


def test_a_file_over_two_megabytes_is_refused(cast: Cast, year: Year, client: Client) -> None:
    before = snapshot()
    content = b"kod;utfall\n" + b"4101;1\n" * 300_000

    response = upload(sign_in(client, cast.olle), year, content)

    assert response.status_code == 422
    assert "Filen är större än 2 MB." in response.content.decode()
    assert snapshot() == before


# --- the page and the template ---------------------------------------------------------------


def test_the_page_explains_the_format_and_lists_the_codes(
    cast: Cast, year: Year, client: Client
) -> None:
    response = sign_in(client, cast.olle).get(year.import_url)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Så ska filen se ut" in text
    assert year.template_url in text
    assert '<label for="id_file">Fil med utfall (CSV eller XLSX):</label>' in text
    for code in ("4101", "4102", "7010"):
        assert f'<th scope="row">{code}</th>' in text


def test_the_template_lists_the_years_lines(cast: Cast, year: Year, client: Client) -> None:
    response = sign_in(client, cast.olle).get(year.template_url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "utfall-" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "kod;benämning;utfall",
        "4101;Mia Vidare – Insatskostnad;",
        "4102;Mia Vidare – ESF-insatskostnad;",
        "7010;Kansli;100,00",
    ]


def test_the_template_sent_back_as_it_is_changes_no_line(
    cast: Cast, year: Year, client: Client
) -> None:
    sign_in(client, cast.olle)
    template = client.get(year.template_url).content
    before = snapshot()

    response = upload(client, year, template)

    assert response.status_code == 302
    assert snapshot() == before


# --- who may import --------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("bodil", 403), ("kim", 404)])
def test_only_the_office_imports_or_downloads_the_template(
    who: str, status: int, cast: Cast, year: Year, client: Client
) -> None:
    before = snapshot()
    sign_in(client, getattr(cast, who))
    good = b"kod;utfall\n4101;1 000\n"

    assert client.get(year.import_url).status_code == status
    assert upload(client, year, good).status_code == status
    assert client.get(year.template_url).status_code == status
    assert client.post(year.template_url).status_code == 405  # the template is only ever read
    assert snapshot() == before


# --- in a browser ----------------------------------------------------------------------------


def test_the_page_and_its_report_are_accessible(page, login, assert_accessible, settings) -> None:
    from playwright.sync_api import expect

    settings.SAMLA_REQUIRE_MFA = False
    year = build_year(build_cast())
    login(page, "olle", PASSWORD)

    page.goto(year.import_url)
    expect(page.get_by_role("heading", name="Importera utfall 2026")).to_be_visible()
    assert_accessible(page)

    bad = {"name": "utfall.csv", "mimeType": "text/csv", "buffer": b"kod;utfall\n9999;1,005\n"}
    page.get_by_label("Fil med utfall (CSV eller XLSX)").set_input_files(files=bad)
    page.get_by_role("button", name="Kontrollera och importera").click()
    expect(page.get_by_role("heading", name="Ingenting importerades")).to_be_visible()
    assert_accessible(page)

    good = {"name": "utfall.csv", "mimeType": "text/csv", "buffer": b"kod;utfall\n4101;1 000\n"}
    page.get_by_label("Fil med utfall (CSV eller XLSX)").set_input_files(files=good)
    page.get_by_role("button", name="Kontrollera och importera").click()
    expect(page.get_by_text("Utfallet är importerat för 1 budgetpost.")).to_be_visible()
