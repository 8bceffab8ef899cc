"""Two people editing Pia's details, on a phone: the later save is refused, nothing of the
earlier one is lost, and the page shows both versions side by side within the phone's width
(the shared comparison of samla/concurrency.py and includes/stale.html)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from samla.people import actions
from samla.people.models import Participant
from samla.people.tests.cast import PASSWORD, build_cast

PHONE: ViewportSize = {"width": 390, "height": 844}
NEEDS = (
    "Behöver ett rum i bottenplanet, gärna nära entrén, och pauser var tjugonde minut under "
    "längre möten; skriftliga kallelser i god tid."
)


@pytest.mark.browser
def test_a_stale_save_is_refused_with_both_versions_on_a_phone(
    page: Page, live_server, settings, login, assert_accessible
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    cast = build_cast()
    page.set_viewport_size(PHONE)
    login(page, "kim", PASSWORD)
    page.goto(f"/deltagare/{cast.pia.pk}/andra/")

    # Meanwhile someone else saves Pia's phone number and her accessibility needs.
    pia = Participant.objects.get(pk=cast.pia.pk)
    actions.update_participant(
        pia,
        actor=cast.kim,
        version=pia.version,
        changes={"phone": "070-1740606", "accessibility_needs": NEEDS},
    )

    page.get_by_label("Telefon").fill("070-1740607")
    page.get_by_role("button", name="Spara").click()

    expect(page.get_by_text("Någon annan sparade ändringar medan du arbetade")).to_be_visible()
    comparison = page.get_by_role("region", name="Det här ändrade den andra personen")
    expect(comparison.get_by_role("row", name="Telefon")).to_contain_text("070-1740606")
    expect(comparison.get_by_role("row", name="Telefon")).to_contain_text("070-1740607")
    expect(comparison).to_contain_text("pauser var tjugonde minut")
    # What Kim typed is kept on the form, and nothing of the other save is lost.
    expect(page.get_by_label("Telefon")).to_have_value("070-1740607")
    assert Participant.objects.get(pk=cast.pia.pk).phone == "070-1740606"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
