"""The language switch works before anyone has logged in: the login page itself offers it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect


@pytest.mark.browser
def test_the_login_page_switches_to_english_and_back(page: Page, assert_accessible) -> None:
    page.goto("/konto/logga-in/?next=/deltagare/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")

    with page.expect_navigation():
        page.get_by_role("button", name="In English").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/konto/logga-in/\?next=/deltagare/$"))
    expect(page.get_by_label("Username")).to_be_visible()
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("button", name="På svenska").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
