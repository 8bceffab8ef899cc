"""Vem har läst om mig in a real browser: Fia at Försäkringskassan reads Pia's page, then Pia
logs in to Min Samla with e-ID through the running provider and sees that read, and her own.
axe-core checks the page at 390 and at 1280 px."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from playwright.sync_api import Page, ViewportSize, expect

from samla.mysamla.tests.person import claims, sub_of
from samla.people.tests.cast import build_cast, sign_in

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


def test_pia_sees_that_fia_read_her_page(
    page: Page, assert_accessible, settings, live_server, oidc_provider
) -> None:
    settings.SAMLA_BASE_URL = live_server.url
    settings.SAMLA_OIDC_PROVIDERS = {"eid": oidc_provider.settings()["eid"]}
    cast = build_cast()
    staff = Client()
    sign_in(staff, cast.fia)
    assert staff.get(f"/deltagare/{cast.pia.pk}/").status_code == 200
    number = cast.pia.id_number
    oidc_provider.set_user(sub_of(number), claims(number))
    page.route(re.compile(r"^https://"), lambda route: route.abort())

    page.goto("/min-samla/logga-in/")
    page.get_by_role("link", name="Logga in med e-legitimation").click()
    page.get_by_placeholder("sub").fill(sub_of(number))
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", name="Hej Pia!")).to_be_visible()

    page.get_by_role("link", name="Vem har läst om mig").first.click()
    expect(page.get_by_role("heading", name="Vem har läst om mig?")).to_be_visible()
    summary = page.get_by_role("region", name="Sammanfattning")
    fk = summary.get_by_role("region", name="Försäkringskassan")
    expect(fk).to_contain_text("Handläggare")
    expect(fk).to_contain_text(f"Med stöd av ditt samtycke (nummer {cast.consent_fk.pk})")
    expect(summary.get_by_role("region", name="Du själv")).to_be_visible()
    expect(page.get_by_text("Fia Handläggare")).to_be_visible()
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)
    assert_accessible(page)

    page.get_by_label("Från och med").fill("2001-01-01")
    page.get_by_label("Till och med").fill("2001-12-31")
    page.get_by_role("button", name="Visa").click()
    expect(
        page.get_by_text("Ingen har läst eller ändrat dina uppgifter under den tiden.")
    ).to_be_visible()
    assert_accessible(page)
