"""Counts the Swedish way: "100 000", groups joined by no-break spaces."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def thousands(value: object) -> str:
    if not isinstance(value, int):
        return "" if value is None else str(value)
    return f"{value:,}".replace(",", "\u00a0")
