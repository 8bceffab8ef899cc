"""The person as a role in the permission matrix (issue 16, part 3): Min Samla's routes, found by
walking the URLconf like the staff routes, against every member of the cast and another person.

- Pia, signed in to Min Samla, reaches every one of her own routes;
- Per, another participant signed in to Min Samla, reaches none of Pia's records: 404 on every
  route that takes a parameter, and Pia's name and number on no page;
- every member of staff gets 404 on every route of Min Samla, and a visitor is sent to Min
  Samla's own login;
- and a person gets 404 on every staff route (test_permission_matrix.py walks those with Pia's
  parameters: test_a_person_reaches_no_staff_route).
"""

from __future__ import annotations

import pytest
from django.test import Client

from samla.mysamla.tests.person import another_participant, enter_as
from samla.people.models import Participant
from samla.people.tests.cast import Cast, sign_in
from samla.web.tests.routes import PERSON_ROUTES, Route, matrix_modules, person_data_state

pytestmark = pytest.mark.usefixtures("db", "module_cast", "params")

STAFF = ["kim", "fia", "wera", "nils", "tove", "olle", "bodil"]
PARAMETRISED = [r for r in PERSON_ROUTES if r.params]


@pytest.fixture(scope="module")
def params(module_cast: Cast) -> dict[str, int | str]:
    values: dict[str, int | str] = {"pk": module_cast.pia.pk}
    for module in matrix_modules():
        values |= module.parameters(module_cast)
    return values


@pytest.fixture
def per(cast: Cast) -> Participant:
    return another_participant(cast)


def test_the_walk_finds_min_samla() -> None:
    assert {"mysamla:start", "mysamla:logout"} <= {r.name for r in PERSON_ROUTES}


def test_every_parameter_is_known(params: dict[str, int | str]) -> None:
    for route in PERSON_ROUTES:
        unknown = set(route.params) - set(params)
        assert not unknown, f"{route.name} takes {unknown}: give it in the app's tests/matrix.py"


@pytest.mark.parametrize("route", PERSON_ROUTES, ids=lambda r: r.name)
def test_the_person_reaches_every_route_of_their_own(
    route: Route, cast: Cast, client: Client, params: dict[str, int | str]
) -> None:
    enter_as(client, cast.pia)
    response = client.get(route.url(params))
    assert response.status_code in (200, 302, 405), (route.name, response.status_code)


@pytest.mark.parametrize("route", PERSON_ROUTES, ids=lambda r: r.name)
def test_a_visitor_is_sent_to_min_samlas_login(
    route: Route, client: Client, params: dict[str, int | str]
) -> None:
    for method in (client.get, client.post):
        response = method(route.url(params))
        assert response.status_code == 302, (route.name, response.status_code)
        assert response["Location"].startswith("/min-samla/logga-in/")


@pytest.mark.parametrize("who", STAFF)
@pytest.mark.parametrize("route", PERSON_ROUTES, ids=lambda r: r.name)
def test_staff_get_not_found_on_min_samla(
    route: Route, who: str, cast: Cast, client: Client, params: dict[str, int | str]
) -> None:
    sign_in(client, cast.everyone()[who])
    before = person_data_state()
    statuses = [method(route.url(params)).status_code for method in (client.get, client.post)]
    assert set(statuses) == {404}, (route.name, who, statuses)
    assert person_data_state() == before


@pytest.mark.parametrize("route", PARAMETRISED, ids=lambda r: r.name)
def test_another_person_gets_not_found_on_pias_records_and_changes_nothing(
    route: Route, cast: Cast, per: Participant, client: Client, params: dict[str, int | str]
) -> None:
    enter_as(client, per)
    before = person_data_state()
    statuses = [
        method(route.url(params), {"reason": "x", "text": "x"}).status_code
        for method in (client.get, client.post)
    ]
    assert set(statuses) <= {404, 405} and 404 in statuses, (route.name, statuses)
    assert person_data_state() == before


@pytest.mark.parametrize("route", [r for r in PERSON_ROUTES if not r.params], ids=lambda r: r.name)
def test_another_persons_pages_never_show_pia(
    route: Route, cast: Cast, per: Participant, client: Client, params: dict[str, int | str]
) -> None:
    enter_as(client, per)
    response = client.get(route.url(params))
    assert response.status_code in (200, 302, 405), (route.name, response.status_code)
    body = response.content.decode(errors="replace")
    assert cast.pia.last_name not in body
    assert cast.pia.formatted_id_number not in body
