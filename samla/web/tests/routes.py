"""The routes the permission matrix walks, found in the URLconf, so a new URL is covered the day
it is added; grouped by what their parameters point at. The matrix is three modules, one per
kind of record behind the parameters, each building its records once (``module_db`` in
samla/conftest.py): test_permission_matrix.py (Pia's records, and the pages without parameters),
test_permission_matrix_associations.py (another association's records) and
test_permission_matrix_providers.py (a provider's activity).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from samla.audit.models import AuditEvent
from samla.people.models import Consent, TeamMember

SKIPPED_NAMESPACES = {"admin"}  # Django admin: staff only, and our users are not staff
SKIPPED_ROUTES = {"set_language", "accounts:logout", "accounts:login", "web:healthz"}
# Open without login by design: a survey round's shared link (samla/surveys/tests cover it).
SKIPPED_ROUTES |= {"survey_answer:answer"}
# Open without login by design: the start and the answer of a login with e-ID, by provider
# name (samla/accounts/tests/test_eid_login.py covers them).
SKIPPED_ROUTES |= {"accounts:eid_start", "accounts:eid_callback"}
# Open without login by design: Min Samla's login page, and the start and the answer of a
# person's login with e-ID (samla/mysamla/tests/test_door.py covers them).
SKIPPED_ROUTES |= {"mysamla:login", "mysamla:eid_start", "mysamla:eid_callback"}
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


# Namespaces whose parametrised routes are about an organisation's administration, not
# participants: their pk is a user's or a culling run's, and only the organisation administrator
# of that organisation may open them (samla/retention/tests/test_culling.py: another
# organisation's administrator gets 404 too).
USER_SCOPED_NAMESPACES = {"accounts", "retention"}
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
# Routes of other namespaces that are about an association's own records all the same: the
# culling protocols an association keeps (samla/retention), without persons.
ASSOCIATION_SCOPED_ROUTES = {"retention:association_protocols"}
# Namespaces whose parametrised routes are about one of a provider's activities (its attendance
# register): only the provider's activity staff may open them, nobody in the cast.
PROVIDER_SCOPED_NAMESPACES = {"provider"}
# Min Samla: the person's own pages. Only the person signed in reaches them, and only their own
# records (test_permission_matrix_persons.py); every member of staff gets 404.
PERSON_NAMESPACES = {"mysamla"}


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


ALL_ROUTES = [r for r in walk(get_resolver().url_patterns) if r.name not in SKIPPED_ROUTES]
PERSON_ROUTES = [r for r in ALL_ROUTES if r.name.split(":")[0] in PERSON_NAMESPACES]
ROUTES = [r for r in ALL_ROUTES if r not in PERSON_ROUTES]  # staff routes
ASSOCIATION_ROUTES = [
    r
    for r in ROUTES
    if r.params
    and (
        r.name.split(":")[0] in ASSOCIATION_SCOPED_NAMESPACES or r.name in ASSOCIATION_SCOPED_ROUTES
    )
]
USER_ROUTES = [
    r
    for r in ROUTES
    if r.params and r.name.split(":")[0] in USER_SCOPED_NAMESPACES and r not in ASSOCIATION_ROUTES
]
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


def person_data_state() -> tuple[int, int, int, int]:
    """What a refused request must leave as it was: the log of looks at people, withdrawals of
    consent, the teams."""
    return (
        AuditEvent.objects.filter(participant_id__isnull=False).count(),
        Consent.objects.filter(withdrawn_at__isnull=False).count(),
        TeamMember.objects.current().count(),
        TeamMember.objects.count(),
    )
