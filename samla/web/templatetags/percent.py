"""``{{ share|percent }}`` and ``{{ share|percent:3 }}``: a share in per cent, the Swedish way."""

from __future__ import annotations

from django import template

from samla import percent as percent_module

register = template.Library()


@register.filter
def percent(value: object, places: int = 1) -> str:
    return percent_module.percent(value, int(places))
