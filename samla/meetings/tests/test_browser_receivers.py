"""Issue 14, item 4 in a real browser: Kim summons Försäkringskassan without a name while nobody
of FK is on Pia's team, and is refused with the reason, the time and place kept as typed. FK's
administrator names Frida as receiver; Kim sends the summons again; Frida finds it on her start
page, answers without seeing who it is about, joins the team and opens the meeting. axe-core
checks every page on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from samla.accounts.models import Role
from samla.meetings import actions
from samla.meetings.models import Meeting
from samla.people import actions as people_actions
from samla.people.tests.cast import PASSWORD, build_cast, user


@pytest.mark.browser
def test_a_summons_that_reaches_nobody_is_refused_and_then_reaches_the_receiver(
    page: Page, live_server, login, assert_accessible, settings
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    cast = build_cast()
    frida = user("frida", "Frida", "Mottagare", cast.fk, (Role.CASE_HANDLER, cast.association))
    user("frans", "Frans", "Admin", cast.fk, (Role.ORG_ADMIN, None))
    people_actions.remove_team_member(cast.fia_membership, actor=cast.kim)
    council = actions.request_meeting(
        cast.pia,
        actor=cast.kim,
        kind=Meeting.Kind.RESOURCE_COUNCIL,
        requested_by=Meeting.RequestedBy.HANDLER,
        request_note="Alla på en gång.",
        question="Vilket stöd behöver Pia?",
    )
    actions.invite(
        council, actor=cast.kim, organisation=cast.fk, user=None, obliged=True, need_to_know=""
    )
    when = (timezone.localtime() + timedelta(days=6)).replace(hour=13, minute=0)

    login(page, "kim", PASSWORD)
    page.goto(council.get_absolute_url() + "kalla/")
    expect(page.get_by_text("Når ingen", exact=False)).to_be_visible()
    page.get_by_label("Dag och tid").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Längd i minuter").fill("75")
    page.get_by_label("På plats", exact=True).check()
    page.get_by_label("Plats (vid möte på plats)").fill("Tyresö kommunhus, rum Ekorren")
    page.get_by_role("button", name="Skicka kallelsen").click()
    expect(page.get_by_text("Kallelsen till Försäkringskassan når ingen")).to_be_visible()
    expect(page.get_by_label("Plats (vid möte på plats)")).to_have_value(
        "Tyresö kommunhus, rum Ekorren"
    )
    expect(page.get_by_label("Längd i minuter")).to_have_value("75")
    assert_accessible(page)
    page.get_by_role("button", name="Logga ut").click()

    login(page, "frans", PASSWORD)
    page.goto("/konto/organisation/")
    page.get_by_role("link", name="Mottagare av kallelser till möten").click()
    expect(page.get_by_text("Ingen tar emot kallelser till Försäkringskassan")).to_be_visible()
    page.get_by_label("En person").select_option(label=str(frida))
    page.get_by_role("button", name="Lägg till").click()
    expect(page.get_by_text("Kallelser går nu till: Frida Mottagare")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Logga ut").click()

    login(page, "kim", PASSWORD)
    page.goto(council.get_absolute_url() + "kalla/")
    page.get_by_label("Dag och tid").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("På plats", exact=True).check()
    page.get_by_label("Plats (vid möte på plats)").fill("Tyresö kommunhus, rum Ekorren")
    page.get_by_role("button", name="Skicka kallelsen").click()
    expect(page.get_by_text("1 meddelande med kalenderfil går ut.")).to_be_visible()
    page.get_by_role("button", name="Logga ut").click()

    login(page, "frida", PASSWORD)
    page.goto("/")
    awaiting = page.get_by_role("region", name="Kallelser som väntar på ditt svar")
    expect(awaiting).to_be_visible()
    expect(page.get_by_text("Pia")).to_have_count(0)
    assert_accessible(page)
    awaiting.get_by_role("link", name="Kallelse: Resursråd").click()
    expect(page.get_by_text("rum Ekorren")).to_be_visible()
    expect(page.get_by_text("Pia")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Jag kommer", exact=True).click()
    expect(page.get_by_text("Du är nu med i personens team")).to_be_visible()
    expect(page.get_by_role("heading", name="Resursråd för Pia Persson")).to_be_visible()
    assert_accessible(page)
