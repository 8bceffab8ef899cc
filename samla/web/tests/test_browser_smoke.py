"""The browser harness works end to end: live server, Chromium, axe-core."""

from __future__ import annotations

import pytest


@pytest.mark.browser
def test_login_page_renders_and_is_accessible(page, assert_accessible):
    page.goto("/konto/logga-in/")

    assert "Samla" in page.title()
    assert_accessible(page)
