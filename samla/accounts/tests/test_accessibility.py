"""Every accounts page, with and without errors, passes axe-core's WCAG 2.1 AA rules in Chromium."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from samla.accounts import actions
from samla.accounts.models import OneTimeLink, Role
from samla.accounts.tests.factories import (
    PASSWORD,
    AssociationFactory,
    OrganisationFactory,
    UserFactory,
)
from samla.accounts.tests.signin import current_code

pytestmark = pytest.mark.browser

NEW = "ett-eget-langt-losenord-2026"


def test_the_password_alone_opens_nothing_and_the_link_does(
    page, assert_accessible, settings, live_server
) -> None:
    """Issue 15 items 1 and 2, in the browser: a wrong password, a locked-out name and the right
    password of an account without a second factor all leave the user outside; the one-time
    link lets the owner choose a password and enrol."""
    settings.SAMLA_REQUIRE_MFA = True
    settings.SAMLA_LOGIN_MAX_FAILURES = 3
    nova = UserFactory.create(username="nova", first_name="Nova", last_name="Ny")
    UserFactory.create(username="bo")
    page.set_viewport_size({"width": 390, "height": 844})  # the harness: nothing wider

    def sign_in_with(username: str, password: str) -> None:
        page.goto("/konto/logga-in/")
        page.get_by_label("Användarnamn").fill(username)
        page.get_by_label("Lösenord").fill(password)
        page.get_by_role("button", name="Logga in").click()

    sign_in_with("nova", "fel")
    page.get_by_text("Fel användarnamn eller lösenord.").first.wait_for()
    assert_accessible(page)
    for _ in range(3):
        sign_in_with("bo", "fel")
    sign_in_with("bo", PASSWORD)  # locked out: the same words as a wrong password
    page.get_by_text("Fel användarnamn eller lösenord.").first.wait_for()
    assert page.get_by_text("låst").count() == 0

    sign_in_with("nova", PASSWORD)
    page.get_by_text("Ditt konto är inte aktiverat ännu.").first.wait_for()
    assert_accessible(page)
    assert not TOTPDevice.objects.filter(user=nova).exists()

    token = actions.issue_link(actor=UserFactory.create(), user=nova)
    page.goto(f"/konto/engangslank/{token}/")
    page.get_by_role("heading", name="Välj ditt lösenord").wait_for()
    assert token not in page.url
    assert_accessible(page)
    page.locator("#id_new_password1").fill("kort")
    page.locator("#id_new_password2").fill("kort")
    page.get_by_role("button", name="Spara lösenordet").click()
    page.locator(".error-summary").wait_for()
    assert_accessible(page)
    page.locator("#id_new_password1").fill(NEW)
    page.locator("#id_new_password2").fill(NEW)
    page.get_by_role("button", name="Spara lösenordet").click()

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

    page.goto(f"/konto/engangslank/{token}/")
    page.get_by_role("heading", name="Länken gäller inte").wait_for()
    assert_accessible(page)


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

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_label("Användarnamn").fill("vera")
    page.get_by_label("Förnamn").fill("Vera")
    page.get_by_label("Efternamn").fill("Vägledare")
    page.get_by_role("button", name="Skapa användare").click()
    page.get_by_text("Länken visas bara nu.").wait_for()
    assert_accessible(page)
    address = page.get_by_label("Engångslänk").input_value()
    assert "/konto/engangslank/" in address
    assert OneTimeLink.objects.get(user__username="vera").token_hash == OneTimeLink.hash(
        address.rstrip("/").rsplit("/", 1)[1]
    )
