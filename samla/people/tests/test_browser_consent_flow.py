"""The foundation's story in a real browser (issue: consent-gated access).

Kim logs in with a second factor, registers Ali, records Ali's consent naming Försäkringskassan
and puts Fia from FK on the team; Fia sees Ali. Kim withdraws the consent, and Fia's very next
request answers "not found". axe-core checks every page on the way.
"""

from __future__ import annotations

from datetime import date

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from samla import idnumbers
from samla.accounts import actions
from samla.accounts.tests.signin import current_code
from samla.people.tests.cast import PASSWORD, build_cast

ALI = idnumbers.test_personnummer(date(1994, 8, 21), "M", index=2)


def log_in_with_code(page: Page, username: str, check) -> None:
    page.goto("/konto/logga-in/")
    check(page)
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


@pytest.mark.browser
def test_consent_gates_another_organisations_access(
    page: Page, browser, live_server, settings, assert_accessible
) -> None:
    settings.SAMLA_REQUIRE_MFA = True
    cast = build_cast()
    fia_device = TOTPDevice.objects.create(user=cast.fia, name="Fias telefon", confirmed=True)

    # Kim has no second factor yet: his administrator's one-time link leads to enrolment.
    token = actions.issue_link(actor=cast.fia, user=cast.kim)
    page.goto(f"/konto/engangslank/{token}/")
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    page.get_by_role("button", name="Spara lösenordet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("tvåstegsverifiering")
    assert_accessible(page)
    kim_device = TOTPDevice.objects.get(user=cast.kim)
    page.get_by_role("textbox", name="Kod").fill(current_code(kim_device))
    page.get_by_role("button", name="Aktivera").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen, Kim")
    assert_accessible(page)

    # Register Ali.
    page.get_by_role("link", name="Registrera deltagare").first.click()
    assert_accessible(page)
    page.get_by_label("Samordningsförbund").select_option(label="Östra Södertörn")
    page.get_by_label("Personnummer").fill(ALI.formatted())
    page.get_by_label("Förnamn").fill("Ali")
    page.get_by_label("Efternamn").fill("Andersson")
    page.get_by_role("button", name="Registrera").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ali Andersson")
    ali_url = page.url
    assert_accessible(page)

    # No consent names FK yet, so Fia is not among those who can be added.
    page.get_by_role("link", name="Hantera teamet").click()
    expect(page.get_by_label("Person").locator("option", has_text="Fia")).to_have_count(0)
    assert_accessible(page)

    # Record Ali's consent naming Försäkringskassan.
    page.goto(ali_url)
    page.get_by_role("link", name="Registrera samtycke").click()
    assert_accessible(page)
    page.get_by_label("Försäkringskassan").check()
    page.get_by_role("group", name="Uppgifter som får lämnas").get_by_label(
        "Arbete och studier"
    ).check()
    page.get_by_role("group", name="Uppgifter som personen uttryckligen undantar").get_by_label(
        "Hälsa och vård"
    ).check()
    page.get_by_label("Skriftligt").check()
    page.get_by_role("button", name="Registrera samtycket").click()
    expect(page.get_by_text("Samtycket är registrerat.")).to_be_visible()
    assert_accessible(page)

    # Put Fia on the team.
    page.get_by_role("link", name="Hantera teamet").click()
    page.get_by_label("Person").select_option(label="Fia Handläggare, Försäkringskassan")
    page.get_by_role("button", name="Lägg till").click()
    expect(page.get_by_text("Fia Handläggare är tillagd i teamet.")).to_be_visible()
    assert_accessible(page)

    # Fia, in her own browser, logs in with her code and sees Ali.
    fia_context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    fia = fia_context.new_page()
    log_in_with_code(fia, "fia", lambda p: None)
    fia.get_by_role("textbox", name="Kod").fill(current_code(fia_device))
    fia.get_by_role("button", name="Fortsätt").click()
    expect(fia.get_by_role("heading", level=1)).to_contain_text("Välkommen, Fia")
    fia.goto(ali_url)
    expect(fia.get_by_role("heading", level=1)).to_contain_text("Ali Andersson")
    expect(fia.get_by_text("Du ser personen genom ett samtycke.")).to_be_visible()
    assert_accessible(fia)

    # Kim withdraws the consent.
    page.goto(ali_url)
    page.get_by_role("link", name="Visa samtycket").first.click()
    assert_accessible(page)
    page.get_by_label("Skäl").fill("Ali återkallade samtycket i telefon.")
    page.get_by_role("button", name="Återkalla samtycket").click()
    expect(page.get_by_text("Samtycket är återkallat och gäller inte längre.")).to_be_visible()

    # Fia's next request: not found.
    response = fia.goto(ali_url)
    assert response is not None and response.status == 404
    expect(fia.get_by_role("heading", level=1)).to_have_text("Sidan hittades inte")
    assert_accessible(fia)
    fia_context.close()
