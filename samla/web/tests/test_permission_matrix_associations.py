"""The permission matrix for an association's own records (not person data, ADR 0002): on every
route of ``ASSOCIATION_SCOPED_NAMESPACES`` (samla/web/tests/routes.py), nobody in the cast, not
even Östra Södertörn's office or board, reaches Norrbygden's records, and Norrbygden's office,
Greta, does. An app gives the parameters for its records in Norrbygden as
``association_parameters(elsewhere)`` in ``samla/<app>/tests/matrix.py``.

The cast and Norrbygden's records are built once for this module; each test runs in a savepoint
rolled back after it (``module_db`` in samla/conftest.py).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest
from django.test import Client

from samla.activities.tests.builders import Elsewhere, other_association
from samla.audit.models import AuditEvent
from samla.people.tests.cast import Cast, sign_in
from samla.web.tests.routes import ASSOCIATION_ROUTES, Route, matrix_modules

pytestmark = pytest.mark.usefixtures("db", "module_cast", "module_norrbygden")


@dataclass
class Norrbygden:
    elsewhere: Elsewhere
    values: dict[str, int | str]  # every association route's parameters, for Norrbygden


@pytest.fixture(scope="module")
def module_norrbygden(module_cast: Cast) -> Norrbygden:
    elsewhere = other_association(module_cast)
    activity = elsewhere.activity
    values: dict[str, int | str] = {"pk": activity.pk, "year": activity.starts_on.year}
    for module in matrix_modules():  # an app's other association records, in Norrbygden
        if hasattr(module, "association_parameters"):
            values |= module.association_parameters(elsewhere)
    return Norrbygden(elsewhere=elsewhere, values=values)


@pytest.fixture
def norrbygden(module_norrbygden: Norrbygden) -> Norrbygden:
    return copy.deepcopy(module_norrbygden)


def test_the_walk_finds_the_association_routes() -> None:
    assert {"activities:detail", "activities:year_edit"} <= {r.name for r in ASSOCIATION_ROUTES}


@pytest.mark.parametrize("who", ["kim", "fia", "olle", "bodil"])
@pytest.mark.parametrize("route", ASSOCIATION_ROUTES, ids=lambda r: r.name)
def test_another_associations_records_are_not_found(
    route: Route, who: str, cast: Cast, client: Client, norrbygden: Norrbygden
) -> None:
    activity = norrbygden.elsewhere.activity
    url = route.url(norrbygden.values)
    sign_in(client, cast.everyone()[who])
    before = (AuditEvent.objects.count(), activity.version, activity.years.count())
    statuses = [client.get(url).status_code, client.post(url, {"name": "X"}).status_code]
    assert set(statuses) <= {404, 405} and 404 in statuses, (route.name, who, statuses)
    activity.refresh_from_db()
    assert (AuditEvent.objects.count(), activity.version, activity.years.count()) == before
    client.logout()
    assert client.get(url)["Location"].startswith("/konto/logga-in/")
    sign_in(client, norrbygden.elsewhere.greta)
    assert client.get(url).status_code == 200, route.name
