"""Min berättelse in a real browser: Pia logs in to Min Samla with e-ID through the running
provider, reads her story and suggests a correction; Kim, her coordinator, finds it in his
worklist and takes it in through the story's editor; Pia then reads the new text. axe-core
checks each of Pia's pages at 390 and at 1280 px, and nothing scrolls sideways on the phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from samla.accounts.tests.oidc import RunningProvider
from samla.mysamla.tests.browser import check_both_widths, log_in
from samla.people.tests.cast import PASSWORD, build_cast
from samla.stories.tests.pias_story import CORRECTION, WORK, write_pias_story

pytestmark = pytest.mark.browser


def test_pia_suggests_a_correction_and_reads_it_once_kim_has_taken_it_in(
    page: Page,
    browser,
    assert_accessible,
    settings,
    live_server,
    min_samla: RunningProvider,
    login,
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    cast = build_cast()
    write_pias_story(cast)

    log_in(page, min_samla, cast.pia)

    page.get_by_role("link", name="Min berättelse").first.click()
    expect(page.get_by_text(WORK)).to_be_visible()
    check_both_widths(page, assert_accessible)
    page.get_by_role("link", name="Föreslå en ändring – Det här är jag bra på").click()
    expect(page.get_by_label("Din text")).to_have_value(WORK)
    check_both_widths(page, assert_accessible)
    page.get_by_label("Din text").fill("")
    page.get_by_role("button", name="Skicka förslaget").click()
    expect(page.get_by_text("Skriv något innan du skickar.", exact=True)).to_be_visible()
    page.get_by_label("Din text").fill(CORRECTION)
    page.get_by_role("button", name="Skicka förslaget").click()
    expect(page.get_by_text("Tack! Ditt förslag är skickat till din koordinator.")).to_be_visible()
    expect(page.get_by_text("Ditt förslag väntar på din koordinator.")).to_be_visible()
    check_both_widths(page, assert_accessible)

    kim_context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    kim = kim_context.new_page()
    login(kim, "kim", PASSWORD)
    kim.goto("/arbetslista/")
    check_both_widths(kim, assert_accessible)  # the worklist with the person's suggestion
    panel = kim.get_by_role("region", name="Förslag från personen")
    panel.get_by_role("link", name="Pia Persson").click()
    check_both_widths(kim, assert_accessible)  # the story page with its suggestions panel
    kim.get_by_role("link", name="Ta in i berättelsen").click()
    expect(kim.get_by_label("Det här är jag bra på", exact=True)).to_have_value(CORRECTION)
    assert_accessible(kim)
    check_both_widths(kim, assert_accessible)
    kim.get_by_role("button", name="Spara berättelsen").click()
    expect(kim.get_by_text("Berättelsen är sparad som version 3.")).to_be_visible()
    expect(kim.get_by_text("Inlagt i berättelsen")).to_be_visible()
    kim_context.close()

    page.reload()
    expect(page.get_by_text("Din koordinator har lagt in ditt förslag.")).to_be_visible()
    expect(page.get_by_role("region", name="Det här är jag bra på")).to_contain_text(CORRECTION)
    check_both_widths(page, assert_accessible)
