"""Min plan in a real browser: Pia logs in to Min Samla with e-ID through the running provider,
sees the changed plan as a proposal waiting for her, approves it with e-ID (the provider's form
again) and sees it as agreed. axe-core checks each page at 390 and at 1280 px, and nothing
scrolls sideways on the phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from samla.accounts.tests.oidc import RunningProvider
from samla.mysamla.tests.browser import at_provider, check_both_widths, log_in
from samla.people.tests.cast import build_cast
from samla.plans import actions
from samla.plans.models import Plan
from samla.plans.tests.matrix import build_agreed_plan

pytestmark = pytest.mark.browser

NEW_GOALS = "Jag vill börja arbeta halvtid, må bättre och träffa vänner."


def test_pia_approves_the_proposal_with_e_id_and_sees_it_agreed(
    page: Page, assert_accessible, min_samla: RunningProvider
) -> None:
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
    page.set_default_timeout(30_000)  # the first page of a run starts the live server's work

    log_in(page, min_samla, cast.pia)

    page.get_by_role("link", name="Min plan").first.click()
    proposal = page.locator(f"#proposal-{cast.pia.pk}")
    expect(
        proposal.get_by_role("heading", name="Förslag som väntar på ditt godkännande")
    ).to_be_visible()
    expect(proposal.get_by_text(NEW_GOALS)).to_be_visible()
    check_both_widths(page, assert_accessible)

    page.get_by_role("button", name="Godkänn med e-legitimation").click()
    at_provider(page, cast.pia.id_number)
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
