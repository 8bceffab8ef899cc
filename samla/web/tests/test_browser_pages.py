"""Every page of the foundation, as each role sees it, checked by axe-core in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from samla.accounts.models import Role, RoleAssignment
from samla.people.models import Participant
from samla.people.tests.cast import PASSWORD, build_cast
from samla.people.tests.test_list_paging import add_people


@pytest.fixture
def cast_in_browser(settings):
    settings.SAMLA_REQUIRE_MFA = False
    cast = build_cast()
    RoleAssignment.objects.create(user=cast.kim, role=Role.ORG_ADMIN)
    Participant.objects.filter(pk=cast.pia.pk).update(
        interpreter_language="arabiska", accessibility_needs="Lättläst material."
    )
    return cast


def visit(page: Page, path: str, heading: str, check) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status in (200, 404), (path, response.status)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    check(page)


@pytest.mark.browser
def test_the_coordinators_pages(page: Page, login, assert_accessible, cast_in_browser) -> None:
    cast = cast_in_browser
    pia = cast.pia.pk
    login(page, "kim", PASSWORD)
    for path, heading in [
        ("/", "Välkommen, Kim"),
        ("/deltagare/", "Deltagare"),
        ("/deltagare/?q=pia", "Deltagare"),
        ("/deltagare/ny/", "Registrera deltagare"),
        (f"/deltagare/{pia}/", "Pia Persson"),
        (f"/deltagare/{pia}/andra/", "Ändra uppgifter"),
        (f"/deltagare/{pia}/team/", "Teamet kring Pia Persson"),
        (f"/deltagare/{pia}/samtycken/nytt/", "Registrera samtycke"),
        (f"/deltagare/{pia}/samtycken/{cast.consent_fk.pk}/", "Samtycke från"),
        (f"/deltagare/{pia}/samtycken/{cast.consent_af.pk}/", "Samtycke från"),
        (f"/granskning/deltagare/{pia}/vem-har-last/", "Vem har läst uppgifter om Pia Persson?"),
        ("/granskning/", "Loggranskning"),
        ("/granskning/?flagged=on&sample=on", "Loggranskning"),
        ("/granskning/kontroller/", "Dokumenterade loggkontroller"),
        ("/gallring/", "Gallring"),
        ("/gallring/regel/?typ=audit_log", "Gallringsregel: Åtkomstloggen"),
        ("/gallring/gallringsstopp/", "Gallringsstopp"),
        ("/gallring/korningar/", "Gallringskörningar"),
        ("/konto/anvandare/", "Användare"),
        ("/konto/mitt-konto/", "Mitt konto"),
        ("/deltagare/999999/", "Sidan hittades inte"),
    ]:
        visit(page, path, heading, assert_accessible)

    # Forms with errors are accessible too: the error summary links to each field.
    page.goto("/deltagare/ny/")
    page.get_by_role("button", name="Registrera").click()
    expect(page.get_by_role("alert")).to_contain_text("Något behöver rättas")
    assert_accessible(page)
    page.goto(f"/deltagare/{pia}/samtycken/nytt/")
    page.get_by_role("button", name="Registrera samtycket").click()
    expect(page.get_by_role("alert")).to_contain_text("Något behöver rättas")
    assert_accessible(page)

    # Live search narrows the list without a page load, and the keyboard reaches the result.
    page.goto("/deltagare/")
    page.get_by_label("Sök på namn eller personnummer").fill("pers")
    expect(page.locator("#results")).to_contain_text("Pia Persson")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Pia Persson")).to_be_visible()


@pytest.mark.browser
def test_the_paged_list_on_a_phone(page: Page, login, assert_accessible, cast_in_browser) -> None:
    """Keyset pages (issue 17 item 3): "Nästa" and "Föregående" at 390 px, no sideways scroll."""
    add_people(cast_in_browser, 60)  # 35 of them with "berg" in the name
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "kim", PASSWORD)
    page.goto("/deltagare/?q=berg")
    expect(page.locator("caption")).to_have_text("Visar 1–25, fler finns")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="Nästa").click()
    expect(page.locator("caption")).to_have_text("Visar 26–35")
    expect(page.get_by_label("Sök på namn eller personnummer")).to_have_value("berg")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="Föregående").click()
    expect(page.locator("caption")).to_have_text("Visar 1–25, fler finns")


@pytest.mark.browser
@pytest.mark.parametrize(
    ("username", "heading", "sees"),
    [
        ("fia", "Välkommen, Fia", "Pia Persson"),
        ("olle", "Välkommen, Olle", "Medlemmar och finansiering"),
        ("bodil", "Välkommen, Bodil", "Medlemmar och finansiering"),
        ("nils", "Välkommen, Nils", "Du finns inte i någon deltagares team ännu."),
    ],
)
def test_each_roles_start_page(
    page: Page, login, assert_accessible, cast_in_browser, username: str, heading: str, sees: str
) -> None:
    login(page, username, PASSWORD)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    expect(page.get_by_text(sees).first).to_be_visible()
    if username in ("olle", "bodil"):
        expect(page.get_by_text("Pia")).to_have_count(0)
    assert_accessible(page)


@pytest.mark.browser
def test_the_association_offices_pages(
    page: Page, login, assert_accessible, cast_in_browser
) -> None:
    association = cast_in_browser.association.pk
    login(page, "olle", PASSWORD)
    for path, heading in [
        (f"/rapporter/forbund/{association}/", "Rapporter för"),
        (f"/gallring/forbund/{association}/", "Gallringsprotokoll för"),
    ]:
        visit(page, path, heading, assert_accessible)
    expect(page.get_by_text("Ingen organisation har gallrat")).to_be_visible()


@pytest.mark.browser
def test_the_page_in_english(page: Page, login, assert_accessible, cast_in_browser) -> None:
    login(page, "kim", PASSWORD)
    page.goto(f"/deltagare/{cast_in_browser.pia.pk}/")
    page.get_by_role("button", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Consents")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="På svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
