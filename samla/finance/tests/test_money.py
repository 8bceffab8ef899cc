"""Money to the öre (samla/money.py): ``split`` divides a sum so that the parts always add up to
the whole, each within one öre of its exact share, by the largest remainder method with ties to
the earlier part; ``kronor`` writes amounts the Swedish way and ``parse_kronor`` reads them back.

``largest_remainder`` is this test's own rounding, in exact fractions; the statement's tests use
it too, to check every member's contribution against a sum worked out without ``split``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from samla.money import NBSP, ORE, AmountTooLarge, kronor, parse_kronor, split

MINUS = "\u2212"


def largest_remainder(total: int, weights: Sequence[Fraction | int | Decimal]) -> list[int]:
    """``total`` whole units divided by ``weights``: every part rounded down, the units left over
    one each to the parts that lost most, ties to the earlier part; a negative total the same
    as its positive, negated."""
    exact_weights = [Fraction(w) for w in weights]
    whole = sum(exact_weights, Fraction(0))
    size = abs(total)
    exact = [size * w / whole for w in exact_weights]
    parts = [math.floor(e) for e in exact]
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: size - sum(parts)]:
        parts[i] += 1
    return [-p if total < 0 else p for p in parts]


def ore(amount: Decimal) -> int:
    return int(amount / ORE)


# Totals in whole öre up to a hundred billion kronor (the fields' size), negative and nought too.
totals = st.integers(min_value=-(10**13), max_value=10**13).map(lambda n: Decimal(n) * ORE)
# Weights as the key holds them: populations (whole numbers) or per cent with up to four decimals.
populations = st.integers(min_value=0, max_value=10_000_000)
per_cent = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)
weight_lists = st.one_of(
    st.lists(populations, min_size=1, max_size=12),
    st.lists(per_cent, min_size=1, max_size=12),
).filter(lambda weights: sum(weights) > 0)


@given(total=totals, weights=weight_lists)
@example(total=Decimal("1000000.01"), weights=[50, 25, 25])
@example(total=Decimal("0.07"), weights=[1, 1, 1])
@example(total=Decimal("-0.07"), weights=[1, 1, 1])
@example(total=Decimal("0.00"), weights=[3, 0, 2])
@example(total=Decimal("0.01"), weights=[Decimal("33.3333"), Decimal("33.3333"), 0])
@example(total=Decimal("821949.28"), weights=[77, 98, 7])  # equal remainders, unequal parts
@example(total=Decimal("87405445466.86"), weights=[67, 3, 76])
def test_the_parts_add_up_to_the_whole_each_within_an_ore(
    total: Decimal, weights: Sequence[int | Decimal]
) -> None:
    parts = split(total, weights)
    assert len(parts) == len(weights)
    assert sum(parts, Decimal(0)) == total
    whole = sum((Fraction(w) for w in weights), Fraction(0))
    for part, weight in zip(parts, weights, strict=True):
        assert part == part.quantize(ORE)
        exact = Fraction(total) * Fraction(weight) / whole
        assert abs(Fraction(part) - exact) < Fraction(ORE)
        if weight == 0:
            assert part == 0
    assert [ore(p) for p in parts] == largest_remainder(ore(total), weights)
    assert split(total, weights) == parts  # nothing but the order given decides


@given(
    total=st.integers(min_value=-(10**12), max_value=10**12).map(
        lambda n: Decimal(n) * Decimal("0.001")
    ),
    weights=weight_lists,
)
def test_any_unit_the_parts_add_up(total: Decimal, weights: Sequence[int | Decimal]) -> None:
    unit = Decimal("0.001")
    parts = split(total, weights, unit=unit)
    assert sum(parts, Decimal(0)) == total
    assert all(part == part.quantize(unit) for part in parts)
    assert [int(p / unit) for p in parts] == largest_remainder(int(total / unit), weights)


def test_the_largest_remainder_gets_the_ore_left_over_and_ties_go_first() -> None:
    assert split(Decimal("7.00"), [1, 1, 1]) == [Decimal("2.34"), Decimal("2.33"), Decimal("2.33")]
    assert split(Decimal("0.02"), [1, 1, 1]) == [Decimal("0.01"), Decimal("0.01"), Decimal("0")]
    # 10 öre by 1:2:3 is 1.67, 3.33 and 5: the first lost most in rounding down.
    assert split(Decimal("0.10"), [1, 2, 3]) == [Decimal("0.02"), Decimal("0.03"), Decimal("0.05")]
    assert split(Decimal("-0.10"), [1, 2, 3]) == [
        Decimal("-0.02"),
        Decimal("-0.03"),
        Decimal("-0.05"),
    ]
    # 821 949,28 kr by 77:98:7: the last two lose exactly as much; the earlier gets the öre,
    # however many digits the larger part has (a 28-digit Decimal quotient got this wrong).
    assert split(Decimal("821949.28"), [77, 98, 7]) == [
        Decimal("347747.77"),
        Decimal("442588.08"),
        Decimal("31613.43"),
    ]
    assert split(Decimal("1000000.01"), [50, 25, 25]) == [
        Decimal("500000.01"),
        Decimal("250000.00"),
        Decimal("250000.00"),
    ]


@pytest.mark.parametrize(
    ("total", "weights", "unit"),
    [
        (Decimal("1.005"), [1, 1], ORE),  # half an öre
        (Decimal("0.001"), [1], ORE),
        (Decimal("1.0005"), [1, 1], Decimal("0.001")),
        (Decimal("100"), [], ORE),
        (Decimal("100"), [0, 0], ORE),
        (Decimal("100"), [-1, 2], ORE),
        (Decimal("100"), [Decimal("-0.0001"), Decimal(1)], ORE),
    ],
)
def test_a_fraction_of_the_unit_or_bad_weights_are_refused(
    total: Decimal, weights: Sequence[int | Decimal], unit: Decimal
) -> None:
    with pytest.raises(ValueError):
        split(total, weights, unit=unit)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1234567"), f"1{NBSP}234{NBSP}567{NBSP}kr"),
        (Decimal("1234567.50"), f"1{NBSP}234{NBSP}567,50{NBSP}kr"),
        (Decimal("1234.5"), f"1{NBSP}234,50{NBSP}kr"),
        (Decimal("1000"), f"1{NBSP}000{NBSP}kr"),
        (Decimal("999.99"), f"999,99{NBSP}kr"),
        (Decimal("0"), f"0{NBSP}kr"),
        (Decimal("0.01"), f"0,01{NBSP}kr"),
        (Decimal("-1200"), f"{MINUS}1{NBSP}200{NBSP}kr"),
        (Decimal("-1234.5"), f"{MINUS}1{NBSP}234,50{NBSP}kr"),
        (7, f"7{NBSP}kr"),
        (None, ""),
        ("", ""),
    ],
)
def test_kronor_are_written_the_swedish_way(value: object, text: str) -> None:
    assert kronor(value) == text


@given(total=totals)
def test_what_kronor_writes_parse_kronor_reads_back(total: Decimal) -> None:
    assert parse_kronor(kronor(total)) == total


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1 234 567,50", Decimal("1234567.50")),
        (f"1{NBSP}234{NBSP}567,50", Decimal("1234567.50")),
        ("1234567.50", Decimal("1234567.50")),
        ("1.234.567,50", Decimal("1234567.50")),
        ("-1 200 kr", Decimal("-1200.00")),
        (f"{MINUS}1 200 kr", Decimal("-1200.00")),
        ("1 234 567 kr", Decimal("1234567.00")),
        ("1 234,5", Decimal("1234.50")),
        ("  700 SEK ", Decimal("700.00")),
        ("0", Decimal("0.00")),
    ],
)
def test_parse_kronor_reads_what_people_and_accounting_systems_write(
    text: str, amount: Decimal
) -> None:
    parsed = parse_kronor(text)
    assert parsed == amount
    assert parsed.as_tuple().exponent == -2


@pytest.mark.parametrize("text", ["12,345", "abc", "1,2,3", "", "1 234,567", "12.3.4", "kr", "1e5"])
def test_parse_kronor_refuses_what_is_not_an_amount_in_kronor(text: str) -> None:
    with pytest.raises(ValueError):
        parse_kronor(text)


@pytest.mark.parametrize("text", ["1 000 000 000 000", "-1000000000000,00", "9" * 27, "9" * 10_000])
def test_parse_kronor_refuses_an_amount_no_money_column_holds(text: str) -> None:
    with pytest.raises(AmountTooLarge, match="Beloppet är för stort"):
        parse_kronor(text)
    assert parse_kronor("999 999 999 999,99") == Decimal("999999999999.99")
