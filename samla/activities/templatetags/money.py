"""Money the Swedish way: "1 234 567 kr", with öre only when there are any ("1 234,50 kr").

Groups and the unit are joined by no-break spaces, so that an amount never wraps in a table.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

NBSP = "\u00a0"


def kronor(value: object) -> str:
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return str(value)
    sign = "−" if amount < 0 else ""
    whole, _, ore = f"{abs(amount):.2f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = NBSP.join(groups)
    if ore != "00":
        text += f",{ore}"
    return f"{sign}{text}{NBSP}kr"


register.filter("kronor", kronor)
