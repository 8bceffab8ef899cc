"""Measurements in a real browser: Ulla, at the provider, records the entry measurement of Pia's
participation with the keyboard (space on checkboxes and radio buttons, Enter on the button),
is told what to correct, and reads the measurement back. axe-core checks every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from samla.measurements.models import Measurement
from samla.people.tests.cast import PASSWORD, build_cast
from samla.referrals import actions
from samla.referrals.tests.builders import build


def press_space(page: Page, label: str) -> None:
    page.get_by_label(label, exact=True).focus()
    page.keyboard.press("Space")


@pytest.mark.browser
def test_the_provider_records_the_entry_measurement(
    page: Page, live_server, login, assert_accessible, settings
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    setting = build(build_cast())
    referral = actions.receive(setting.referral, actor=setting.ulla)
    referral = actions.accept(referral, actor=setting.ulla)
    referral = actions.start(
        referral, actor=setting.ulla, started_on=timezone.localdate() - timedelta(days=7)
    )

    login(page, "ulla", PASSWORD)
    page.goto(f"/remisser/{referral.pk}/")
    expect(page.get_by_role("heading", name="Mätningar")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Registrera – vid start").click()
    expect(page.get_by_role("heading", name="Registrera mätningen vid start")).to_be_visible()
    assert_accessible(page)

    press_space(page, "Arbetssökande")
    press_space(page, "Gymnasial")
    press_space(page, "2–5 år")
    press_space(page, "Lön")  # without its extent: the form says so
    press_space(page, "Ekonomiskt bistånd")
    page.get_by_label("Ekonomiskt bistånd: omfattning i procent").fill("75")
    press_space(page, "2 – Ganska dåligt")
    press_space(page, "3 – Varken nära eller långt ifrån")
    page.get_by_role("button", name="Spara mätningen").press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(
        "Lön: omfattning i procent: Ange omfattningen i procent, 1–100."
    )
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("Lön: omfattning i procent")).to_be_focused()
    page.keyboard.type("25")
    page.get_by_role("button", name="Spara mätningen").press("Enter")

    expect(page.get_by_text("Mätningen är sparad.")).to_be_visible()
    expect(page.get_by_role("heading", name="Mätning vid start")).to_be_visible()
    expect(page.get_by_text("Ekonomiskt bistånd, 75 %")).to_be_visible()
    expect(page.get_by_text("2 – Ganska dåligt")).to_be_visible()
    assert_accessible(page)
    saved = Measurement.objects.get()
    assert (saved.occupation, saved.support_time, saved.wellbeing) == ("job_seeking", "2_5", 2)
    assert sorted(saved.income_sources.values_list("source", "extent")) == [
        ("salary", 25),
        ("social_assistance", 75),
    ]
