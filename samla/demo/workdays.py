"""Swedish working days, for dating the demo's meetings and attendance: Monday to Friday, except
the public holidays (Lag 1989:253 om allmänna helgdagar) and the eves that are days off in
practice (midsummer, Christmas and New Year's Eve).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _days_off(day.year)


def working_day(day: date, *, back: bool = False) -> date:
    """The day itself if it is a working day, or the nearest one after it (before it, if
    ``back``)."""
    step = timedelta(days=-1 if back else 1)
    while not is_working_day(day):
        day += step
    return day


def easter_sunday(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


@cache
def _days_off(year: int) -> frozenset[date]:
    easter = easter_sunday(year)
    # Midsummer Eve is the Friday between 19 and 25 June.
    midsummer_eve = next(date(year, 6, d) for d in range(19, 26) if date(year, 6, d).weekday() == 4)
    # All Saints' Day is the Saturday between 31 October and 6 November: never a weekday.
    return frozenset(
        {
            date(year, 1, 1),  # nyårsdagen
            date(year, 1, 6),  # trettondedag jul
            easter - timedelta(days=2),  # långfredagen
            easter + timedelta(days=1),  # annandag påsk
            date(year, 5, 1),  # första maj
            easter + timedelta(days=39),  # Kristi himmelsfärds dag
            date(year, 6, 6),  # Sveriges nationaldag
            midsummer_eve,
            date(year, 12, 24),
            date(year, 12, 25),
            date(year, 12, 26),
            date(year, 12, 31),
        }
    )
