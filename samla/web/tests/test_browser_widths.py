"""Every role's main pages, on a phone (390 px) and on a desktop (1280 px), with the demo data.

Each demo login opens its start page and every page of its menu, then the pages those link to
(a participant, their plan, meetings, referrals, the provider's boards, a dashboard with its
before/after tables, a financial year, a report, the log review, a survey round), each kind of
page once over all the logins. The harness (conftest.py, ``PageWatch``) checks every page at
both widths: no page wider than the window (a table scrolls inside its own region) and no id
used twice; this test fails with every page that did not hold, not only the first.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error, Page, ViewportSize

from samla.demo.data import load_demo
from samla.demo.logins import DEMO_PASSWORD, DEMO_USERS

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
# Files, not pages (PDF, CSV, XLSX, calendar), and the Django admin.
NOT_A_PAGE = re.compile(r"\.(pdf|csv|xlsx|ics)$|/(pdf|csv|xlsx|ics|export|ladda-ner)/|^/admin/")
LINKS = """() => [...document.querySelectorAll('main a[href^="/"]:not([download])')]
    .map((a) => a.getAttribute("href"))"""
MENU = """() => [...document.querySelectorAll('nav[aria-label] a[href^="/"]')]
    .map((a) => a.getAttribute("href"))"""
# Kinds of pages (paths, numbers left out) that the walk must reach, or it proves little.
MUST_REACH = {
    "worklist": "/arbetslista/",
    "participant": "/deltagare/N/",
    "meeting": "/deltagare/N/moten/N/",
    "plan": "/deltagare/N/plan/",
    "referral": "/remisser/N/",
    "provider": "/utforare/",
    "statistics": "/statistik/",
    "finance": "/ekonomi/",
    "reports": "/rapporter/",
    "log review": "/granskning/",
    "retention": "/gallring/",
    "surveys": "/enkater/",
}
PAGES_PER_LOGIN = 30


def kind(path: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(path).path)


def visit(page: Page, path: str) -> bool:
    """Open the page on a phone, then widen the window to a desktop's: the harness checks the
    page as it loads and again as it is resized."""
    page.set_viewport_size(PHONE)
    try:
        response = page.goto(path)
    except Error:  # a download after all
        return False
    if response is None or "text/html" not in response.headers.get("content-type", ""):
        return False
    page.set_viewport_size(DESKTOP)
    return True


@pytest.mark.browser
def test_every_roles_main_pages_fit_a_phone_and_a_desktop(
    page: Page, live_server, login, settings
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    load_demo()
    seen: set[str] = set()
    for user in DEMO_USERS:
        page.context.clear_cookies()
        page.set_viewport_size(PHONE)
        login(page, user.username, DEMO_PASSWORD)
        visit(page, "/")
        menu = page.evaluate(MENU)
        queue = [*menu, *page.evaluate(LINKS)]
        visited = 0
        while queue and visited < PAGES_PER_LOGIN:
            path = queue.pop(0)
            # The menu's pages for every login (each shows that user's own); the rest once.
            if NOT_A_PAGE.search(urlsplit(path).path) or (kind(path) in seen and path not in menu):
                continue
            seen.add(kind(path))
            if visit(page, path):
                visited += 1
                queue += [link for link in page.evaluate(LINKS) if kind(link) not in seen]
    missing = {
        name: prefix
        for name, prefix in MUST_REACH.items()
        if not any(found.startswith(prefix) for found in seen)
    }
    assert not missing, f"The walk never reached {missing}; it saw {sorted(seen)}"
