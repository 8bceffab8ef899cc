"""The catalogue in a real browser: Olle (Östra Södertörn's office) creates an activity, adds a
year's planned participants and reads them back; Bodil (board) reads it without the means to
change it. axe-core checks every page on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from samla.activities.tests.builders import provider
from samla.people.tests.cast import PASSWORD, build_cast


@pytest.mark.browser
def test_the_office_creates_an_activity_and_the_board_reads_it(
    page: Page, browser: Browser, live_server, login, assert_accessible, settings
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    cast = build_cast()
    provider(cast)

    login(page, "olle", PASSWORD)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Insatser").click()
    expect(page.get_by_text("Inga insatser matchar urvalet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ny insats").click()
    assert_accessible(page)
    page.get_by_label("Namn").fill("Mia Vidare")
    page.get_by_label("Individinriktad").check()
    page.get_by_label("Utförare").select_option(label="Arbetsmarknadsenheten Södertörn")
    page.get_by_label("Unga arbetslösa 16–29 år").check()
    page.get_by_label("Startar").fill("2024-01-01")
    page.get_by_role("button", name="Skapa insatsen").click()
    # The form says what is missing: an individual activity needs places.
    expect(page.get_by_text("Ange hur många platser")).to_have_count(2)
    assert_accessible(page)
    page.get_by_label("Antal platser").fill("20")
    page.get_by_role("button", name="Skapa insatsen").click()
    expect(page.get_by_text("Insatsen är skapad.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Lägg till år").click()
    page.get_by_label("År").fill("2025")
    page.get_by_label("Planerat antal deltagare").fill("40")
    assert_accessible(page)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Året är sparat.")).to_be_visible()
    expect(page.get_by_role("cell", name="40", exact=True)).to_be_visible()
    assert_accessible(page)

    board = browser.new_context(base_url=live_server.url, locale="sv-SE")
    other = board.new_page()
    login(other, "bodil", PASSWORD)
    other.goto("/insatser/")
    other.get_by_role("link", name="Mia Vidare").click()
    expect(other.get_by_role("heading", name="Mia Vidare")).to_be_visible()
    expect(other.get_by_role("cell", name="40", exact=True)).to_be_visible()
    expect(other.get_by_role("link", name="Ändra insatsen")).to_have_count(0)
    assert_accessible(other)
    board.close()
