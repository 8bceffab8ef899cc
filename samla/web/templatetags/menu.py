"""``{% menu_url 'people:list' %}``: the address of an entry of the site's menu.

The menu is on every page and its addresses never change while the process runs, so each is
reversed once per script prefix and URLconf (the request's, else the setting's, so that a test
that swaps the setting gets its own) instead of a dozen times on every page."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@register.simple_tag
def menu_url(name: str) -> str:
    return _reversed(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=128)
def _reversed(name: str, prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf)  # under ``prefix``, the script prefix of this thread
