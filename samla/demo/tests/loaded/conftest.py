"""The demo, loaded once for each day below and shared by every demo test of that day.

The demo is built relative to the day it is loaded on, so its invariants are checked on days
that have broken it before or could: today, weekdays and both days of a weekend (meetings must
still fall on working days, and no organiser be booked twice), the Friday whose meetings a week
on would fall at Christmas, the Thursday before Easter (four days off before the first council,
whose preparatory meeting must still come first), New Year's Eve, the days Swedish time
changes, a leap day, a time just after midnight, when the day in Sweden is not yet the day in
UTC, and a load that runs past midnight. The clock runs on (``tick=True``) from the moment
given, as it does when someone runs ``make run``.

Loading takes seconds, so it happens once per day, not once per test: the load runs in a
transaction that is rolled back after the last test of the day, and each test runs in a
savepoint inside it (pytest-django's ``django_db``), so that what one test writes (audit rows of
reads, generated participants) is gone before the next. The fixture is scoped to this package
(``loaded/``, which holds only tests of the loaded demo): pytest runs all the tests of one day
together, and no test outside it ever sees the demo or the moved clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction

STOCKHOLM = ZoneInfo("Europe/Stockholm")


DAYS = [
    pytest.param(datetime(2026, 12, 6, 10, 0, tzinfo=STOCKHOLM), id="2026-12-06-sun"),
    pytest.param(datetime(2026, 12, 7, 8, 0, tzinfo=STOCKHOLM), id="2026-12-07-mon"),
    pytest.param(datetime(2026, 12, 8, 14, 0, tzinfo=STOCKHOLM), id="2026-12-08-tue"),
    # Two seconds before midnight: the load's day ends while it runs, and what it does late (the
    # surveys' rounds) is checked against the next day (it once failed at 00:00).
    pytest.param(
        datetime(2026, 12, 7, 23, 59, 58, tzinfo=STOCKHOLM), id="2026-12-07-mon-across-midnight"
    ),
    pytest.param(datetime(2026, 12, 18, 16, 30, tzinfo=STOCKHOLM), id="2026-12-18-fri-christmas"),
    pytest.param(datetime(2026, 4, 2, 11, 0, tzinfo=STOCKHOLM), id="2026-04-02-thu-easter"),
    pytest.param(datetime(2026, 12, 31, 23, 30, tzinfo=STOCKHOLM), id="2026-12-31-thu"),
    pytest.param(datetime(2027, 1, 2, 0, 20, tzinfo=STOCKHOLM), id="2027-01-02-sat-0020"),
    # 02:00 became 03:00, and 03:00 became 02:00 again (the second 02:30, fold=1).
    pytest.param(datetime(2026, 3, 29, 3, 15, tzinfo=STOCKHOLM), id="2026-03-29-sun-dst-begins"),
    pytest.param(
        datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=STOCKHOLM), id="2026-10-25-sun-dst-ends"
    ),
    pytest.param(datetime(2028, 2, 29, 9, 0, tzinfo=STOCKHOLM), id="2028-02-29-tue-leap-day"),
]


@pytest.fixture(scope="package", params=DAYS)
def demo(request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker) -> Iterator[str]:
    """What ``load_demo_data`` printed, loaded at the day's moment with the clock running."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(request.param, tick=True),
        transaction.atomic(),
    ):
        out = StringIO()
        call_command("load_demo_data", stdout=out)
        if connection.vendor == "postgresql":
            # Autovacuum never sees rows of a transaction still open, so the planner would take
            # the freshly filled tables for empty (a worklist took a minute); ANALYZE does see
            # this transaction's own rows, as a server sees the demo once `make run` committed it.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        yield out.getvalue()
        transaction.set_rollback(True)
