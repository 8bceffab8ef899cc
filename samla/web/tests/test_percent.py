"""One spelling of a percentage everywhere (issue 14 item 14): "0 %" beside "50 %", never "0%"."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from samla.percent import NBSP, percent


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Decimal("50.000"), 1, "50"),
        (Decimal("0"), 1, "0"),
        (0, 3, "0"),
        (Decimal("62.50"), 1, "62,5"),
        (Decimal("33.3333"), 3, "33,333"),
        (Decimal("12.345"), 2, "12,35"),
        ("100.6", 1, "100,6"),
        (-2.5, 1, "−2,5"),
    ],
)
def test_a_share_is_written_with_a_comma_and_a_no_break_space(
    value: object, places: int, shown: str
) -> None:
    assert percent(value, places) == f"{shown}{NBSP}%"


def test_nothing_gives_nothing() -> None:
    assert percent(None) == "" and percent("") == ""


def test_the_template_filter_is_the_same_function() -> None:
    rendered = Template("{% load percent %}{{ a|percent }} {{ b|percent:3 }}").render(
        Context({"a": Decimal("0"), "b": Decimal("12.5")})
    )
    assert rendered == f"0{NBSP}% 12,5{NBSP}%"
