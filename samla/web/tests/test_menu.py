"""The menu's addresses, reversed once per process (``web/templatetags/menu.py``): the same as
``{% url %}`` gives, under whatever script prefix the site is served."""

from __future__ import annotations

from django.test.utils import override_script_prefix
from django.urls import reverse

from samla.web.templatetags.menu import menu_url


def test_a_menu_address_is_the_one_reverse_gives() -> None:
    assert menu_url("people:list") == reverse("people:list") == "/deltagare/"


def test_a_site_served_under_a_prefix_gets_its_own_addresses() -> None:
    assert menu_url("people:list") == "/deltagare/"
    with override_script_prefix("/samla/"):
        assert menu_url("people:list") == "/samla/deltagare/"
    assert menu_url("people:list") == "/deltagare/"
