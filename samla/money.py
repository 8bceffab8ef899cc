"""Money in Samla: kronor as ``Decimal`` with two decimals, never a float (docs/domain.md §5H).

- ``split`` divides a sum by weights to the öre so that the parts always add up to the whole: each
  part is rounded down to the öre and the öre left over go, one each, to the parts that lost the
  most in rounding (the largest remainder method; ties go to the earlier part, so the result
  never depends on anything but the order given).
- ``kronor`` writes an amount the Swedish way, "1 234 567 kr", with öre only when there are any
  ("1 234,50 kr"); groups and the unit are joined by no-break spaces so that an amount never
  wraps in a table.
- ``parse_kronor`` reads what a person or an accounting system writes: "1 234 567,50",
  "1234567.50", "-1 200 kr", "1.234.567,50"; an amount no money column holds (``TOO_LARGE``)
  it refuses with ``AmountTooLarge``, before rounding: 27 digits or more cannot even be rounded
  to the öre (``decimal.InvalidOperation``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from django.utils.translation import gettext_lazy

ORE = Decimal("0.01")
# What a money column holds (14 digits, two of them öre): an amount must stay below this.
TOO_LARGE = Decimal("1000000000000")
NBSP = "\u00a0"


class AmountTooLarge(ValueError):
    """An amount of ``TOO_LARGE`` or more (either sign): no money column holds it."""

    def __init__(self) -> None:
        super().__init__(str(gettext_lazy("Beloppet är för stort.")))


def to_ore(amount: Decimal) -> Decimal:
    """Round to whole öre, half up (as the accounts do)."""
    return amount.quantize(ORE, rounding=ROUND_HALF_UP)


def split(
    total: Decimal, weights: Sequence[Decimal | int], *, unit: Decimal = ORE
) -> list[Decimal]:
    """``total`` divided in proportion to ``weights`` in whole ``unit``s (öre unless told), the
    parts summing to exactly ``total``.

    Weights must be non-negative with a positive sum; ``total`` must be a whole number of units.
    """
    units = Fraction(total) / Fraction(unit)
    if units.denominator != 1:
        raise ValueError(f"{total} is not a whole number of {unit}.")
    # Exact fractions, not Decimal: a quotient rounded to 28 digits can make two equal
    # remainders unequal, and the öre would then go by rounding rather than by the rule.
    exact_weights = [Fraction(Decimal(w)) for w in weights]
    whole = sum(exact_weights, Fraction(0))
    if any(w < 0 for w in exact_weights) or whole <= 0:
        raise ValueError("The weights must be non-negative with a positive sum.")
    sign = -1 if total < 0 else 1
    size = abs(units.numerator)
    exact = [size * w / whole for w in exact_weights]
    parts = [math.floor(e) for e in exact]
    by_loss = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_loss[: size - sum(parts)]:
        parts[i] += 1
    return [(sign * p * unit).quantize(unit) for p in parts]


def kronor(value: object) -> str:
    if value is None or value == "":
        return ""
    try:
        amount = to_ore(Decimal(str(value)))
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


_SPACES = re.compile(r"[\s\u00a0\u202f']")
_SWEDISH = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d{1,2})?$")  # 1.234.567,50


def parse_kronor(text: str) -> Decimal:
    """An amount in kronor from text; ``ValueError`` if it is not one or has more than two
    decimals, ``AmountTooLarge`` (a ``ValueError`` too) if it is ``TOO_LARGE`` or more."""
    cleaned = _SPACES.sub("", text.strip().replace("−", "-"))
    cleaned = re.sub(r"(?i)(kr|sek|:-)$", "", cleaned)
    if _SWEDISH.match(cleaned):
        cleaned = cleaned.replace(".", "")
    cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d{1,2})?", cleaned):
        raise ValueError(text)
    amount = Decimal(cleaned)
    if abs(amount) >= TOO_LARGE:
        raise AmountTooLarge
    return amount.quantize(ORE)
