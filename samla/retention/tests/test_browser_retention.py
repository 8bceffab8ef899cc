"""Gallring in a real browser, on a phone (issue 18 items 1 and 2): Greta, Tyresö's organisation
administrator, opens Gallring from the menu, fills in the municipality's proposal, changes the
story's rule to ten years, tries a period the form refuses and keeps what she typed, puts Pia's
records on hold by her identity number, and lifts the hold with a reason; then she documents her
check of the access log (item 5). Six years on, she previews a culling, approves it and reads the
protocol (item 3). axe-core checks every page; the harness checks that no page is
wider than the phone."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from playwright.sync_api import Page, expect

from samla.oversight.references import reference_for
from samla.oversight.tests.test_references import reviewer
from samla.people.models import Participant
from samla.people.tests.cast import build_cast
from samla.retention import actions
from samla.retention.models import CullingRun, HoldReason, LegalHold, RetentionRule
from samla.retention.presets import presets_for
from samla.retention.tasks import carry_out_run
from samla.retention.tests.test_culling import SIX_YEARS_ON, another_person


@pytest.mark.browser
def test_the_administrator_sets_the_rules_and_holds_a_person(
    page: Page, live_server, login, assert_accessible, settings
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    cast = build_cast()
    greta = reviewer(cast.tyreso, "greta")
    greta.set_password("Lösenord-för-test-1")
    greta.save()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "greta", "Lösenord-för-test-1")

    page.get_by_role("link", name="Gallring", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gallring")
    expect(page.get_by_text("Ingen regel: gallras inte")).to_have_count(9)
    assert_accessible(page)
    page.get_by_role("button", name="Fyll i förslaget").click()
    expect(page.get_by_text("9 regler är tillagda ur förslaget.")).to_be_visible()
    expect(page.get_by_text("Gallras 5 år efter den sista anteckningen om personen")).to_have_count(
        8
    )
    assert_accessible(page)

    page.get_by_role("link", name="Ändra Berättelsen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gallringsregel: Berättelsen")
    page.get_by_label("Gallras efter (år)").fill("101")
    decision = "Socialnämndens beslut 2026-11-20 § 88: berättelsen sparas tio år."
    page.get_by_label("Beslut eller lagrum").fill(decision)
    page.get_by_role("button", name="Spara regeln").click()
    expect(page.get_by_text("mindre än eller lika med 100").first).to_be_visible()
    expect(page.get_by_label("Beslut eller lagrum")).to_have_value(decision)
    assert_accessible(page)
    page.get_by_label("Gallras efter (år)").fill("10")
    page.get_by_role("button", name="Spara regeln").click()
    expect(page.get_by_text("Regeln är sparad.")).to_be_visible()
    ten_years = "Gallras 10 år efter den sista anteckningen om personen"
    expect(page.get_by_text(ten_years)).to_be_visible()
    assert RetentionRule.objects.get(record_type="story").decision == decision

    page.get_by_role("link", name="Gallringsstopp").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gallringsstopp")
    assert_accessible(page)
    page.get_by_label("Personens referens eller personnummer").fill(cast.pia.formatted_id_number)
    page.get_by_label("Skäl").select_option(label="Tillsyn (IVO eller JO)")
    page.get_by_label("Beskrivning").fill("IVO:s tillsyn, dnr 3.5.1-12345/2026")
    page.get_by_role("button", name="Lägg stoppet").click()
    reference = reference_for(cast.tyreso.pk, cast.pia.pk)
    expect(page.get_by_text(f"Gallringsstopp är lagt för {reference}.")).to_be_visible()
    expect(page.get_by_role("cell", name=reference)).to_be_visible()
    expect(page.get_by_text("Pia")).to_have_count(0)
    assert_accessible(page)

    page.get_by_text("Häv stoppet", exact=True).first.click()  # opens the details
    page.get_by_label("Skäl att häva stoppet").fill("Tillsynen avslutad utan kritik.")
    page.get_by_role("button", name=f"Häv stoppet {reference}").click()
    expect(page.get_by_text("Gallringsstoppet är hävt.")).to_be_visible()
    expect(page.get_by_text("Tillsynen avslutad utan kritik.")).to_be_visible()
    assert not LegalHold.objects.get().in_force
    assert_accessible(page)

    # Then she documents the month's check of the access log.
    page.get_by_role("link", name="Loggranskning", exact=True).first.click()
    expect(page.get_by_role("heading", name="Per användare")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Dokumentera en kontroll").click()
    page.get_by_label("Avvikelser som har följts upp").check()
    page.get_by_role("button", name="Dokumentera kontrollen").click()
    expect(page.get_by_text("Beskriv avvikelserna och vad som görs åt dem.").first).to_be_visible()
    assert_accessible(page)
    finding = f"{reference} lästes utan samtycke; samtalet med handläggaren är hållet."
    page.get_by_label("Iakttagelser och åtgärder").fill(finding)
    page.get_by_role("button", name="Dokumentera kontrollen").click()
    expect(page.get_by_text("Kontrollen är dokumenterad.")).to_be_visible()
    expect(page.get_by_role("cell", name=finding)).to_be_visible()
    assert_accessible(page)


@pytest.mark.browser
def test_the_administrator_previews_approves_and_reads_the_protocol(
    page: Page, live_server, login, assert_accessible, settings
) -> None:
    """Six years on, Greta previews the culling under the municipality's rule: Pia is due, Rut
    (born on the 15th) is kept for research and Hugo is on hold. She approves; the page follows
    the run until it is the protocol. Pia is gone, Rut and Hugo remain."""
    settings.SAMLA_REQUIRE_MFA = False
    cast = build_cast()
    greta = reviewer(cast.tyreso, "greta")
    greta.set_password("Lösenord-för-test-1")
    greta.save()
    [municipality] = presets_for(cast.tyreso)
    actions.apply_preset(actor=greta, organisation=cast.tyreso, preset=municipality)
    rut = another_person(cast, date(1985, 3, 15))
    hugo = another_person(cast, date(1979, 8, 2), first_name="Hugo")
    actions.place_hold(
        actor=greta,
        participant=hugo,
        record_type="",
        object_id=None,
        reason=HoldReason.COURT,
        note="Mål T 1234-26",
    )
    pia = cast.pia.pk
    with time_machine.travel(SIX_YEARS_ON, tick=True):
        page.set_viewport_size({"width": 390, "height": 844})
        login(page, "greta", "Lösenord-för-test-1")
        page.get_by_role("link", name="Gallring", exact=True).first.click()
        page.get_by_role("link", name="Gallringskörningar och protokoll").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Gallringskörningar")
        expect(page.get_by_text("Inga gallringar ännu.")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Förhandsgranska en gallring nu").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Förhandsgranskning av gallring")
        expect(page.get_by_text("1 person är gallringsbar.")).to_be_visible()
        expect(page.get_by_text("1 person till har ett gallringsstopp")).to_be_visible()
        expect(page.get_by_text("1 person till är född den 5, 15 eller 25")).to_be_visible()
        expect(page.get_by_text(reference_for(cast.tyreso.pk, pia))).to_be_visible()
        expect(page.get_by_text("Pia")).to_have_count(0)
        assert_accessible(page)
        page.get_by_role("button", name="Godkänn och gallra 1 person").click()
        expect(page.get_by_text("Gallringen är godkänd och pågår.")).to_be_visible()
        expect(page.get_by_text("Gallrar … 0 av 1 personer.")).to_be_visible()
        assert_accessible(page)
        carry_out_run.call(CullingRun.objects.get().pk)
        # The page asks every two seconds, and becomes the protocol.
        expect(page.get_by_text("1 person gallrades.")).to_be_visible(timeout=10_000)
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_have_text("Gallringsprotokoll")
        expect(
            page.get_by_role("row", name="Personuppgifter och deltagande Samtycken 2")
        ).to_be_visible()
        assert_accessible(page)
    assert not Participant.objects.filter(pk=pia).exists()
    assert set(Participant.objects.values_list("pk", flat=True)) == {rut.pk, hugo.pk}
