"""Min Samla's own door in a real browser: the login page, the start page with what waits for
the person, and the choice of a neutral notice, each axe-clean at 390 and 1280 px with nothing
scrolling sideways; a wrong choice is told in words on the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from samla.accounts.tests.oidc import RunningProvider
from samla.mysamla.tests.browser import check_both_widths, log_in
from samla.mysamla.tests.person import draft_consent_for_pia
from samla.people.tests.cast import build_cast

pytestmark = pytest.mark.browser


def test_the_login_start_and_notice_pages_read_well_on_a_phone(
    page: Page, assert_accessible, min_samla: RunningProvider
) -> None:
    cast = build_cast()
    draft_consent_for_pia(cast)
    page.goto("/min-samla/logga-in/")
    check_both_widths(page, assert_accessible)

    log_in(page, min_samla, cast.pia)
    expect(page.get_by_role("link", name="Ett samtycke väntar på ditt svar.")).to_be_visible()
    check_both_widths(page, assert_accessible)

    page.get_by_role("link", name="Ändra dina val").click()
    page.get_by_label("Skicka ett meddelande när det finns något nytt för mig i Samla").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Skriv din e-postadress för att få meddelanden.").first).to_be_visible()
    check_both_widths(page, assert_accessible)
    page.get_by_label("Din e-postadress").fill("pia@example.se")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Dina val är sparade.")).to_be_visible()
