"""Every route, every member of the cast: who gets what (docs/domain.md R1-R3, ADR 0002).

The routes are found by walking the URLconf, so a new URL is covered the day it is added. A route
whose path takes a parameter this test does not know fails the test. An app whose routes take
parameters of its own (a plan's pk, a story version) gives them in ``samla/<app>/tests/matrix.py``:

    def parameters(cast: Cast) -> dict[str, int | str]:   # builds what the routes point at, for Pia
    READABLE_WITH_CONSENT: set[str]                 # GET routes a consenting handler may open
    OWNED_BY_KIM: set[str]        # optional: routes to Kim's own record, 404 for everyone else

A route that is not about a participant belongs in ``USER_SCOPED_NAMESPACES`` or
``ASSOCIATION_SCOPED_NAMESPACES`` (an association's own records, such as its activities, which are
not person data) or needs its own test.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from samla.activities.tests.builders import other_association
from samla.audit.models import AuditEvent
from samla.people.models import Consent, TeamMember
from samla.people.tests.cast import Cast, sign_in
from samla.referrals.tests.builders import build as referral_setting

SKIPPED_NAMESPACES = {"admin"}  # Django admin: staff only, and our users are not staff
SKIPPED_ROUTES = {"set_language", "accounts:logout", "accounts:login", "web:healthz"}
# Open without login by design: a survey round's shared link (samla/surveys/tests cover it).
SKIPPED_ROUTES |= {"survey_answer:answer"}
# Roles that must never see Pia, on any route.
REFUSED = ["wera", "nils", "tove", "olle", "bodil"]


def matrix_modules() -> list[ModuleType]:
    modules = []
    for config in apps.get_app_configs():
        if config.name.startswith("samla."):
            try:
                modules.append(importlib.import_module(f"{config.name}.tests.matrix"))
            except ModuleNotFoundError:
                continue
    return modules


READABLE_WITH_CONSENT = {"people:participant", "people:consent"}.union(
    *(getattr(module, "READABLE_WITH_CONSENT", set()) for module in matrix_modules())
)
# Routes to a record that is Kim's own rather than Pia's (an import job he uploaded): a consenting
# handler gets 404 there, like everyone else but Kim.
OWNED_BY_KIM: set[str] = set().union(
    *(getattr(module, "OWNED_BY_KIM", set()) for module in matrix_modules())
)


@pytest.fixture
def params(cast: Cast) -> dict[str, int | str]:
    """The value of every route parameter, all pointing at Pia's records."""
    values: dict[str, int | str] = {
        "pk": cast.pia.pk,
        "consent_pk": cast.consent_fk.pk,
        "member_pk": cast.fia_membership.pk,
    }
    for module in matrix_modules():
        values |= module.parameters(cast)
    return values


# Namespaces whose parametrised routes are about users, not participants: their pk is a user's,
# and only the organisation administrator of that user's organisation may open them.
USER_SCOPED_NAMESPACES = {"accounts"}
# Namespaces whose parametrised routes are about an association's own records (not person data):
# everyone with a role in that association may read them, nobody from another association may.
ASSOCIATION_SCOPED_NAMESPACES = {
    "activities",
    "questions",
    "indicators",
    "surveys",
    "reports",
    "finance",
}


@dataclass(frozen=True)
class Route:
    name: str
    path: str  # with <param> placeholders
    params: tuple[str, ...]

    def url(self, params: dict[str, int | str]) -> str:
        url = "/" + self.path
        for param in self.params:
            url = url.replace(f"<{param}>", str(params[param]))
        assert "<" not in url, f"{self.name}: a parameter was left unfilled in {url}"
        return url


def walk(
    patterns: list[URLPattern | URLResolver],
    prefix: str = "",
    namespace: str = "",
    outer: tuple[str, ...] = (),
) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern.pattern, RegexPattern):
            continue  # only the development server's static files are routed by regex
        route = str(pattern.pattern)
        # An include's own parameters (deltagare/<int:pk>/plan/) belong to every route inside it.
        params = (*outer, *pattern.pattern.converters)
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            if ns in SKIPPED_NAMESPACES:
                continue
            full_ns = ":".join(p for p in (namespace, pattern.namespace) if p)
            yield from walk(pattern.url_patterns, prefix + route, full_ns, params)
        else:
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            clean = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", prefix + route)
            yield Route(name=name, path=clean, params=params)


