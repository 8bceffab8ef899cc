"""Every route, every member of the cast: who gets what (docs/domain.md R1-R3, ADR 0002).

The routes are found by walking the URLconf (samla/web/tests/routes.py), so a new URL is covered
the day it is added. A route whose path takes a parameter this test does not know fails the test.
An app whose routes take parameters of its own (a plan's pk, a story version) gives them in
``samla/<app>/tests/matrix.py``:

    def parameters(cast: Cast) -> dict[str, int | str]:   # builds what the routes point at, for Pia
    READABLE_WITH_CONSENT: set[str]                 # GET routes a consenting handler may open
    OWNED_BY_KIM: set[str]        # optional: routes to Kim's own record, 404 for everyone else

A route that is not about a participant belongs in ``USER_SCOPED_NAMESPACES`` or
``ASSOCIATION_SCOPED_NAMESPACES`` (an association's own records, such as its activities, which are
not person data; test_permission_matrix_associations.py walks them) or needs its own test.

The cast and every app's parameters are built once for this module; each test runs in a savepoint
rolled back after it (``module_db`` in samla/conftest.py), so each starts from the same rows.
"""

from __future__ import annotations

import pytest
from django.test import Client

from samla.mysamla.tests.person import enter_as
from samla.people.tests.cast import Cast, sign_in
from samla.web.tests.routes import (
    PARTICIPANT_ROUTES,
    PLAIN_ROUTES,
    REFUSED,
    USER_ROUTES,
    Route,
    matrix_modules,
    person_data_state,
)

READABLE_WITH_CONSENT = {"people:participant", "people:consent"}.union(
    *(getattr(module, "READABLE_WITH_CONSENT", set()) for module in matrix_modules())
)
# Routes to a record that is Kim's own rather than Pia's (an import job he uploaded): a consenting
# handler gets 404 there, like everyone else but Kim.
OWNED_BY_KIM: set[str] = set().union(
    *(getattr(module, "OWNED_BY_KIM", set()) for module in matrix_modules())
)

# Every test here sees the cast and the records behind the parameters, built before the first.
pytestmark = pytest.mark.usefixtures("db", "module_cast", "params")


@pytest.fixture(scope="module")
def params(module_cast: Cast) -> dict[str, int | str]:
    """The value of every route parameter, all pointing at Pia's records."""
    values: dict[str, int | str] = {
        "pk": module_cast.pia.pk,
        "consent_pk": module_cast.consent_fk.pk,
        "member_pk": module_cast.fia_membership.pk,
    }
    for module in matrix_modules():
        values |= module.parameters(module_cast)
    return values


def test_the_walk_finds_the_participant_routes() -> None:
    names = {r.name for r in PARTICIPANT_ROUTES}
    assert {"people:participant", "people:consent", "people:team", "oversight:extract"} <= names


def test_every_parameter_is_known(params: dict[str, int | str]) -> None:
    for route in PARTICIPANT_ROUTES:
        unknown = set(route.params) - set(params)
        assert not unknown, f"{route.name} takes {unknown}: give it in the app's tests/matrix.py"


@pytest.mark.parametrize("who", [*REFUSED, "kim", "fia"])
@pytest.mark.parametrize("route", USER_ROUTES, ids=lambda r: r.name)
def test_user_administration_is_for_organisation_administrators_only(
    route: Route, who: str, cast: Cast, client: Client
) -> None:
    sign_in(client, cast.everyone()[who])
    url = "/" + route.path.replace("<pk>", str(cast.kim.pk))
    statuses = [client.get(url).status_code, client.post(url, {"first_name": "X"}).status_code]
    assert set(statuses) <= {404, 405} and 404 in statuses, (route.name, who, statuses)
    cast.kim.refresh_from_db()
    assert cast.kim.first_name == "Kim" and cast.kim.is_active


@pytest.mark.parametrize("route", PARTICIPANT_ROUTES, ids=lambda r: r.name)
def test_anonymous_visitor_is_sent_to_login(
    route: Route, client: Client, params: dict[str, int | str]
) -> None:
    for method in (client.get, client.post):
        response = method(route.url(params))
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/logga-in/")


@pytest.mark.parametrize("who", REFUSED)
@pytest.mark.parametrize("route", PARTICIPANT_ROUTES, ids=lambda r: r.name)
def test_refused_users_get_not_found_and_change_nothing(
    route: Route, who: str, cast: Cast, client: Client, params: dict[str, int | str]
) -> None:
    sign_in(client, cast.everyone()[who])
    before = person_data_state()
    statuses = [
        method(route.url(params), {"reason": "x", "user": str(cast.nils.pk)}).status_code
        for method in (client.get, client.post)
    ]
    # 405 only for the method the route does not take; the one it takes must answer 404.
    assert set(statuses) <= {404, 405} and 404 in statuses, (route.name, who, statuses)
    assert person_data_state() == before


@pytest.mark.parametrize("route", PARTICIPANT_ROUTES, ids=lambda r: r.name)
def test_the_coordinator_reaches_every_participant_route(
    route: Route, cast: Cast, client: Client, params: dict[str, int | str]
) -> None:
    sign_in(client, cast.kim)
    response = client.get(route.url(params))
    assert response.status_code in (200, 405), (route.name, response.status_code)


@pytest.mark.parametrize("route", PARTICIPANT_ROUTES, ids=lambda r: r.name)
def test_a_consenting_handler_reads_but_does_not_manage(
    route: Route, cast: Cast, client: Client, params: dict[str, int | str]
) -> None:
    sign_in(client, cast.fia)
    response = client.get(route.url(params))
    if route.name in READABLE_WITH_CONSENT:
        assert response.status_code == 200
    elif route.name in OWNED_BY_KIM:
        assert response.status_code == 404, (route.name, response.status_code)
    else:
        assert response.status_code in (403, 405), (route.name, response.status_code)


@pytest.mark.parametrize("who", REFUSED)
@pytest.mark.parametrize("route", PLAIN_ROUTES, ids=lambda r: r.name)
def test_lists_and_pages_never_show_a_refused_user_the_person(
    route: Route, who: str, cast: Cast, client: Client, params: dict[str, int | str]
) -> None:
    sign_in(client, cast.everyone()[who])
    response = client.get(route.url(params), {"q": "Pia"})
    assert response.status_code in (200, 302, 403, 404, 405), (route.name, response.status_code)
    body = response.content.decode()
    assert "Persson" not in body
    assert cast.pia.formatted_id_number not in body


@pytest.mark.parametrize("route", [*PARTICIPANT_ROUTES, *PLAIN_ROUTES], ids=lambda r: r.name)
def test_a_person_reaches_no_staff_route(
    route: Route, cast: Cast, client: Client, params: dict[str, int | str]
) -> None:
    """Pia, signed in to Min Samla, gets 404 on every staff page, her own records' included."""
    enter_as(client, cast.pia)
    before = person_data_state()
    statuses = [method(route.url(params)).status_code for method in (client.get, client.post)]
    assert set(statuses) == {404}, (route.name, statuses)
    assert person_data_state() == before
