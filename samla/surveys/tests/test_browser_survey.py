"""A survey round in a real browser: Olle (Östra Södertörn's office) opens a round and reads its
link; a visitor who is not logged in answers from the link; Olle closes the round and Bodil
(board) reads the results. axe-core checks every page on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from samla.activities.tests.builders import individual
from samla.people.tests.cast import PASSWORD, build_cast
from samla.surveys.models import Response, SurveyRound
from samla.surveys.tests.builders import add_responses, exit_survey


@pytest.mark.browser
def test_a_round_from_link_to_results(
    page: Page, browser: Browser, live_server, login, assert_accessible, settings
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    cast = build_cast()
    exit_survey(cast)
    individual(cast)

    login(page, "olle", PASSWORD)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Enkäter").click()
    expect(page.get_by_role("heading", name="Enkäter", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Öppna en omgång").click()
    page.get_by_label("Enkät").select_option(index=1)
    page.get_by_label("Insats").select_option(label="Mia Vidare (Östra Södertörn)")
    assert_accessible(page)
    page.get_by_role("button", name="Öppna omgången").click()
    expect(page.get_by_text("Omgången är öppnad.")).to_be_visible()
    assert_accessible(page)
    link = page.locator("a.survey-link").get_attribute("href")
    assert link is not None and link.startswith("/enkat/")

    visitor_context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    visitor = visitor_context.new_page()
    visitor.goto(link)
    expect(visitor.get_by_text("Du svarar anonymt.")).to_be_visible()
    expect(visitor.get_by_role("navigation", name="Huvudmeny")).to_have_count(0)
    assert_accessible(visitor)
    visitor.get_by_role("button", name="Skicka svaren").click()
    expect(visitor.get_by_text("Välj ett svar på frågan.").first).to_be_visible()
    assert_accessible(visitor)
    first = visitor.get_by_role("group", name="1. Jag har blivit bemött med respekt.")
    first.get_by_label("4", exact=True).check()
    second = visitor.get_by_role("group", name="2. Jag mår bättre nu än när jag började.")
    second.get_by_label("5 – Ja").check()
    visitor.get_by_role("button", name="Skicka svaren").click()
    expect(visitor.get_by_role("heading", name="Tack för dina svar!")).to_be_visible()
    assert_accessible(visitor)
    assert not any(c["name"] == "sessionid" for c in visitor_context.cookies())
    visitor_context.close()

    survey_round = SurveyRound.objects.get()
    assert Response.objects.filter(round=survey_round).count() == 1
    add_responses(survey_round, [{1: 4, 2: 5}] * 5)  # the others who answered

    page.get_by_role("link", name="Stäng omgången nu").click()
    assert_accessible(page)
    page.get_by_role("button", name="Stäng omgången").click()
    expect(page.get_by_text("Omgången är stängd.")).to_be_visible()

    board = browser.new_context(base_url=live_server.url, locale="sv-SE")
    other = board.new_page()
    login(other, "bodil", PASSWORD)
    other.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Enkäter").click()
    other.get_by_role("link", name="Stängd: resultat").click()
    first_question = "1. Jag har blivit bemött med respekt."
    expect(other.get_by_role("heading", name=first_question)).to_be_visible()
    table = other.get_by_role("table", name="Svar på fråga 1")
    expect(table.get_by_role("row", name="4 6")).to_be_visible()
    expect(other.get_by_role("img").first).to_be_visible()  # the charts
    expect(other.get_by_text("Andel som instämmer (svarat 4 eller 5)")).to_be_visible()
    assert_accessible(other)
    board.close()
