from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from samla.people.tests.cast import Cast, build_cast
from samla.referrals.tests.builders import Setting, build

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, tzinfo=STOCKHOLM)


@pytest.fixture
def cast(db: None, time_machine) -> Cast:
    """The shared cast, as on 2 January 2026: the consents run through that year, and the tests
    move on in time from there."""
    time_machine.move_to(at(2026, 1, 2))
    return build_cast()


@pytest.fixture
def setting(cast: Cast) -> Setting:
    """Kim's referral of Pia to Mia Vidare, sent on 2 January 2026."""
    return build(cast)