ROUTES = [r for r in walk(get_resolver().url_patterns) if r.name not in SKIPPED_ROUTES]
USER_ROUTES = [r for r in ROUTES if r.params and r.name.split(":")[0] in USER_SCOPED_NAMESPACES]
ASSOCIATION_ROUTES = [
    r for r in ROUTES if r.params and r.name.split(":")[0] in ASSOCIATION_SCOPED_NAMESPACES
]
# Namespaces whose parametrised routes are about one of a provider's activities (its attendance
# register): only the provider's activity staff may open them, nobody in the cast.
PROVIDER_SCOPED_NAMESPACES = {"provider"}
PROVIDER_ROUTES = [
    r for r in ROUTES if r.params and r.name.split(":")[0] in PROVIDER_SCOPED_NAMESPACES
]
PARTICIPANT_ROUTES = [
    r
    for r in ROUTES
    if r.params
    and r not in USER_ROUTES
    and r not in ASSOCIATION_ROUTES
    and r not in PROVIDER_ROUTES
]
PLAIN_ROUTES = [r for r in ROUTES if not r.params]


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
    route: Route, who: str, cast: Cast, client: Client, params: dict[str, int | str]
) -> None:
    sign_in(client, cast.everyone()[who])
    url = "/" + route.path.replace("<pk>", str(cast.kim.pk))
    statuses = [client.get(url).status_code, client.post(url, {"first_name": "X"}).status_code]
    assert set(statuses) <= {404, 405} and 404 in statuses, (route.name, who, statuses)
    cast.kim.refresh_from_db()
    assert cast.kim.first_name == "Kim" and cast.kim.is_active


def test_the_walk_finds_the_association_routes() -> None:
    assert {"activities:detail", "activities:year_edit"} <= {r.name for r in ASSOCIATION_ROUTES}


@pytest.mark.parametrize("who", ["kim", "fia", "olle", "bodil"])
@pytest.mark.parametrize("route", ASSOCIATION_ROUTES, ids=lambda r: r.name)
def test_another_associations_records_are_not_found(
    route: Route, who: str, cast: Cast, client: Client
) -> None:
    elsewhere = other_association(cast)
    activity = elsewhere.activity
    values: dict[str, int | str] = {"pk": activity.pk, "year": activity.starts_on.year}
    for module in matrix_modules():  # an app's other association records, in Norrbygden
        if hasattr(module, "association_parameters"):
            values |= module.association_parameters(elsewhere)
    url = route.url(values)
    sign_in(client, cast.everyone()[who])
    before = (AuditEvent.objects.count(), activity.version, activity.years.count())
    statuses = [client.get(url).status_code, client.post(url, {"name": "X"}).status_code]
    assert set(statuses) <= {404, 405} and 404 in statuses, (route.name, who, statuses)
    activity.refresh_from_db()
    assert (AuditEvent.objects.count(), activity.version, activity.years.count()) == before
    client.logout()
    assert client.get(url)["Location"].startswith("/konto/logga-in/")
    sign_in(client, elsewhere.greta)
    assert client.get(url).status_code == 200, route.name


def test_the_walk_finds_the_provider_routes() -> None:
    assert {"provider:attendance"} <= {r.name for r in PROVIDER_ROUTES}


@pytest.mark.parametrize("who", [*REFUSED, "kim", "fia"])
@pytest.mark.parametrize("route", PROVIDER_ROUTES, ids=lambda r: r.name)
def test_a_providers_pages_are_for_its_activity_staff(
    route: Route, who: str, cast: Cast, client: Client
) -> None:
    setting = referral_setting(cast)
    url = route.url({"activity_pk": setting.activity.pk})
    sign_in(client, cast.everyone()[who])
    before = _state()
    statuses = [client.get(url).status_code, client.post(url, {"x": "1"}).status_code]
    assert set(statuses) <= {404, 405} and 404 in statuses, (route.name, who, statuses)
    assert _state() == before
    client.logout()
    assert client.get(url)["Location"].startswith("/konto/logga-in/")
    sign_in(client, setting.ulla)
    assert client.get(url).status_code == 200, route.name


@pytest.mark.parametrize("route", PARTICIPANT_ROUTES, ids=lambda r: r.name)
def test_anonymous_visitor_is_sent_to_login(
    route: Route, cast: Cast, client: Client, params: dict[str, int | str]
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
    before = _state()
    statuses = [
        method(route.url(params), {"reason": "x", "user": str(cast.nils.pk)}).status_code
        for method in (client.get, client.post)
    ]
    # 405 only for the method the route does not take; the one it takes must answer 404.
    assert set(statuses) <= {404, 405} and 404 in statuses, (route.name, who, statuses)
    assert _state() == before


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


def _state() -> tuple[int, int, int, int]:
    return (
        AuditEvent.objects.filter(participant_id__isnull=False).count(),
        Consent.objects.filter(withdrawn_at__isnull=False).count(),
        TeamMember.objects.current().count(),
        TeamMember.objects.count(),
    )
