"""No hostile input makes Samla answer 5xx (issue 15 item 3): every form on every route, as a user
who may use it, refuses what it cannot read with a 4xx (or shows the form again), never a crash.

The routes are found by walking the URLconf (samla/web/tests/routes.py) with the parameters of the
permission matrix: Pia's records for Kim, Norrbygden's for its office Greta, the provider's
activity for Ulla, Kim's account for an organisation administrator. Each page is fetched once as
its owner and the forms on it read (fields with the values the page gave them); a route whose
form is on another page (a button posting to it) gets that form. Hypothesis then sends each form
back with some of its fields replaced by what an attacker would type: numbers of 26 to 40 digits,
negative numbers, ``1e309``, ``NaN``, NUL bytes, 10 000 characters, odd Unicode, two values for a
single field, nothing. A page is also sent common query parameters, and a route with no form
found (a POST that only htmx makes) common field names. Not tried: files made of the records
(PDFs, which take no input) and routes whose parameters the matrix does not give (it fails for
them itself). A last test puts an id of 26 digits in the path of every route that takes one.

The cast and the records are built once for this module; each example runs in a savepoint rolled
back after it, so that none sees what another did.
"""

from __future__ import annotations

import copy
import traceback
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import transaction
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samla.accounts.models import Role, RoleAssignment, User
from samla.mysamla.tests.person import enter_as, person_user
from samla.people.tests.cast import Cast, sign_in
from samla.plans.tests.test_worklist import add_people_with_plans
from samla.referrals.tests.builders import Setting
from samla.web.tests.routes import (
    ASSOCIATION_ROUTES,
    PARTICIPANT_ROUTES,
    PERSON_ROUTES,
    PLAIN_ROUTES,
    PROVIDER_ROUTES,
    ROUTES,
    USER_ROUTES,
    Route,
)
from samla.web.tests.test_permission_matrix import params  # noqa: F401 (a fixture)
from samla.web.tests.test_permission_matrix_associations import (  # noqa: F401 (a fixture)
    Norrbygden,
    module_norrbygden,
)
from samla.web.tests.test_permission_matrix_providers import module_setting  # noqa: F401

pytestmark = pytest.mark.usefixtures("db", "module_cast", "module_forms")

# Field names posted to a route on which no form was found (a button elsewhere, an htmx call).
COMMON_FIELDS = (
    *("next", "version", "pk", "id", "name", "q", "year", "status", "day", "month", "reference"),
    *("sida", "format", "table", "slag", "insats", "kommuner"),
)
# Pages that are files made of the records, taking no input (and slow to make).
FILES = (".pdf", "pdf/")
# Values an attacker types, besides generated ones.
HOSTILE = [
    "",
    "abc",
    "-1",
    "0",
    "1e309",
    "-1e309",
    "1e-400",
    "NaN",
    "Infinity",
    "\x00",
    "1\x00",
    "/\x00/",
    "//evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "/arbetslista/\r\nX: y",
    "9" * 27,
    "1" * 27 + ",50",
    "٣" * 30,  # Arabic-Indic digits: int() reads them
    "\u202e\u200b\ufeff",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "99999-01-01",
    "x" * 10_000,
    "9" * 10_000,
]
_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)  # no lone surrogates
_value = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(HOSTILE),  # twice: the known troublemakers more often than made-up ones
    st.integers(min_value=10**25, max_value=10**40).map(str),
    st.integers(max_value=-1).map(str),
    st.floats().map(str),
    _text,
)
_values = st.one_of(_value.map(lambda v: [v]), st.lists(_value, min_size=2, max_size=3))


@dataclass(frozen=True)
class Form:
    owner: str  # username
    action: str
    method: str  # "get" or "post"
    fields: tuple[tuple[str, tuple[str, ...]], ...]  # each name with the values the page gave


