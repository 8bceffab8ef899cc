"""Who reaches the association's money, route by route (the routes found by walking the URLconf,
so a new finance route is covered the day it is added): the office reads and keeps everything;
the board reads the index, the association, the years, the cost report and the decisions, and is
refused every change with 403; everyone else in the association, and the office of another
association, gets 404 as if nothing were there, and changes nothing; an anonymous visitor is
sent to log in."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from samla.accounts.models import Role, User
from samla.activities.models import Activity
from samla.activities.tests.builders import individual, other_association
from samla.audit.models import AuditEvent
from samla.finance.models import (
    BudgetLine,
    Decision,
    FinancialYear,
    MunicipalShare,
    OtherIncome,
)
from samla.finance.tests.matrix import records
from samla.people.tests.cast import Cast, sign_in, user
from samla.web.tests.routes import ROUTES, Route

FINANCE_ROUTES = [r for r in ROUTES if r.name.startswith("finance:")]
READ_ROUTES = {
    "finance:index",
    "finance:association",
    "finance:year",
    "finance:cost_report",
    "finance:decisions",
}
WRITE_ROUTES = [r for r in FINANCE_ROUTES if r.name not in READ_ROUTES]
GET_ONLY = {
    "finance:index",
    "finance:association",
    "finance:year",
    "finance:cost_report",
    "finance:actuals_template",
}
# Everyone in Östra Södertörn but its office and board, and the office of another association.
REFUSED = ["kim", "fia", "wera", "nils", "tove", "ulla", "greta"]


def test_the_walk_finds_every_finance_route() -> None:
    names = {r.name for r in FINANCE_ROUTES}
    assert names > READ_ROUTES
    assert {
        "finance:open_year",
        "finance:contributions",
        "finance:add_income",
        "finance:remove_income",
        "finance:add_line",
        "finance:change_line",
        "finance:remove_decision",
        "finance:import_actuals",
        "finance:actuals_template",
    } < names
    assert len(WRITE_ROUTES) == len(names) - len(READ_ROUTES)


@dataclass
class Setting:
    params: dict[str, int | str]
    people: dict[str, User]

    def url(self, route: Route) -> str:
        return route.url(self.params)


@pytest.fixture(scope="module")
def module_setting(module_cast: Cast) -> Setting:
    cast = module_cast
    activity = individual(cast)
    params = records(cast.association, actor=cast.olle, activity=activity, year=2026)
    staff = user("ulla", "Ulla", "Utförare", cast.tyreso, (Role.ACTIVITY_STAFF, cast.association))
    people = cast.everyone() | {"ulla": staff, "greta": other_association(cast).greta}
    return Setting(params=params, people=people)


@pytest.fixture
def setting(module_setting: Setting) -> Setting:
    return copy.deepcopy(module_setting)


# The cast and the setting are built once for the module, each test in a savepoint rolled back
# after it (module_db in samla/conftest.py).
pytestmark = pytest.mark.usefixtures("db", "module_cast", "module_setting")


def posted(cast: Cast, route: Route | None = None) -> dict[str, Any]:
    """A post every finance form would take from the office: refusing it means something."""
    income = route is not None and route.name == "finance:add_income"
    return {
        "year": "2027",
        "version": "1",
        "contributions": "1 000 000",
        "state_share": "50",
        "region_share": "25",
        "municipal_share": "25",
        "municipal_key": "population",
        f"key_{cast.tyreso.pk}": "49000",
        "carried_over": "0",
        "kind": "esf" if income else "administration",
        "description": "Nytt bidrag",
        "amount": "1 000",
        "name": "Revision",
        "code": "7020",
        "budget": "80 000",
        "actual": "",
        "decided_on": timezone.localdate().isoformat(),
        "text": "Ett beslut",
    }


def state() -> tuple[object, ...]:
    return (
        list(FinancialYear.objects.order_by("pk").values()),
        list(MunicipalShare.objects.order_by("pk").values()),
        list(BudgetLine.objects.order_by("pk").values()),
        list(OtherIncome.objects.order_by("pk").values()),
        list(Decision.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("who", REFUSED)
@pytest.mark.parametrize("route", FINANCE_ROUTES, ids=lambda r: r.name)
def test_anyone_but_the_office_and_the_board_gets_not_found_and_changes_nothing(
    route: Route, who: str, cast: Cast, client: Client, setting: Setting
) -> None:
    sign_in(client, setting.people[who])
    before = state()
    url = setting.url(route)
    got = client.get(url)
    statuses = [got.status_code, client.post(url, posted(cast, route)).status_code]
    if route.name == "finance:index" and who == "greta":  # her own association's money
        statuses[0] = 404 if got["Location"] != f"/ekonomi/{cast.association.pk}/" else 200
    # 405 only for the method the route does not take; the one it takes answers 404.
    assert set(statuses) <= {404, 405} and 404 in statuses, (route.name, who, statuses)
    assert state() == before


@pytest.mark.parametrize("route", FINANCE_ROUTES, ids=lambda r: r.name)
def test_the_board_reads_but_every_change_is_forbidden(
    route: Route, cast: Cast, client: Client, setting: Setting
) -> None:
    sign_in(client, cast.bodil)
    before = state()
    url = setting.url(route)
    got, post = client.get(url), client.post(url, posted(cast, route))
    if route.name == "finance:index":  # one association: straight to it
        assert got["Location"] == f"/ekonomi/{cast.association.pk}/"
        assert client.get(url, follow=True).status_code == 200
    elif route.name in READ_ROUTES:
        assert got.status_code == 200, route.name
    else:
        assert got.status_code == 403, (route.name, got.status_code)
    if route.name in GET_ONLY:
        assert post.status_code == 405, (route.name, post.status_code)
    else:
        assert post.status_code == 403, (route.name, post.status_code)
    assert state() == before


@pytest.mark.parametrize("route", FINANCE_ROUTES, ids=lambda r: r.name)
def test_the_office_opens_every_route_and_its_post_changes_something(
    route: Route, cast: Cast, client: Client, setting: Setting
) -> None:
    sign_in(client, cast.olle)
    url = setting.url(route)
    response = client.get(url, follow=route.name == "finance:index")
    assert response.status_code == 200, (route.name, response.status_code)
    before = state()
    response = client.post(url, posted(cast, route))
    if route.name in GET_ONLY:
        assert response.status_code == 405
        assert state() == before
    elif route.name == "finance:import_actuals":  # the same post has no file
        assert response.status_code == 422
        assert state() == before
    else:  # so the refusals above are not merely a form that would not validate
        assert response.status_code == 302, (route.name, response.status_code)
        assert state() != before, route.name


@pytest.mark.parametrize("route", FINANCE_ROUTES, ids=lambda r: r.name)
def test_an_anonymous_visitor_is_sent_to_log_in(
    route: Route, cast: Cast, client: Client, setting: Setting
) -> None:
    before = state()
    url = setting.url(route)
    for response in (client.get(url), client.post(url, posted(cast, route))):
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/logga-in/")
    assert state() == before


def test_records_are_found_only_under_their_own_association_and_year(
    cast: Cast, client: Client, setting: Setting
) -> None:
    """The office of Östra Södertörn, with Norrbygden's line, income and decision in its own
    addresses, and its own 2025 line under 2026: 404, nothing changed."""
    greta = setting.people["greta"]
    norrbygden = Activity.objects.get(association__short_name="Norrbygden")
    activity = individual(cast, name="Steget")
    theirs = records(norrbygden.association, actor=greta, activity=norrbygden, year=2025)
    earlier = records(cast.association, actor=cast.olle, activity=activity, year=2025)
    ours = f"/ekonomi/{cast.association.pk}/2026/"
    sign_in(client, cast.olle)
    before = state()
    for url in [
        ours + f"poster/{theirs['line_pk']}/",
        ours + f"poster/{earlier['line_pk']}/",
        ours + f"intakter/{theirs['income_pk']}/ta-bort/",
        ours + f"intakter/{earlier['income_pk']}/ta-bort/",
        f"/ekonomi/{cast.association.pk}/beslut/{theirs['decision_pk']}/ta-bort/",
        f"/ekonomi/{theirs['association_pk']}/beslut/{setting.params['decision_pk']}/ta-bort/",
        f"/ekonomi/{theirs['association_pk']}/2025/",
        f"/ekonomi/{cast.association.pk}/2024/",
    ]:
        statuses = [client.get(url).status_code, client.post(url, posted(cast)).status_code]
        assert statuses in ([404, 404], [404, 405]), (url, statuses)
    assert state() == before
