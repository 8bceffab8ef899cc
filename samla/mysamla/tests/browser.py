"""Min Samla in a real browser: the running OpenID provider configured for the live server, the
person's login through the provider's form and signing there, and the check of a page at a
phone's and a computer's width."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from samla.accounts.tests.oidc import RunningProvider
from samla.mysamla.tests.person import claims, sub_of
from samla.people.models import Participant

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


@pytest.fixture
def min_samla(
    settings: Any, live_server: LiveServer, oidc_provider: RunningProvider, page: Page
) -> RunningProvider:
    """The provider as Min Samla's e-ID, answering the live server; no request leaves for the
    internet (the page's fonts or scripts from elsewhere, were there any)."""
    settings.SAMLA_BASE_URL = live_server.url
    settings.SAMLA_OIDC_PROVIDERS = {"eid": oidc_provider.settings()["eid"]}
    page.route(re.compile(r"^https://"), lambda route: route.abort())
    return oidc_provider


def at_provider(page: Page, number: str) -> None:
    """Sign in at the provider's form as the person with ``number``: typed, as the form lists a
    user set through its API as a button only once someone has signed in as them in this test
    session."""
    page.get_by_placeholder("sub").fill(sub_of(number))
    page.get_by_role("button", name="Authorize", exact=True).click()


def log_in(page: Page, provider: RunningProvider, participant: Participant) -> None:
    """The person logs in to Min Samla with e-ID, through the provider's form, and is greeted."""
    number = participant.id_number
    provider.set_user(sub_of(number), claims(number))
    page.goto("/min-samla/logga-in/")
    page.get_by_role("link", name="Logga in med e-legitimation").click()
    at_provider(page, number)
    expect(page.get_by_role("heading", name=f"Hej {participant.first_name}!")).to_be_visible()


def check_both_widths(page: Page, assert_accessible: Callable[[Page], None]) -> None:
    """axe-core at 390 and at 1280 px, and nothing scrolls sideways on the phone."""
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size(DESKTOP)
    assert_accessible(page)