class _FormReader(HTMLParser):
    """The forms on a page, with the values of their fields as a browser would send them."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[tuple[str, str, dict[str, list[str]]]] = []
        self._form: tuple[str, str, dict[str, list[str]]] | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            action = urljoin(self.page, a.get("action") or self.page)
            self._form = (action, (a.get("method") or "get").lower(), {})
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        fields = self._form[2]
        name = a["name"]
        kind = a.get("type", "text").lower()
        if tag == "input" and kind in ("checkbox", "radio"):
            fields.setdefault(name, [])
            if "checked" in a:
                fields[name].append(a.get("value", "on"))
        elif tag == "input" and kind not in ("reset", "image", "file"):
            fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "button" and "value" in a:
            fields.setdefault(name, []).append(a["value"])
        elif tag == "select":
            fields.setdefault(name, [])
            self._select, self._first_option = name, None
        elif tag == "textarea":
            fields.setdefault(name, []).append("")
            self._textarea = name

    def _option(self, a: dict[str, str]) -> None:
        assert self._form is not None and self._select is not None
        if self._first_option is None:
            self._first_option = a.get("value", "")
        if "selected" in a:
            self._form[2][self._select].append(a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea is not None:
            self._form[2][self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select" and self._form is not None and self._select is not None:
            chosen = self._form[2][self._select]
            if not chosen and self._first_option is not None:
                chosen.append(self._first_option)
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _route_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


@dataclass
class Site:
    clients: dict[str, Client]  # signed in, by username
    forms: dict[str, list[Form]]  # by route name


def _owners(
    cast: Cast, norrbygden: Norrbygden, setting: Setting, admin: User, person: User
) -> Iterator[tuple[Route, str, User]]:
    """Each route with its URL and who may use it (plain pages: everyone who might; Min Samla:
    Pia herself)."""
    for route in PERSON_ROUTES:
        yield route, "", person
    for route in PARTICIPANT_ROUTES:
        yield route, "", cast.kim
    for route in ASSOCIATION_ROUTES:
        yield route, "association", norrbygden.elsewhere.greta
        if route.params == ("pk",):  # an individual activity's pages too (Greta's is structural)
            yield route, "individual", cast.olle
    for route in PROVIDER_ROUTES:
        yield route, "provider", setting.ulla
    for route in USER_ROUTES:
        yield route, "user", admin
    for route in PLAIN_ROUTES:
        for user in (cast.kim, cast.olle, setting.ulla, admin):
            yield route, "", user


@pytest.fixture(scope="module")
def module_forms(
    module_cast: Cast,
    params: dict[str, int | str],  # noqa: F811
    module_norrbygden: Norrbygden,  # noqa: F811
    module_setting: Setting,  # noqa: F811
) -> Site:
    """Every page fetched once by its owner, and the forms found on it, by the route they post
    to."""
    admin = User.objects.create_user(
        username="adam", first_name="Adam", last_name="Admin", organisation=module_cast.tyreso
    )
    RoleAssignment.objects.create(user=admin, role=Role.ORG_ADMIN, association=None)
    add_people_with_plans(module_cast, 1)  # the worklist's form to confirm a plan
    values: dict[str, dict[str, int | str]] = {
        "": params,
        "association": module_norrbygden.values,
        "provider": {"activity_pk": module_setting.activity.pk},
        "individual": {"pk": module_setting.activity.pk},
        "user": {"pk": module_cast.kim.pk},
    }
    clients: dict[str, Client] = {}
    forms: dict[str, list[Form]] = defaultdict(list)
    pia = person_user(module_cast.pia)
    owners = _owners(module_cast, module_norrbygden, module_setting, admin, pia)
    for route, scope, user in owners:
        if user.username not in clients:
            clients[user.username] = Client(raise_request_exception=False)
            if user.is_person:
                enter_as(clients[user.username], module_cast.pia)
            else:
                sign_in(clients[user.username], user)
        client = clients[user.username]
        if set(route.params) - set(values[scope]) or route.path.endswith(FILES):
            continue  # a parameter the matrix does not give (the matrix tests say so), a file
        url = route.url(values[scope])
        response = client.get(url)
        if response.status_code == 405:
            forms[route.name].append(Form(user.username, url, "post", ()))
        elif response.status_code < 400:  # its query parameters
            forms[route.name].append(Form(user.username, url, "get", ()))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        reader = _FormReader(url)
        reader.feed(response.content.decode())
        for action, method, fields in reader.forms:
            name = _route_name(action)
            if name is not None:
                found = tuple((field, tuple(given)) for field, given in fields.items())
                forms[name].append(Form(user.username, action, method, found))
    # The same form on many pages (a row per action) once per owner and method.
    unique = {
        name: list({(f.owner, f.method, f.fields): f for f in found}.values())[:4]
        for name, found in forms.items()
    }
    return Site(clients=clients, forms=unique)


def test_the_walk_finds_the_forms_of_the_reported_crashes(module_forms: Site) -> None:
    fields = {
        name: {f for form in found for f, _ in form.fields}
        for name, found in module_forms.forms.items()
    }
    assert "next" in fields["worklist:action_status"]
    assert {"next", "version"} <= fields["plans:confirm"]
    assert {"target_groups", "municipalities", "capacity"} <= fields["activities:create"]
    assert "planned_participants" in fields["activities:year_add"]


def _hostile(form: Form, data: st.DataObject) -> dict[str, list[str]]:
    sent = {name: list(given) for name, given in form.fields}
    names = sorted(sent) or list(COMMON_FIELDS)
    # One field (the others as the page gave them, so the view gets past them) or all at once.
    how = data.draw(st.sampled_from(["one", "one", "some", "all", "all"]), label="how")
    if how == "one":
        chosen = [data.draw(st.sampled_from(names), label="field")]
    elif how == "some":
        chosen = data.draw(
            st.lists(st.sampled_from(names), unique=True, min_size=1), label="fields"
        )
    else:
        chosen = names
    if how == "all":
        same = data.draw(_values, label="value")
        return sent | dict.fromkeys(chosen, same)
    return sent | {name: data.draw(_values, label=name) for name in chosen}


def _crash(response: HttpResponseBase) -> str:
    info = getattr(response, "exc_info", None)
    if info:
        return "".join(traceback.format_exception(*info))
    return f"{response.status_code} without an exception"


# Every route, in two halves: this module takes one, test_hostile_input_more.py the other, so
# that the two halves run side by side on two workers (each module goes whole to one).
HOSTILE_ROUTES = [*ROUTES, *PERSON_ROUTES]
EXAMPLES = 6  # hostile sends per route with a form of its own; 2 for a page with only a query


@pytest.mark.parametrize("route", HOSTILE_ROUTES[0::2], ids=lambda r: r.name)
def test_hostile_input_never_answers_5xx(route: Route, module_forms: Site) -> None:
    send_hostile(route, module_forms)


def send_hostile(route: Route, module_forms: Site) -> None:
    forms = module_forms.forms.get(route.name)
    if not forms:
        pytest.skip("no owner of this route was found (nothing to post to)")
    # A page without a form of its own is only tried with common query parameters: a few tries.
    tries = EXAMPLES if any(form.fields for form in forms) else 2

    @settings(
        max_examples=tries,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def send_hostile_values(data: st.DataObject) -> None:
        form = data.draw(st.sampled_from(forms), label="form")
        sent = _hostile(form, data)
        client = module_forms.clients[form.owner]
        cookies = copy.deepcopy(client.cookies)  # a request that signs out must not end the test
        headers = {"HX-Request": "true"} if data.draw(st.booleans(), label="htmx") else {}
        with transaction.atomic():
            send = client.get if form.method == "get" else client.post
            response = send(form.action, sent, headers=headers)
            transaction.set_rollback(True)
        client.cookies = cookies
        shown = {name: [v[:80] for v in values] for name, values in sent.items()}
        assert response.status_code < 500, (form.action, shown, _crash(response))

    send_hostile_values()


# An id of 26 digits in the path: no record has it (Django's exact lookup finds nothing for a
# number beyond the column rather than passing it to the database).
HUGE_ID = "9" * 26


@pytest.mark.parametrize(
    "route",
    [*PARTICIPANT_ROUTES, *ASSOCIATION_ROUTES, *PROVIDER_ROUTES, *PERSON_ROUTES],
    ids=lambda r: r.name,
)
def test_an_id_of_26_digits_in_the_path_is_not_found(
    route: Route,
    module_forms: Site,
    params: dict[str, int | str],  # noqa: F811
    module_norrbygden: Norrbygden,  # noqa: F811
    module_setting: Setting,  # noqa: F811
) -> None:
    owner, values = "kim", params
    if route in ASSOCIATION_ROUTES:
        owner, values = "greta", module_norrbygden.values
    elif route in PROVIDER_ROUTES:
        owner, values = "ulla", {"activity_pk": module_setting.activity.pk}
    elif route in PERSON_ROUTES:
        owner = next(name for name in module_forms.clients if name.startswith("person-"))
    client = module_forms.clients[owner]
    for name in route.params:
        if not isinstance(values.get(name), int):
            continue  # a word in the path (a step, a token)
        url = route.url(values | {name: HUGE_ID})
        status = client.get(url).status_code
        if status == 405:
            status = client.post(url, {"x": "1"}).status_code
        assert status == 404, (url, status)
