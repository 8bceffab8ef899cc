"""The money end to end in a real browser (issue 7): Olle, Östra Södertörn's office, opens 2026
under Ekonomi and enters the members' total in Swedish ("4 000 000") with the municipalities'
populations, and reads each member's contribution; adds Mia Vidare's activity cost and the
office's administration line; imports the actuals from the accounting system's CSV, first a file
with an unknown code (refused, each error with its row, nothing written), then a good one; and
records the board's decision about Mia Vidare, which then shows on the activity's page. Bodil,
the board member, reads budget against actual and the cost per exit to work or studies, with no
means to change anything, downloads the cost report as XLSX, and orders the annual report, whose
PDF carries the money section.

Every expected figure is worked out here: the contributions by hand, the amounts with
``samla.money.kronor`` (no-break spaces, the minus sign U+2212), and the cost per exit from the
generated participation rows, not through the application. axe-core checks every page visited.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlsplit

import openpyxl
import pytest
from playwright.sync_api import Browser, FilePayload, Locator, Page, expect

from samla.activities.tests.builders import individual
from samla.demo.outcomes import Row, Spec, generate_rows, write_rows
from samla.indicators.tests.builders import release_now
from samla.money import kronor
from samla.organisations.models import AssociationMember, Municipality, Organisation
from samla.people.models import TargetGroup
from samla.people.tests.cast import PASSWORD, Cast, build_cast, organisation
from samla.reports.tests.pdf import pdf_text

YEAR = 2026
MIA = "Mia Vidare"
CONTRIBUTIONS = Decimal("4000000")
POPULATION = {"Haninge kommun": 96_000, "Tyresö kommun": 48_000}
# 50/25/25, and the municipalities' quarter split two to one by population: a third of a million
# is 333 333,333…, and the öre left over goes to Haninge, whose part lost the most in rounding.
EXPECTED_CONTRIBUTIONS = {
    "Försäkringskassan": Decimal("2000000"),
    "Region Stockholm": Decimal("1000000"),
    "Haninge kommun": Decimal("666666.67"),
    "Tyresö kommun": Decimal("333333.33"),
}
MIA_BUDGET, MIA_ACTUAL = Decimal("1950000"), Decimal("1987654.32")
OFFICE_BUDGET, OFFICE_ACTUAL = Decimal("1200000"), Decimal("1150000")
WORK_OR_STUDIES = {"work_unsubsidised", "work_subsidised", "studies"}

BAD_FILE = "kod;utfall\n4102;1 987 654,32\n4999;12 000\n"
GOOD_FILE = "kod;utfall\n4102;1 987 654,32\n7000;1 150 000\n"
DECISION = "Mia Vidare beviljas 1 950 000 kr för 2026."


def the_year(cast: Cast) -> list[Row]:
    """A second member municipality and target group, Mia Vidare running in 2026, and 300
    generated participations in it that start in 2026; returns the rows as generated."""
    haninge = Municipality.objects.create(code="0136", name="Haninge")
    member = organisation(
        "Haninge kommun", Organisation.Kind.MUNICIPALITY, "212000-0142", municipality=haninge
    )
    AssociationMember.objects.create(association=cast.association, organisation=member)
    TargetGroup.objects.create(
        association=cast.association, code="long_term_sick", name="Långtidssjukskrivna"
    )
    tyreso = Municipality.objects.get(code="0138")
    mia = individual(cast, name=MIA, capacity=500, starts_on=date(YEAR, 1, 1))
    spec = Spec(
        activity_ids=[mia.pk],
        municipality_ids=[haninge.pk, tyreso.pk],
        target_group_ids=list(
            TargetGroup.objects.filter(association=cast.association).values_list("pk", flat=True)
        ),
        first=date(YEAR, 1, 1),
        last=date(YEAR, 10, 31),
        today=date(YEAR, 11, 20),
    )
    rows = generate_rows(spec, 300, seed=7)
    write_rows(rows, association_id=cast.association.pk, organisation=cast.tyreso, actor=cast.kim)
    return rows


def exits_to_work_or_studies(rows: list[Row]) -> list[Row]:
    """Participations that ended in the year to work (unsubsidised or subsidised) or studies.
    Registered in error is no participation, and is not among these reasons either."""
    return [
        row
        for row in rows
        if row.ended_on is not None
        and row.ended_on.year == YEAR
        and row.exit_reason in WORK_OR_STUDIES
    ]


def row_of(table: Locator, header: str) -> Locator:
    """The table's row whose row header is ``header``."""
    return table.get_by_role("row").filter(
        has=table.page.get_by_role("rowheader", name=header, exact=True)
    )


