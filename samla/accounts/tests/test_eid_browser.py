"""e-ID in the browser: the demo's button on the login page, the running provider's form where
one picks a demo staff member, and the start page, signed in without a code (ADR 0014)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from samla.accounts.models import Role
from samla.accounts.tests.factories import AssociationFactory, OrganisationFactory, UserFactory
from samla.accounts.tests.oidc import RunningProvider
from samla.demo.logins import DEMO_USERS, identity_number

pytestmark = pytest.mark.browser

DEMO_LABEL = "Logga in med e-legitimation (demo)"


def test_a_demo_staff_member_signs_in_through_the_running_provider(
    page, assert_accessible, settings, live_server, oidc_provider: RunningProvider
) -> None:
    settings.SAMLA_REQUIRE_MFA = True
    settings.SAMLA_BASE_URL = live_server.url
    demo = oidc_provider.settings()["eid"] | {"label": DEMO_LABEL}
    settings.SAMLA_OIDC_PROVIDERS = {"demo": demo}
    emma = next(u for u in DEMO_USERS if u.username == "koordinator.tyreso")
    tyreso = OrganisationFactory.create(name=emma.organisation)
    UserFactory.create(
        username=emma.username,
        first_name=emma.first_name,
        last_name=emma.last_name,
        organisation=tyreso,
        identity_number=identity_number(emma),
        roles=[(Role.COORDINATOR, AssociationFactory.create(members=[tyreso]))],
        second_factor=True,
    )
    # The provider's page asks a CDN for its style sheet; the tests run without the internet.
    page.route(re.compile(r"^https://"), lambda route: route.abort())

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/konto/logga-in/")
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("link", name=DEMO_LABEL).click()
    page.get_by_role("button", name=f"demo-{emma.username}").click()

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_text(f"{emma.first_name} {emma.last_name}").first).to_be_visible()
    assert_accessible(page)
