"""The site's main menu, ``{% main_menu %}``, and the addresses of its entries,
``{% menu_url 'people:list' %}``.

The menu is on every page, and nothing in it is about the user but which entries their roles
offer and which page they are on. So it is rendered once per process for each such combination,
language, script prefix and URLconf (the request's, else the setting's, so that a test that swaps
the setting gets its own), and its addresses are reversed once each (``samla.addresses``),
instead of a dozen times on every page. Which entries a user is offered is decided from the roles
read once per request (``User.assignments``, ``activities.access.reading_association_ids``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from samla.accounts.models import Role
from samla.activities.access import reading_association_ids
from samla.addresses import address

register = template.Library()

# The URL names (beside the apps) that templates/includes/main_menu.html marks as the current page.
MARKED_NAMES = frozenset({"start", "incoming", "users"})


@register.simple_tag
def menu_url(name: str) -> str:
    return address(name)


@register.simple_tag(takes_context=True)
def main_menu(context: template.Context) -> SafeString:
    """The main menu for the signed-in user on the current page."""
    user = context["user"]
    match = getattr(context.get("request"), "resolver_match", None)
    offers = {
        "reaches_person_data": user.reaches_person_data,
        "is_activity_staff": user.is_activity_staff,
        # a role in some association: the catalogue, and the statistics (aggregates only)
        "reads_activities": bool(reading_association_ids(user)),
        "runs_an_association": user.runs_an_association,
        "makes_esf_files": user.has_role(Role.ESF_REPORTER),
        "is_org_admin": user.is_org_admin,
    }
    # Of the page, what the menu's template compares: the app, and these few names (a test
    # checks the template against them), so that the entries stay few, not one per address.
    page = (
        (match.app_name, match.url_name if match.url_name in MARKED_NAMES else "")
        if match
        else ("", "")
    )
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _menu(tuple(offers.items()), page, get_language(), get_script_prefix(), urlconf)


@lru_cache(maxsize=2048)
def _menu(
    offers: tuple[tuple[str, bool], ...],
    page: tuple[str, str | None],
    language: str,
    prefix: str,
    urlconf: str,
) -> SafeString:
    """Rendered in ``language`` under ``prefix`` and ``urlconf``: those of this thread."""
    menu: dict[str, Any] = dict(offers)
    menu["app_name"], menu["url_name"] = page
    return SafeString(render_to_string("includes/main_menu.html", menu))