def cells(row: Locator) -> list[str]:
    """The row's data cells as the page writes them, no-break spaces and all."""
    return [text.strip() for text in row.get_by_role("cell").all_text_contents()]


def csv_file(name: str, text: str) -> FilePayload:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}


def back_to_the_year(page: Page) -> None:
    page.get_by_role("link", name=f"Ekonomi {YEAR} för Östra Södertörn").click()
    expect(page.get_by_role("heading", name=f"Ekonomi {YEAR} för Östra Södertörn")).to_be_visible()


@pytest.mark.browser
def test_the_office_keeps_2026_and_the_board_reads_it_down_to_the_annual_report(
    page: Page, browser: Browser, live_server, login, assert_accessible, settings, run_tasks
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    cast = build_cast()
    rows = the_year(cast)
    exits = exits_to_work_or_studies(rows)
    by_sex = Counter(row.sex for row in exits)
    # Enough that the statistics layer shows the counts (k = 5), so the cost per exit is shown.
    assert by_sex["F"] >= 5 and by_sex["M"] >= 5, by_sex
    cost_per_exit = (MIA_ACTUAL / len(exits)).quantize(Decimal(1), rounding=ROUND_HALF_UP)

    # --- Olle opens the year and enters the members' contributions ---
    login(page, "olle", PASSWORD)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ekonomi").click()
    expect(page.get_by_role("heading", name="Ekonomi för Östra Södertörn")).to_be_visible()
    expect(page.get_by_text("Inga år är upplagda ännu.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Lägg upp ett nytt år").click()
    assert_accessible(page)
    page.get_by_label("År").fill(str(YEAR))
    page.get_by_role("button", name="Lägg upp året").click()

    expect(page.get_by_role("heading", name=f"Medlemmarnas bidrag {YEAR}")).to_be_visible()
    expect(page.get_by_text("Året är upplagt. Fyll i medlemmarnas bidrag.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Medlemmarnas bidrag för året, totalt").fill("4 000 000")
    expect(page.get_by_label("Efter folkmängd")).to_be_checked()  # the key by default
    for municipality, population in POPULATION.items():
        page.get_by_label(municipality).fill(str(population))
    page.get_by_role("button", name="Spara").click()

    expect(page.get_by_text("Medlemmarnas bidrag är sparade.")).to_be_visible()
    members = page.get_by_role("table", name="Medlemmarnas bidrag")
    for member, amount in EXPECTED_CONTRIBUTIONS.items():
        assert cells(row_of(members, member))[-1] == kronor(amount), member
    assert cells(row_of(members, "Försäkringskassan")) == [
        "Staten (Försäkringskassan)",
        "50\u00a0%",
        "2\u00a0000\u00a0000\u00a0kr",
    ]
    assert sum(EXPECTED_CONTRIBUTIONS.values()) == CONTRIBUTIONS
    assert cells(row_of(members, "Summa")) == [kronor(CONTRIBUTIONS)]
    assert_accessible(page)

    # --- the budget: Mia Vidare's activity cost and the office ---
    page.get_by_role("link", name="Ny budgetpost").click()
    expect(page.get_by_role("heading", name=f"Ny budgetpost {YEAR}")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Slag").select_option(label="Insatskostnad")
    page.get_by_label("Insats").select_option(label=MIA)
    page.get_by_label("Kod i bokföringen").fill("4102")
    page.get_by_label(re.compile(r"^Budget")).fill("1 950 000")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Budgetposten är sparad.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Ny budgetpost").click()
    assert_accessible(page)
    page.get_by_label("Slag").select_option(label="Administration")
    page.get_by_label("Benämning").fill("Kansli")
    page.get_by_label("Kod i bokföringen").fill("7000")
    page.get_by_label(re.compile(r"^Budget")).fill("1 200 000")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Budgetposten är sparad.")).to_be_visible()
    activities = page.get_by_role("table", name="Budget och utfall per insats")
    mia_line = activities.get_by_role("row").filter(has_text=MIA)
    assert cells(mia_line)[:5] == ["Insatskostnad", "4102", kronor(MIA_BUDGET), "–", "–"]
    office = page.get_by_role("table", name="Budget och utfall för administrationen")
    assert cells(row_of(office, "Kansli"))[:4] == ["7000", kronor(OFFICE_BUDGET), "–", "–"]
    assert_accessible(page)

    # --- the actuals: a file with an unknown code changes nothing ---
    page.get_by_role("link", name="Importera utfall").click()
    expect(page.get_by_role("heading", name=f"Importera utfall {YEAR}")).to_be_visible()
    assert_accessible(page)
    upload = page.get_by_label("Fil med utfall (CSV eller XLSX)")
    upload.set_input_files(csv_file("utfall-2026.csv", BAD_FILE))
    page.get_by_role("button", name="Kontrollera och importera").click()

    expect(page.get_by_role("heading", name="Ingenting importerades")).to_be_visible()
    expect(page.get_by_text("Filen har 1 fel, så ingenting importerades.").first).to_be_visible()
    errors = page.get_by_role("table", name="Fel i filen")
    assert [cells(row) for row in errors.locator("tbody tr").all()] == [
        ["3", "kod", f"Koden 4999 finns inte bland budgetposterna för {YEAR}."]
    ]
    assert_accessible(page)
    back_to_the_year(page)
    assert cells(mia_line)[3:5] == ["–", "–"]  # the good row of the bad file was not written
    assert cells(row_of(office, "Kansli"))[2:4] == ["–", "–"]
    assert_accessible(page)

    # --- ... and a good file sets both lines' actuals ---
    page.get_by_role("link", name="Importera utfall").click()
    assert_accessible(page)
    upload.set_input_files(csv_file("utfall-2026.csv", GOOD_FILE))
    page.get_by_role("button", name="Kontrollera och importera").click()

    expect(page.get_by_text("Utfallet är importerat för 2 budgetposter.")).to_be_visible()
    variance = kronor(MIA_BUDGET - MIA_ACTUAL)
    assert variance == "\u221237\u00a0654,32\u00a0kr"
    assert cells(mia_line)[2:5] == [kronor(MIA_BUDGET), kronor(MIA_ACTUAL), variance]
    assert cells(row_of(office, "Kansli"))[1:4] == [
        kronor(OFFICE_BUDGET),
        kronor(OFFICE_ACTUAL),
        kronor(OFFICE_BUDGET - OFFICE_ACTUAL),
    ]
    assert_accessible(page)

    # --- the board's decision, in the register and on the activity's page ---
    page.get_by_role("link", name="Ekonomi för Östra Södertörn").click()
    assert_accessible(page)
    page.get_by_role("link", name="Alla beslut och nytt beslut").click()
    expect(page.get_by_role("heading", name="Styrelsens beslut i Östra Södertörn")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Beslutsdatum").fill(f"{YEAR}-02-10")
    page.get_by_label("Paragraf").fill("§ 7")
    page.get_by_label(re.compile(r"^Beslut:?$")).fill(DECISION)
    page.get_by_label("Gäller insatsen").select_option(label=MIA)
    page.get_by_role("button", name="Spara beslutet").click()
    expect(page.get_by_text("Beslutet är sparat.")).to_be_visible()
    register = page.get_by_role("table", name="Beslutsregister")
    assert cells(register.get_by_role("row").filter(has_text=DECISION))[:4] == [
        f"{YEAR}-02-10",
        "§ 7",
        DECISION,
        MIA,
    ]
    assert_accessible(page)
    register.get_by_role("link", name=MIA).click()
    expect(page.get_by_role("heading", name=MIA, exact=True)).to_be_visible()
    assert re.fullmatch(r"/insatser/\d+/", urlsplit(page.url).path), page.url
    decisions = page.get_by_role("region", name="Styrelsens beslut")
    expect(decisions.get_by_role("listitem")).to_have_text(f"{YEAR}-02-10 § 7: {DECISION}")
    assert_accessible(page)

    # --- Bodil, the board, reads the year, once the statistics are released (ADR 0012) ---
    release_now(cast.association)
    board = browser.new_context(
        base_url=live_server.url, locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    board.set_default_timeout(10_000)
    bodil = board.new_page()
    try:
        login(bodil, "bodil", PASSWORD)
        bodil.get_by_role("navigation", name="Huvudmeny").get_by_role(
            "link", name="Ekonomi"
        ).click()
        expect(bodil.get_by_role("heading", name="Ekonomi för Östra Södertörn")).to_be_visible()
        expect(bodil.get_by_role("link", name="Lägg upp ett nytt år")).to_have_count(0)
        assert_accessible(bodil)
        bodil.get_by_role("link", name=str(YEAR), exact=True).click()
        expect(
            bodil.get_by_role("heading", name=f"Ekonomi {YEAR} för Östra Södertörn")
        ).to_be_visible()
        line = (
            bodil.get_by_role("table", name="Budget och utfall per insats")
            .get_by_role("row")
            .filter(has_text=MIA)
        )
        assert cells(line) == [
            "Insatskostnad",
            "4102",
            kronor(MIA_BUDGET),
            kronor(MIA_ACTUAL),
            kronor(MIA_BUDGET - MIA_ACTUAL),
        ]
        for name in ("Ändra", "Ny budgetpost", "Importera utfall", "Ny intäkt"):
            expect(bodil.get_by_role("link", name=name)).to_have_count(0)

        per_exit = bodil.get_by_role(
            "table", name=f"Kostnad per avslut till arbete eller studier {YEAR}, per insats och kön"
        )
        # Cost, then count and kr per exit for women, men, other and in total.
        for row in (row_of(per_exit, MIA), row_of(per_exit, "Totalt")):
            shown = cells(row)
            assert shown[0] == kronor(MIA_ACTUAL)
            assert shown[7] == str(len(exits))
            assert shown[8] == kronor(cost_per_exit)
        assert_accessible(bodil)

        bodil.get_by_role("link", name="Kostnadsrapport").click()
        title = f"Kostnadsrapport {YEAR}, Samordningsförbundet Östra Södertörn"
        expect(bodil.get_by_role("heading", name=title)).to_be_visible()
        assert_accessible(bodil)
        with bodil.expect_download() as download_info:
            bodil.get_by_role("link", name=f"XLSX – {title}").click()
        book = openpyxl.load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
        sheet = book.active
        assert sheet is not None
        values = [cell.value for row in sheet.iter_rows() for cell in row]
        assert float(MIA_ACTUAL) in values
        assert float(CONTRIBUTIONS / 2) in values  # the state's half among the funds

        # --- and orders the annual report, whose PDF has the money ---
        bodil.get_by_role("navigation", name="Huvudmeny").get_by_role(
            "link", name="Rapporter"
        ).click()
        expect(
            bodil.get_by_role("heading", name="Rapporter för Samordningsförbundet Östra Södertörn")
        ).to_be_visible()
        assert_accessible(bodil)
        bodil.get_by_label("År").select_option(str(YEAR))
        bodil.get_by_role("button", name="Beställ verksamhetsberättelse").click()
        expect(
            bodil.get_by_role(
                "heading",
                name=f"Verksamhetsberättelse {YEAR}, Samordningsförbundet Östra Södertörn",
            )
        ).to_be_visible()
        assert_accessible(bodil)

        run_tasks()

        # The page polls for its status and shows the link by itself.
        expect(bodil.get_by_role("heading", name="Verksamhetsberättelsen är klar")).to_be_visible()
        assert_accessible(bodil)
        with bodil.expect_download() as download_info:
            bodil.get_by_role("link", name=f"Ladda ner verksamhetsberättelsen {YEAR} (PDF)").click()
        text = pdf_text(download_info.value.path().read_bytes()).replace("\u00a0", " ")
        assert "Ekonomi" in text
        assert f"Tillförda medel {YEAR} per finansiär" in text
        assert kronor(MIA_ACTUAL).replace("\u00a0", " ") == "1 987 654,32 kr"
        assert "1 987 654,32 kr" in text
        assert kronor(cost_per_exit).replace("\u00a0", " ") in text
    finally:
        board.close()
