"""The coordinated plan in a real browser (issue: the coordinated plan, its lifecycle, worklists
and the plan on paper).

Kim writes Pia's story with her, then drafts Pia's plan with actions for Tyresö kommun,
Försäkringskassan and Arbetsförmedlingen and sends it for confirmation. Fia (FK) and Wera (AF,
under a new consent) confirm from their worklists, Fia also follows up her action inline. Kim
records Pia's approval given in a meeting, the plan is agreed, and the PDF downloads. axe-core
checks every page on the way.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from samla.people import actions as people_actions
from samla.people.tests.cast import PASSWORD, build_cast
from samla.plans.models import Plan, PlanAction


@pytest.mark.browser
def test_a_plan_is_drafted_confirmed_approved_and_printed(
    page: Page, browser: Browser, live_server, login, assert_accessible, settings
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    cast = build_cast()
    today = timezone.localdate()
    people_actions.record_consent(
        actor=cast.kim,
        participant=cast.pia,
        organisations=[cast.af],
        categories_included=["work_studies"],
        categories_excluded=[],
        form="written",
        given_by="person",
        valid_from=today,
        valid_to=None,
    )
    due = (today + timedelta(days=21)).isoformat()

    # Kim first writes Pia's story with her: the plan starts from it.
    login(page, "kim", PASSWORD)
    page.goto(cast.pia.get_absolute_url())
    page.get_by_role("link", name="Skriv berättelsen").click()
    page.get_by_label("Vad är viktigt för dig?", exact=True).fill("Att få jobba med händerna.")
    page.get_by_role("button", name="Spara berättelsen").click()
    expect(page.get_by_text("Berättelsen är sparad som version 1.")).to_be_visible()
    assert_accessible(page)

    # Then drafts the plan with her.
    page.goto(cast.pia.get_absolute_url())
    page.get_by_role("link", name="Planen: mål, insatser och vem som gör vad").click()
    expect(page.get_by_text("Det finns ingen samordnad plan för personen ännu.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Skapa plan").click()
    assert_accessible(page)
    page.get_by_label("Mina mål – med personens egna ord").fill("Jag vill jobba halvtid.")
    page.get_by_label("Huvudansvarig organisation").select_option(label="Tyresö kommun")
    page.get_by_label("Uppföljningsdatum").fill((today + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Skapa planen").click()
    expect(page.get_by_text("Planen är skapad.")).to_be_visible()
    assert_accessible(page)

    for org, person, category, text in [
        (
            "Tyresö kommun",
            "Kim Koordinator",
            "Försörjning och ersättningar",
            "Hjälp att söka bistånd",
        ),
        ("Försäkringskassan", "Fia Handläggare", "Arbete och studier", "Arbetsträning på lager"),
        ("Arbetsförmedlingen", "Wera Återkallad", "Arbete och studier", "Matchning mot jobb"),
    ]:
        page.get_by_role("link", name="Lägg till insats").click()
        assert_accessible(page)
        page.get_by_label("Behov").fill("Ett behov")
        page.get_by_label("Insats/åtgärd").fill(text)
        page.get_by_label("Ansvarig organisation").select_option(label=org)
        page.get_by_label("Ansvarig person").select_option(label=f"{person}, {org}")
        page.get_by_label("Klart senast").fill(due)
        page.get_by_label("Vilken sorts uppgift").select_option(label=category)
        page.get_by_role("button", name="Lägg till insatsen").click()
        expect(page.get_by_text("Insatsen är tillagd.")).to_be_visible()
    expect(page.get_by_role("heading", name="Det här gör kommunen")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Skicka för bekräftelse").click()
    expect(page.get_by_text("Planen är skickad.")).to_be_visible()
    page.get_by_role("button", name="Bekräfta för Tyresö kommun").click()
    expect(page.get_by_text("Du har bekräftat planen för Tyresö kommun.")).to_be_visible()
    assert_accessible(page)
    plan_url = page.url

    # Fia and Wera confirm from their worklists; Fia follows up her action inline.
    for username, organisation in (("fia", "Försäkringskassan"), ("wera", "Arbetsförmedlingen")):
        context = browser.new_context(base_url=live_server.url, locale="sv-SE")
        other = context.new_page()
        login(other, username, PASSWORD)
        other.goto("/arbetslista/")
        assert_accessible(other)
        other.get_by_role("button", name="Bekräfta planen för Pia Persson").click()
        expect(other.get_by_text(f"Du har bekräftat planen för {organisation}.")).to_be_visible()
        if username == "fia":
            other.get_by_label("Status för insatsen för Pia Persson").select_option(label="Pågår")
            other.get_by_role("button", name="Spara status").click()
            expect(other.get_by_role("status").filter(has_text="Sparat")).to_be_visible()
            assert_accessible(other)
        context.close()
    assert PlanAction.objects.get(action="Arbetsträning på lager").status == "ongoing"

    # Kim records that Pia approved the plan in a meeting: the plan is agreed.
    page.goto(plan_url)
    page.get_by_role("link", name="Registrera personens godkännande").click()
    assert_accessible(page)
    page.get_by_label("I ett möte").check()
    page.get_by_role("button", name="Registrera godkännandet").click()
    expect(page.get_by_text("Personens godkännande är registrerat.")).to_be_visible()
    expect(page.locator(".badge").filter(has_text="Överenskommen")).to_be_visible()
    assert_accessible(page)
    assert Plan.objects.get(participant=cast.pia).state == "agreed"

    page.get_by_role("link", name="Alla överenskomna versioner").click()
    assert_accessible(page)
    page.get_by_role("link", name="Version 1").click()
    assert_accessible(page)

    pdf = page.request.get(f"/deltagare/{cast.pia.pk}/plan/pdf/")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
