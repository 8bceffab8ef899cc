"""Vem har läst om mig in a real browser: Fia at Försäkringskassan reads Pia's page, then Pia
logs in to Min Samla with e-ID through the running provider and sees that read, and her own.
axe-core checks the page at 390 and at 1280 px, and nothing scrolls sideways on the phone."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from samla.accounts.tests.oidc import RunningProvider
from samla.mysamla.tests.browser import check_both_widths, log_in
from samla.people.tests.cast import build_cast, sign_in

pytestmark = pytest.mark.browser


def test_pia_sees_that_fia_read_her_page(
    page: Page, assert_accessible, min_samla: RunningProvider
) -> None:
    cast = build_cast()
    staff = Client()
    sign_in(staff, cast.fia)
    assert staff.get(f"/deltagare/{cast.pia.pk}/").status_code == 200

    log_in(page, min_samla, cast.pia)

    page.get_by_role("link", name="Vem har läst om mig").first.click()
    expect(page.get_by_role("heading", name="Vem har läst om mig?")).to_be_visible()
    summary = page.get_by_role("region", name="Sammanfattning")
    fk = summary.get_by_role("region", name="Försäkringskassan")
    expect(fk).to_contain_text("Handläggare")
    expect(fk).to_contain_text(f"Med stöd av ditt samtycke (nummer {cast.consent_fk.pk})")
    expect(summary.get_by_role("region", name="Du själv")).to_be_visible()
    expect(page.get_by_text("Fia Handläggare")).to_be_visible()
    check_both_widths(page, assert_accessible)

    page.get_by_label("Från och med").fill("2001-01-01")
    page.get_by_label("Till och med").fill("2001-12-31")
    page.get_by_role("button", name="Visa").click()
    expect(
        page.get_by_text("Ingen har läst eller ändrat dina uppgifter under den tiden.")
    ).to_be_visible()
    assert_accessible(page)
