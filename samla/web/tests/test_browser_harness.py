"""The harness itself (conftest.py): a page wider than the window, or an id used twice, fails the
test that visits it, with the page and the id named (issue 14, items 12 and 13)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page


@pytest.mark.browser
@pytest.mark.parametrize(
    ("body", "named"),
    [
        ('<p id="note">En</p><p id="note">Två</p>', '"note" 2 times'),
        (
            '<div style="width: 700px">Bred</div>',
            r"is 7\d\d px wide in a 390 px window .*; sticking out: div",
        ),
    ],
)
def test_a_page_too_wide_or_with_an_id_twice_fails_the_test(
    page: Page, page_watch, body: str, named: str
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.set_content(f"<!doctype html><html lang='sv'><body><main>{body}</main></body></html>")
    with pytest.raises(AssertionError, match=named):
        page_watch.check(page)

    # A page that holds: what the first one reported is let go, so that the end of this test,
    # which checks every page it visited, passes.
    page.set_content("<!doctype html><html lang='sv'><body><main><p>Smal</p></main></body></html>")
    page.wait_for_timeout(200)
    page_watch.problems.clear()
