"""The main menu and its addresses, each worked out once per process (``web/templatetags/menu.py``):
the same as ``{% url %}`` gives, under whatever script prefix the site is served, and for each
user the entries of their own roles, the page they are on marked, in their language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import override_script_prefix
from django.urls import NoReverseMatch, reverse

from samla.addresses import address
from samla.people.tests.cast import Cast, sign_in
from samla.web.templatetags.menu import MARKED_NAMES, menu_url


def test_a_menu_address_is_the_one_reverse_gives() -> None:
    assert menu_url("people:list") == reverse("people:list") == "/deltagare/"


def test_a_site_served_under_a_prefix_gets_its_own_addresses() -> None:
    assert menu_url("people:list") == "/deltagare/"
    with override_script_prefix("/samla/"):
        assert menu_url("people:list") == "/samla/deltagare/"
    assert menu_url("people:list") == "/deltagare/"


def _menu(client: Client, url: str = "/") -> str:
    body = client.get(url).content.decode()
    return body[body.index("<nav aria-label=") : body.index("</nav>")]


@pytest.mark.django_db
def test_each_user_gets_the_entries_of_their_own_roles_one_after_another(
    cast: Cast, client: Client
) -> None:
    """The menu is rendered once per set of entries: a handler's never reaches the office."""
    sign_in(client, cast.fia)
    handler = _menu(client)
    sign_in(client, cast.olle)
    office = _menu(client)
    assert '<a href="/deltagare/">Deltagare</a>' in handler
    assert "Ekonomi" not in handler
    assert "Deltagare" not in office
    assert '<a href="/ekonomi/">Ekonomi</a>' in office
    sign_in(client, cast.fia)
    assert _menu(client) == handler


@pytest.mark.django_db
def test_the_menu_marks_the_page_the_user_is_on_in_their_language(
    cast: Cast, client: Client
) -> None:
    sign_in(client, cast.fia)
    assert '<a href="/" aria-current="page">Start</a>' in _menu(client)
    on_list = _menu(client, "/deltagare/")
    assert '<a href="/deltagare/" aria-current="page">Deltagare</a>' in on_list
    assert '<a href="/" aria-current' not in on_list
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<a href="/deltagare/" aria-current="page">Participants</a>' in _menu(
        client, "/deltagare/"
    )


def test_an_address_with_numbers_is_the_one_reverse_gives_under_any_prefix() -> None:
    assert address("people:participant", pk=17) == reverse("people:participant", kwargs={"pk": 17})
    assert address("people:consent", pk=3, consent_pk=40) == "/deltagare/3/samtycken/40/"
    assert address("activities:detail", 5) == reverse("activities:detail", args=[5])
    with override_script_prefix("/samla/"):
        assert address("people:participant", pk=17) == "/samla/deltagare/17/"
    assert address("people:participant", pk=987_654_301) == "/deltagare/987654301/"


def test_an_address_of_anything_but_numbers_is_reversed_every_time() -> None:
    token = "a b+ö"  # quoted by reverse()
    assert address("mymeetings:answer", token=token) == "/moten/svar/a%20b+%C3%B6/"
    assert address("mymeetings:answer", token=token) == reverse(
        "mymeetings:answer", kwargs={"token": token}
    )
    with pytest.raises(NoReverseMatch):
        address("people:participant", pk=-1)
    with pytest.raises(NoReverseMatch):
        address("people:no_such_page", pk=1)


def test_the_menu_is_kept_per_page_only_by_what_its_template_compares() -> None:
    source = (Path(settings.BASE_DIR) / "templates/includes/main_menu.html").read_text()
    assert set(re.findall(r"url_name == '(\w+)'", source)) == MARKED_NAMES
