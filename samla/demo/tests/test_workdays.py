"""Swedish working days for the demo's calendar (samla/demo/workdays.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from samla.demo.workdays import easter_sunday, is_working_day, working_day


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)),
     (2027, date(2027, 3, 28)), (2028, date(2028, 4, 16)), (2038, date(2038, 4, 25))],
)  # fmt: skip
def test_easter_sunday(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_the_weekdays_off_in_2026() -> None:
    year = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    weekdays_off = [day for day in year if day.weekday() < 5 and not is_working_day(day)]

    assert weekdays_off == [
        date(2026, 1, 1),  # nyårsdagen
        date(2026, 1, 6),  # trettondedag jul
        date(2026, 4, 3),  # långfredagen
        date(2026, 4, 6),  # annandag påsk
        date(2026, 5, 1),
        date(2026, 5, 14),  # Kristi himmelsfärds dag
        date(2026, 6, 19),  # midsommarafton (the national day is a Saturday)
        date(2026, 12, 24),
        date(2026, 12, 25),
        date(2026, 12, 31),  # (annandag jul is a Saturday)
    ]
    assert not is_working_day(date(2026, 12, 6))  # a Sunday


def test_the_nearest_working_day_forward_or_back() -> None:
    assert working_day(date(2026, 12, 7)) == date(2026, 12, 7)
    assert working_day(date(2026, 12, 24)) == date(2026, 12, 28)
    assert working_day(date(2026, 12, 27), back=True) == date(2026, 12, 23)
    assert working_day(date(2026, 4, 6), back=True) == date(2026, 4, 2)
