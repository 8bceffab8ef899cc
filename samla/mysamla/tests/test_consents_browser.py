"""Mina samtycken in a real browser: Pia logs in to Min Samla with e-ID through the running
provider, reads her consents, withdraws the one naming Försäkringskassan with e-ID (the
provider's form again), and sees it withdrawn. axe-core checks each page at 390 and 1280 px,
and nothing scrolls sideways on the phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from samla.mysamla.tests.person import claims, sub_of
from samla.people.models import Consent
from samla.people.tests.cast import build_cast

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


def check_both_widths(page: Page, assert_accessible) -> None:
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size(DESKTOP)
    assert_accessible(page)


def at_provider(page: Page, sub: str) -> None:
    """Sign in at the provider's form as ``sub``: typed, as the form lists a user set through
    its API as a button only once someone has signed in as them in this test session."""
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()


def test_pia_withdraws_a_consent_with_e_id_and_sees_it_withdrawn(
    page: Page, assert_accessible, settings, live_server, oidc_provider
) -> None:
    settings.SAMLA_BASE_URL = live_server.url
    settings.SAMLA_OIDC_PROVIDERS = {"eid": oidc_provider.settings()["eid"]}
    cast = build_cast()
    number = cast.pia.id_number
    oidc_provider.set_user(sub_of(number), claims(number))
    page.route(re.compile(r"^https://"), lambda route: route.abort())
    page.set_default_timeout(30_000)  # the first page of a run starts the live server's work

    page.goto("/min-samla/logga-in/")
    page.get_by_role("link", name="Logga in med e-legitimation").click()
    at_provider(page, sub_of(number))
    expect(page.get_by_role("heading", name="Hej Pia!")).to_be_visible()

    page.get_by_role("link", name="Mina samtycken").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina samtycken")
    check_both_widths(page, assert_accessible)

    page.get_by_role("link", name=re.compile("^Läs eller återkalla")).click()
    expect(page.get_by_role("heading", name="Återkalla samtycket")).to_be_visible()
    check_both_widths(page, assert_accessible)
    page.get_by_label("Vill du berätta varför? (frivilligt)").fill("Jag vill inte dela mer.")
    page.get_by_role("button", name="Återkalla med e-legitimation").click()
    at_provider(page, sub_of(number))

    expect(page.get_by_text("Du har återkallat samtycket.")).to_be_visible()
    expect(page.get_by_text("Jag vill inte dela mer.")).to_be_visible()
    expect(page.get_by_role("button", name="Återkalla med e-legitimation")).to_have_count(0)
    check_both_widths(page, assert_accessible)
    consent = Consent.objects.get(pk=cast.consent_fk.pk)
    assert consent.state() == Consent.State.WITHDRAWN
    assert consent.withdrawn_by is not None and consent.withdrawn_by.person_number == number
