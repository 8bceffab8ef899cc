"""Min plan in a real browser: Pia logs in to Min Samla with e-ID through the running provider,
sees the changed plan as a proposal waiting for her, approves it with e-ID (the provider's form
again) and sees it as agreed. axe-core checks each page at 390 and at 1280 px, and nothing
scrolls sideways on the phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from samla.mysamla.tests.person import claims, sub_of
from samla.people.tests.cast import build_cast
from samla.plans import actions
from samla.plans.models import Plan
from samla.plans.tests.matrix import build_agreed_plan

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
NEW_GOALS = "Jag vill börja arbeta halvtid, må bättre och träffa vänner."


def check_both_widths(page: Page, assert_accessible) -> None:
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size(DESKTOP)
    assert_accessible(page)


def identify(page: Page, number: str) -> None:
    """The provider's form: who one is, by ``sub`` (the claims were set for it)."""
    page.get_by_placeholder("sub").fill(sub_of(number))
    page.get_by_role("button", name="Authorize").click()


def test_pia_approves_the_proposal_with_e_id_and_sees_it_agreed(
    page: Page, assert_accessible, settings, live_server, oidc_provider
) -> None:
    settings.SAMLA_BASE_URL = live_server.url
    settings.SAMLA_OIDC_PROVIDERS = {"eid": oidc_provider.settings()["eid"]}
    cast = build_cast()
    plan = build_agreed_plan(cast).plan
    plan = actions.update_plan(
        plan,
        actor=cast.kim,
        version=plan.version,
        goals=NEW_GOALS,
        lead_organisation=cast.tyreso,
        follow_up_date=plan.follow_up_date,
    )
    plan = actions.invite(plan, actor=cast.kim, version=plan.version)
    actions.confirm_plan(plan, actor=cast.kim, version=plan.version)
    actions.confirm_plan(plan, actor=cast.fia, version=plan.version)
    number = cast.pia.id_number
    oidc_provider.set_user(sub_of(number), claims(number))
    page.route(re.compile(r"^https://"), lambda route: route.abort())
    page.set_default_timeout(30_000)  # the first page of a run starts the live server's work

    page.goto("/min-samla/logga-in/")
    page.get_by_role("link", name="Logga in med e-legitimation").click()
    identify(page, number)
    expect(page.get_by_role("heading", name="Hej Pia!")).to_be_visible()

    page.get_by_role("link", name="Min plan").first.click()
    proposal = page.locator(f"#proposal-{cast.pia.pk}")
    expect(
        proposal.get_by_role("heading", name="Förslag som väntar på ditt godkännande")
    ).to_be_visible()
    expect(proposal.get_by_text(NEW_GOALS)).to_be_visible()
    check_both_widths(page, assert_accessible)

    page.get_by_role("button", name="Godkänn med e-legitimation").click()
    identify(page, number)
    expect(page.get_by_text("Du har godkänt planen. Nu är den överenskommen.")).to_be_visible()
    expect(page.locator(f"#proposal-{cast.pia.pk}")).to_have_count(0)
    agreed = page.locator(f"#agreed-{cast.pia.pk}")
    expect(agreed.get_by_text("Överenskommen", exact=True)).to_be_visible()
    expect(agreed.get_by_text(NEW_GOALS)).to_be_visible()
    check_both_widths(page, assert_accessible)
    plan.refresh_from_db()
    assert plan.state == Plan.State.AGREED

    page.get_by_role("link", name="Avsluta planen").click()
    check_both_widths(page, assert_accessible)
