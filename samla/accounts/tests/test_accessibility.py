"""Every accounts page, with and without errors, passes axe-core's WCAG 2.1 AA rules in Chromium."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from samla.accounts.models import Role
from samla.accounts.tests.factories import (
    PASSWORD,
    AssociationFactory,
    OrganisationFactory,
    UserFactory,
)
from samla.accounts.tests.signin import current_code

pytestmark = pytest.mark.browser


def test_sign_in_and_enrolment_pages(page, assert_accessible, settings) -> None:
    settings.SAMLA_REQUIRE_MFA = True
    UserFactory.create(username="nova", first_name="Nova", last_name="Ny")

    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill("nova")
    page.get_by_label("Lösenord").fill("fel")
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Fel användarnamn eller lösenord.").first.wait_for()
    assert_accessible(page)

    page.get_by_label("Användarnamn").fill("nova")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("heading", name="Aktivera tvåstegsverifiering").wait_for()
    assert_accessible(page)

    page.get_by_role("textbox", name="Kod").fill("12")
    page.get_by_role("button", name="Aktivera").click()
    page.get_by_text("Skriv de sex siffrorna som appen visar.").first.wait_for()
    assert_accessible(page)

    device = TOTPDevice.objects.get(user__username="nova")
    page.get_by_role("textbox", name="Kod").fill(current_code(device))
    page.get_by_role("button", name="Aktivera").click()
    page.get_by_text("Tvåstegsverifiering är aktiverad.").wait_for()


def test_verify_and_administration_pages(page, login, assert_accessible, settings) -> None:
    settings.SAMLA_REQUIRE_MFA = True
    settings.SAMLA_DEMO = False
    organisation = OrganisationFactory.create(name="Försäkringskassan")
    association = AssociationFactory.create(short_name="Östra Södertörn", members=[organisation])
    admin = UserFactory.create(
        username="ada",
        first_name="Ada",
        last_name="Admin",
        organisation=organisation,
        roles=[(Role.ORG_ADMIN, None)],
        second_factor=True,
    )
    UserFactory.create(organisation=organisation, roles=[(Role.CASE_HANDLER, association)])

    login(page, "ada", PASSWORD)
    page.get_by_role("heading", name="Tvåstegsverifiering").wait_for()
    assert_accessible(page)
    page.get_by_role("textbox", name="Kod").fill(current_code(TOTPDevice.objects.get(user=admin)))
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url("**/")

    for path in ("/konto/anvandare/", "/konto/organisation/", f"/konto/anvandare/{admin.pk}/"):
        page.goto(path)
        assert_accessible(page)

    page.goto("/konto/anvandare/ny/")
    assert_accessible(page)
    page.get_by_label("Användarnamn").fill("ny användare")
    page.get_by_role("button", name="Skapa användare").click()
    page.locator(".error-summary").wait_for()
    assert_accessible(page)
