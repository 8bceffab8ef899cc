"""Kalla till möte in a real browser: Pia logs in to Min Samla with e-ID through the running
provider, calls a resource council with Försäkringskassan, her coordinator Kim summons it (the
staff's own actions), and Pia sees the time and the video link. axe-core checks each page at
390 and at 1280 px, and nothing scrolls sideways on the phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from samla.accounts.tests.oidc import RunningProvider
from samla.meetings import actions
from samla.meetings.models import Meeting
from samla.mysamla.tests.browser import check_both_widths, log_in
from samla.people.tests.cast import build_cast

pytestmark = pytest.mark.browser


def test_pia_calls_a_resource_council_and_sees_its_time_and_link_once_summoned(
    page: Page, assert_accessible, min_samla: RunningProvider
) -> None:
    cast = build_cast()

    log_in(page, min_samla, cast.pia)

    page.get_by_role("link", name="Mina möten").first.click()
    check_both_widths(page, assert_accessible)
    page.get_by_role("link", name="Kalla till möte").click()
    check_both_widths(page, assert_accessible)
    page.get_by_label("Ett resursråd").check()
    page.get_by_label("Försäkringskassan").check()
    page.get_by_label("Vad vill du ta upp på mötet?").fill("Jag vill att alla hör samma sak.")
    page.get_by_label("Vilken fråga vill du att mötet ska svara på?").fill(
        "Hur kan jag börja arbeta igen?"
    )
    page.get_by_label("När passar det dig?").fill("Förmiddagar")
    page.get_by_role("button", name="Skicka till din koordinator").click()
    expect(page.get_by_text("Din begäran är skickad till din koordinator.")).to_be_visible()
    expect(page.get_by_text("Din koordinator förbereder mötet och väljer en tid.")).to_be_visible()
    check_both_widths(page, assert_accessible)

    # Kim finds it with the worklist's requests and summons it, through the existing flow.
    meeting = Meeting.objects.get(requested_by_user__isnull=False)
    assert meeting.kind == Meeting.Kind.RESOURCE_COUNCIL and meeting.organiser == cast.kim
    summoned, _told = actions.summon(
        meeting,
        actor=cast.kim,
        version=meeting.version,
        starts_at=meeting.created_at + timedelta(days=7),
        duration_minutes=90,
        mode=Meeting.Mode.DIGITAL,
        place="",
    )

    page.reload()
    expect(page.get_by_text("Din koordinator har kallat till mötet.")).to_be_visible()
    expect(page.get_by_role("link", name=summoned.video_url)).to_be_visible()
    expect(page.get_by_role("link", name="Lägg in mötet i din kalender (.ics)")).to_be_visible()
    check_both_widths(page, assert_accessible)
