"""Mina samtycken in a real browser: Pia logs in to Min Samla with e-ID through the running
provider, reads her consents, withdraws the one naming Försäkringskassan with e-ID (the
provider's form again), and sees it withdrawn. axe-core checks each page at 390 and 1280 px,
and nothing scrolls sideways on the phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from samla.accounts.tests.oidc import RunningProvider
from samla.mysamla.tests.browser import at_provider, check_both_widths, log_in
from samla.people.models import Consent
from samla.people.tests.cast import build_cast

pytestmark = pytest.mark.browser


def test_pia_withdraws_a_consent_with_e_id_and_sees_it_withdrawn(
    page: Page, assert_accessible, min_samla: RunningProvider
) -> None:
    cast = build_cast()
    number = cast.pia.id_number
    page.set_default_timeout(30_000)  # the first page of a run starts the live server's work

    log_in(page, min_samla, cast.pia)

    page.get_by_role("link", name="Mina samtycken").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina samtycken")
    check_both_widths(page, assert_accessible)

    page.get_by_role("link", name=re.compile("^Läs eller återkalla")).click()
    expect(page.get_by_role("heading", name="Återkalla samtycket")).to_be_visible()
    check_both_widths(page, assert_accessible)
    page.get_by_label("Vill du berätta varför? (frivilligt)").fill("Jag vill inte dela mer.")
    page.get_by_role("button", name="Återkalla med e-legitimation").click()
    at_provider(page, number)

    expect(page.get_by_text("Du har återkallat samtycket.")).to_be_visible()
    expect(page.get_by_text("Jag vill inte dela mer.")).to_be_visible()
    expect(page.get_by_role("button", name="Återkalla med e-legitimation")).to_have_count(0)
    check_both_widths(page, assert_accessible)
    consent = Consent.objects.get(pk=cast.consent_fk.pk)
    assert consent.state() == Consent.State.WITHDRAWN
    assert consent.withdrawn_by is not None and consent.withdrawn_by.person_number == number
