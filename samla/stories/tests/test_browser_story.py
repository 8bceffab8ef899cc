"""The story in a real browser: Kim writes Pia's story with her, section by section, saves it
twice, reads the history, and meets her own save from another tab; Fia at Försäkringskassan
then reads it without the health section that Pia's consent excludes. axe-core checks every
page on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from samla.people.tests.cast import PASSWORD, build_cast
from samla.stories.tests.pias_story import HEALTH, LIFE, SECRET, WORK, WORK_BEFORE


@pytest.mark.browser
def test_kim_writes_the_story_and_fia_reads_what_the_consent_allows(
    page: Page, browser, live_server, login, settings, assert_accessible
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    cast = build_cast()
    login(page, "kim", PASSWORD)

    page.goto(cast.pia.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="Skriv berättelsen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skriv berättelsen")
    assert_accessible(page)
    page.get_by_label("Min livssituation", exact=True).fill(LIFE)
    page.get_by_label("Det här behöver jag hjälp med", exact=True).fill(HEALTH)
    page.get_by_label("Vem får läsa det? ”Det här behöver jag hjälp med” räknas som").select_option(
        label="Hälsa och vård"
    )
    page.get_by_label("Det här är jag bra på", exact=True).fill(WORK_BEFORE)
    page.get_by_label("Det här vill jag inte att ni delar", exact=True).fill(SECRET)
    page.get_by_role("button", name="Spara berättelsen").click()
    expect(page.get_by_text("Berättelsen är sparad som version 1.")).to_be_visible()
    expect(page.get_by_text("Version 1, skriven av Kim Koordinator den")).to_be_visible()
    expect(page.get_by_text(HEALTH)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Ändra berättelsen").click()
    expect(page.get_by_label("Det här är jag bra på", exact=True)).to_have_value(WORK_BEFORE)
    page.get_by_label("Det här är jag bra på", exact=True).fill(WORK)
    page.get_by_label("Personens ord, nedskrivna av koordinatorn").check()
    page.get_by_role("button", name="Spara berättelsen").click()
    expect(page.get_by_text("Version 2, skriven av Kim Koordinator den")).to_be_visible()
    expect(page.get_by_text(WORK)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Alla versioner").click()
    expect(page.get_by_role("row")).to_have_count(3)
    assert_accessible(page)
    page.get_by_role("link", name="Version 1").click()
    expect(page.get_by_text(WORK_BEFORE)).to_be_visible()
    expect(page.get_by_text("Det här är en äldre version.")).to_be_visible()
    assert_accessible(page)

    # Kim edits in two tabs: the second save meets the first and shows what it changed.
    other = page.context.new_page()
    for tab in (page, other):
        tab.goto(f"/deltagare/{cast.pia.pk}/berattelse/skriv/")
    other.get_by_label("Vad är viktigt för dig?", exact=True).fill("Att dottern mår bra.")
    other.get_by_role("button", name="Spara berättelsen").click()
    expect(other.get_by_text("Version 3, skriven av Kim Koordinator den")).to_be_visible()
    page.get_by_label("Vad är viktigt för dig?", exact=True).fill("Att få jobba med djur.")
    page.get_by_role("button", name="Spara berättelsen").click()
    expect(page.get_by_text("Någon annan sparade berättelsen medan du skrev.")).to_be_visible()
    expect(page.get_by_text("Att dottern mår bra.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Spara berättelsen").click()
    expect(page.get_by_text("Version 4, skriven av Kim Koordinator den")).to_be_visible()
    other.close()

    fia_context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    fia = fia_context.new_page()
    login(fia, "fia", PASSWORD)
    fia.goto(cast.pia.get_absolute_url())
    fia.get_by_role("link", name="Läs berättelsen").click()
    expect(fia.get_by_text("Version 4, skriven av Kim Koordinator den")).to_be_visible()
    expect(fia.get_by_text(WORK)).to_be_visible()
    for hidden in (HEALTH, LIFE, SECRET, "Att få jobba med djur."):
        expect(fia.get_by_text(hidden)).to_have_count(0)
    expect(fia.get_by_role("link", name="Alla versioner")).to_have_count(0)
    assert_accessible(fia)
    fia_context.close()
