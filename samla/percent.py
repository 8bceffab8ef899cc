"""Percentages the Swedish way, one spelling everywhere: "50 %", "62,5 %", "0 %".

A decimal comma, and a no-break space before the sign so that a share never wraps in a table.
Pages use the ``percent`` template filter (``samla/web/templatetags/percent.py``), which calls
this.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

NBSP = "\u00a0"


def percent(value: object, places: int = 1) -> str:
    """``value`` (already in per cent) rounded half up to at most ``places`` decimals, trailing
    zeros dropped: 50 → "50 %", 62.50 → "62,5 %", 33.333 → "33,3 %". None or "" gives ""."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(rounded, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace("-", "−").replace(".", ",") + f"{NBSP}%"
