"""The resource council of seed 004 in a real browser (issue: meetings).

Kim, Pia's handler at Tyresö kommun, asks Pia whether she wants to meet the Resursråd and
records the request. Region Stockholm cannot be invited until Pia signs a consent that names it,
so Kim records one naming FK, AF and the region. Each organisation is invited with what the
others need to know from it. The staff meet first, among themselves, in a preparatory meeting;
then the council is summoned with a calendar file. Fia answers from her link. At the council Pia
speaks first, Kim writes the minutes and attendance, and the decisions become plan actions in
the same step; once the plan is sent, Fia finds her new action in her worklist. axe-core checks
every page on the way.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from samla.meetings.models import Meeting
from samla.people.tests.cast import PASSWORD, build_cast
from samla.plans.models import PlanAction
from samla.stories import actions as story_actions
from samla.stories.models import SectionContent

OWN_WORDS = "Jag vill jobba med händerna, men orkar inte heltid än."


def invite(page: Page, organisation: str, person: str, need: str) -> None:
    page.get_by_label("Organisation:", exact=True).select_option(label=organisation)
    page.get_by_label("Person (valfritt)").select_option(label=f"{person}, {organisation}")
    page.get_by_label("Skyldig att delta").check()
    page.get_by_label("Det här behöver vi veta från er").fill(need)
    page.get_by_role("button", name="Bjud in").click()
    expect(page.get_by_text(f"{organisation}, {person} är inbjuden.")).to_be_visible()


def summon(page: Page, when: str, minutes: str, mode: str, place: str = "") -> None:
    page.get_by_label("Dag och tid").fill(when)
    page.get_by_label("Längd i minuter").fill(minutes)
    page.get_by_label(mode, exact=True).check()
    if place:
        page.get_by_label("Plats (vid möte på plats)").fill(place)
    page.get_by_role("button", name="Skicka kallelsen").click()
    expect(page.get_by_text("Kallelsen är skickad.")).to_be_visible()


def decide(page: Page, number: int, text: str, organisation: str, person: str, category: str):
    row = page.get_by_role("group", name=f"Beslut {number}", exact=True)
    row.get_by_label("Beslut: vad ska göras?").fill(text)
    row.get_by_label("Ansvarig organisation").select_option(label=organisation)
    row.get_by_label("Ansvarig person").select_option(label=f"{person}, {organisation}")
    row.get_by_label("Klart senast").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    row.get_by_label("Vilken sorts uppgift").select_option(label=category)


@pytest.mark.browser
def test_the_resource_council_of_seed_004(
    page: Page, browser: Browser, live_server, login, assert_accessible, settings
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    cast = build_cast()
    story_actions.save_story(
        cast.pia,
        actor=cast.kim,
        base_version=0,
        sections={"what_matters": SectionContent(OWN_WORDS, "work_studies")},
        written="with_person",
    )
    tomorrow = timezone.localdate() + timedelta(days=1)

    # Kim asks Pia whether she wants to meet the Resursråd, and records that she does.
    login(page, "kim", PASSWORD)
    page.goto(cast.pia.get_absolute_url())
    page.get_by_role("link", name="Möten: begär, förbered och kalla").click()
    assert_accessible(page)
    page.get_by_role("link", name="Begär ett möte").click()
    page.get_by_label("Resursråd", exact=True).check()
    page.get_by_label("En handläggare").check()
    page.get_by_label("Vad personen vill med mötet").fill("Att alla hör samma sak på en gång.")
    assert_accessible(page)
    page.get_by_role("button", name="Spara begäran").click()
    expect(page.get_by_text("Mötet är begärt.")).to_be_visible()
    page.get_by_label("Frågan mötet ska besvara").fill("Vad behöver Pia för att nå arbete?")
    page.get_by_role("button", name="Spara förberedelsen").click()
    expect(page.get_by_text("Förberedelsen är sparad.")).to_be_visible()
    prepare_url = page.url
    assert_accessible(page)

    # The region is not named by any consent: the page says so and where to put it right.
    page.get_by_label("Organisation:", exact=True).select_option(label="Region Stockholm")
    page.get_by_role("button", name="Bjud in").click()
    expect(
        page.get_by_text(
            "Personens samtycke omfattar inte Region Stockholm. Registrera ett nytt samtycke som "
            "omfattar organisationen innan du bjuder in den."
        )
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Registrera ett nytt samtycke").click()
    for organisation in ("Försäkringskassan", "Arbetsförmedlingen", "Region Stockholm"):
        page.get_by_label(organisation).check()
    included = page.get_by_role("group", name="Uppgifter som får lämnas")
    for category in ("Arbete och studier", "Försörjning och ersättningar", "Hälsa och vård"):
        included.get_by_label(category).check()
    page.get_by_label("Skriftligt").check()
    page.get_by_role("button", name="Registrera samtycket").click()
    expect(page.get_by_text("Samtycket är registrerat.")).to_be_visible()

    # Each organisation is summoned with what the others need to know from it.
    page.goto(prepare_url)
    invite(page, "Försäkringskassan", "Fia Handläggare", "Rätt ersättning framåt?")
    invite(page, "Arbetsförmedlingen", "Wera Återkallad", "Vilka praktikplatser finns?")
    invite(page, "Region Stockholm", "Nils Utansamtycke", "Vad säger vården om arbetsförmågan?")
    assert_accessible(page)

    # The staff meet first, among themselves.
    page.get_by_role("link", name="Tillbaka till mötet").click()
    council_url = page.url
    page.get_by_role("link", name="Boka förmöte").click()
    assert_accessible(page)
    page.get_by_role("button", name="Boka förmötet").click()
    expect(page.get_by_text("Förmötet är bokat")).to_be_visible()
    expect(page.get_by_text("Vilka praktikplatser finns?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Välj tid och kalla").click()
    summon(page, f"{tomorrow.isoformat()}T09:00", "30", "Digitalt (video)")
    expect(page.get_by_text("Förmöte bara för personal")).to_be_visible()
    assert_accessible(page)

    # The council itself, in a room at the town hall.
    page.goto(council_url)
    page.get_by_role("link", name="Välj tid och kalla").click()
    assert_accessible(page)
    summon(page, f"{tomorrow.isoformat()}T10:00", "90", "På plats", "Tyresö kommunhus, Ekorren")
    assert_accessible(page)
    council = Meeting.objects.get(kind=Meeting.Kind.RESOURCE_COUNCIL)

    # Fia answers from her meetings page.
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    fia = context.new_page()
    login(fia, "fia", PASSWORD)
    fia.goto("/moten/")
    assert_accessible(fia)
    fia.get_by_role("link", name="Resursråd", exact=True).first.click()
    expect(fia.get_by_text("Rätt ersättning framåt?")).to_be_visible()
    assert_accessible(fia)
    fia.get_by_role("link", name="Svara").click()
    assert_accessible(fia)
    fia.get_by_role("button", name="Jag kommer", exact=True).click()
    expect(fia.get_by_text("Tack! Ditt svar är sparat: Kommer.")).to_be_visible()

    # The day comes. Pia speaks first.
    now = timezone.now()
    Meeting.objects.filter(pk=council.pk).update(
        starts_at=now - timedelta(minutes=80), ends_at=now + timedelta(minutes=10)
    )
    page.goto(council_url)
    agenda = page.get_by_role("heading", name="Personen berättar först")
    expect(agenda).to_be_visible()
    expect(page.get_by_text(OWN_WORDS)).to_be_visible()
    expect(page.get_by_text("Kommer").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Protokoll och beslut").click()
    page.get_by_label("Ja", exact=True).check()
    for who in ("Kim Koordinator", "Fia Handläggare", "Wera Återkallad", "Nils Utansamtycke"):
        page.get_by_label(who).check()
    page.get_by_label("Protokoll:", exact=True).fill(
        "Pia berättade först om sin vardag. Hon har fått fel ersättning sedan i våras."
    )
    page.get_by_label("Personens mål – med egna ord").fill(OWN_WORDS)
    page.get_by_label("När ska planen följas upp?").fill(
        (timezone.localdate() + timedelta(days=90)).isoformat()
    )
    decide(
        page,
        1,
        "Utreda rätt ersättning",
        "Försäkringskassan",
        "Fia Handläggare",
        "Försörjning och ersättningar",
    )
    decide(
        page,
        2,
        "Remiss till Mia Vidare",
        "Arbetsförmedlingen",
        "Wera Återkallad",
        "Arbete och studier",
    )
    decide(
        page,
        3,
        "Ny bedömning av arbetsförmågan",
        "Region Stockholm",
        "Nils Utansamtycke",
        "Hälsa och vård",
    )
    assert_accessible(page)
    page.get_by_role("button", name="Spara protokollet").click()
    expect(page.get_by_text("Protokollet är sparat.")).to_be_visible()
    expect(page.get_by_text("3 beslut blev insatser i planen.")).to_be_visible()
    assert_accessible(page)
    assert set(PlanAction.objects.values_list("action", flat=True)) == {
        "Utreda rätt ersättning",
        "Remiss till Mia Vidare",
        "Ny bedömning av arbetsförmågan",
    }

    # The plan goes to the organisations; Fia finds her action in her worklist.
    page.get_by_role("link", name="Besluten finns som insatser i planen").click()
    page.get_by_role("button", name="Skicka för bekräftelse").click()
    expect(page.get_by_text("Planen är skickad.")).to_be_visible()
    fia.goto("/arbetslista/")
    expect(fia.get_by_text("Utreda rätt ersättning")).to_be_visible()
    expect(fia.get_by_text("Ny bedömning av arbetsförmågan")).to_have_count(0)
    assert_accessible(fia)
    context.close()
