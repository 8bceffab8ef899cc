"""The permission matrix for a provider's pages (``PROVIDER_SCOPED_NAMESPACES`` in
samla/web/tests/routes.py): only the provider's activity staff, Ulla at Arbetsmarknadsenheten
Södertörn, opens them; nobody in the cast does, and a refused request changes nothing.

The cast and the referral setting (samla/referrals/tests/builders.py) are built once for this
module; each test runs in a savepoint rolled back after it (``module_db`` in samla/conftest.py).
"""

from __future__ import annotations

import copy

import pytest
from django.test import Client

from samla.people.tests.cast import Cast, sign_in
from samla.referrals.tests.builders import Setting
from samla.referrals.tests.builders import build as referral_setting
from samla.web.tests.routes import PROVIDER_ROUTES, REFUSED, Route, person_data_state

pytestmark = pytest.mark.usefixtures("db", "module_cast", "module_setting")


@pytest.fixture(scope="module")
def module_setting(module_cast: Cast) -> Setting:
    return referral_setting(module_cast)


@pytest.fixture
def setting(module_setting: Setting) -> Setting:
    return copy.deepcopy(module_setting)


def test_the_walk_finds_the_provider_routes() -> None:
    assert {"provider:attendance"} <= {r.name for r in PROVIDER_ROUTES}


@pytest.mark.parametrize("who", [*REFUSED, "kim", "fia"])
@pytest.mark.parametrize("route", PROVIDER_ROUTES, ids=lambda r: r.name)
def test_a_providers_pages_are_for_its_activity_staff(
    route: Route, who: str, cast: Cast, client: Client, setting: Setting
) -> None:
    url = route.url({"activity_pk": setting.activity.pk})
    sign_in(client, cast.everyone()[who])
    before = person_data_state()
    statuses = [client.get(url).status_code, client.post(url, {"x": "1"}).status_code]
    assert set(statuses) <= {404, 405} and 404 in statuses, (route.name, who, statuses)
    assert person_data_state() == before
    client.logout()
    assert client.get(url)["Location"].startswith("/konto/logga-in/")
    sign_in(client, setting.ulla)
    assert client.get(url).status_code == 200, route.name
