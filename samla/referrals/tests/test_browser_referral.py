"""The closed loop in a real browser (issue 5): at Pia's resource council the meeting decides to
refer her to Mia Vidare, and Kim's minutes send the referral in the same step. Ulla, at the
provider, receives and accepts it, starts the participation and records the entry measurement;
later she ends it with the exit reason "work (subsidised)" and records the exit measurement.
Kim sees each step on his side of the referral, and a notice is queued for him each time.
axe-core checks every page on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from samla.measurements.models import Measurement
from samla.meetings.models import Decision, Meeting
from samla.meetings.tests.matrix import build_council
from samla.notifications.models import Kind, Notice
from samla.people.tests.cast import PASSWORD, build_cast
from samla.plans.tests.matrix import build_agreed_plan
from samla.referrals.models import Referral
from samla.referrals.tests.builders import build, consent_for_provider


def take_step(page: Page, button: str, **fields: str) -> None:
    form = page.locator("form").filter(has=page.get_by_role("button", name=button, exact=True))
    for label, value in fields.items():
        field = form.get_by_label(label)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    form.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_text("Remissen är uppdaterad.")).to_be_visible()


def record_measurement(page: Page, occasion: str, occupation: str) -> None:
    page.get_by_role("link", name=f"Registrera – {occasion}").click()
    page.get_by_label(occupation, exact=True).check()
    page.get_by_label("Gymnasial", exact=True).check()
    page.get_by_label("Lön", exact=True).check()
    page.get_by_label("Lön: omfattning i procent").fill("50")
    page.get_by_label("4 – Ganska bra", exact=True).check()
    page.get_by_label("4 – Ganska nära", exact=True).check()
    page.get_by_role("button", name="Spara mätningen").click()
    expect(page.get_by_text("Mätningen är sparad.")).to_be_visible()


@pytest.mark.browser
def test_a_referral_decided_in_a_meeting_goes_round_the_loop(
    page: Page, browser: Browser, live_server, login, assert_accessible, settings
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    cast = build_cast()
    build_agreed_plan(cast)
    build(cast, with_consent=False)  # Mia Vidare, and Ulla who works there
    consent_for_provider(cast)
    council = build_council(cast).council
    now = timezone.now()
    Meeting.objects.filter(pk=council.pk).update(
        starts_at=now - timedelta(minutes=80), ends_at=now + timedelta(minutes=10)
    )

    # The council decides; Kim's minutes send the referral.
    login(page, "kim", PASSWORD)
    page.goto(council.get_absolute_url())
    page.get_by_role("link", name="Protokoll och beslut").click()
    page.get_by_label("Ja", exact=True).check()
    page.get_by_label("Protokoll:", exact=True).fill("Pia vill prova arbetsträning i vår.")
    row = page.get_by_role("group", name="Beslut 1", exact=True)
    row.get_by_label("Beslut: vad ska göras?").fill("Pia börjar i Mia Vidare.")
    row.get_by_label("Ansvarig organisation").select_option(label="Tyresö kommun")
    row.get_by_label("Vilken sorts uppgift").select_option(label="Arbete och studier")
    row.get_by_label("Remiss till en insats (valfritt)").select_option(label="Mia Vidare")
    assert_accessible(page)
    page.get_by_role("button", name="Spara protokollet").click()
    expect(page.get_by_text("1 remiss är skickad.")).to_be_visible()
    page.get_by_role("link", name="remiss till Mia Vidare").click()
    expect(page.get_by_role("heading", name="Remiss till Mia Vidare")).to_be_visible()
    expect(page.get_by_text("Skickad").first).to_be_visible()
    expect(page.get_by_role("link", name="Resursråd")).to_be_visible()  # back to the meeting
    assert_accessible(page)
    kims_view = page.url
    referral = Referral.objects.get()

    # Ulla, at the provider, answers from her board.
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    ulla = context.new_page()
    login(ulla, "ulla", PASSWORD)
    ulla.goto("/")  # her start page shows what waits for her answer (issue 14 item 6)
    new = ulla.get_by_role("region", name="Ny remiss att svara på (1)")
    expect(new.get_by_role("link", name="Pia Persson")).to_have_attribute(
        "href", f"/remisser/{referral.pk}/"
    )
    assert_accessible(ulla)
    ulla.goto("/remisser/")
    assert_accessible(ulla)
    ulla.get_by_role("link", name="Pia Persson").click()
    expect(ulla.get_by_text("Pia börjar i Mia Vidare.")).to_be_visible()
    assert_accessible(ulla)
    take_step(ulla, "Markera som mottagen")
    take_step(ulla, "Anta")
    page.goto(kims_view)
    expect(page.get_by_text("Antagen").first).to_be_visible()

    started_on = timezone.localdate() - timedelta(days=60)
    take_step(ulla, "Registrera start", Startdatum=started_on.isoformat())
    record_measurement(ulla, "vid start", "Arbetssökande")
    assert_accessible(ulla)
    page.goto(kims_view)
    expect(page.get_by_text("Påbörjad").first).to_be_visible()
    expect(page.get_by_text(f"Registrerad {timezone.localdate().isoformat()}")).to_be_visible()
    assert_accessible(page)

    # Later: Pia gets a job with a wage subsidy.
    ulla.goto(f"/remisser/{referral.pk}/")
    take_step(
        ulla,
        "Avsluta",
        Slutdatum=timezone.localdate().isoformat(),
        Avslutsorsak="Arbete med subvention",
    )
    record_measurement(ulla, "vid avslut", "Anställd med subvention")
    assert_accessible(ulla)
    page.goto(kims_view)
    expect(page.get_by_text("Arbete med subvention")).to_be_visible()
    expect(page.get_by_text("Avslutad").first).to_be_visible()
    assert_accessible(page)
    context.close()

    referral.refresh_from_db()
    assert (referral.state, referral.exit_reason) == ("ended", "work_subsidised")
    assert Decision.objects.get(referral=referral).meeting == council
    assert set(Measurement.objects.values_list("occasion", flat=True)) == {"entry", "exit"}
    steps = list(referral.events.values_list("to_state", flat=True))
    assert steps == ["sent", "received", "accepted", "started", "ended"]
    assert Notice.objects.filter(user=cast.kim, kind=Kind.REFERRAL_CHANGED).count() == 4
