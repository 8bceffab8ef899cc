"""Two coordinators save the minutes at once: one wins, the other is told, and the decisions
become plan actions exactly once (PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from samla.meetings.models import Decision, Meeting
from samla.meetings.tests.matrix import build_council
from samla.meetings.tests.test_minutes import decision, minutes_form
from samla.people.tests.cast import build_cast, sign_in
from samla.plans.models import PlanAction
from samla.plans.tests.matrix import build_agreed_plan
from samla.plans.tests.test_concurrency import at_once

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Only PostgreSQL runs concurrent writers: SQLite lets one transaction write at a "
        "time, and its in-memory test database is not shared between threads.",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_simultaneous_minutes_one_wins_one_is_told() -> None:
    cast = build_cast()
    build_agreed_plan(cast)
    council = build_council(cast).council
    now = timezone.now()
    Meeting.objects.filter(pk=council.pk).update(
        starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(minutes=60)
    )
    before = PlanAction.objects.count()
    form = minutes_form(council) | decision(0, cast.fk.pk, "Utreda rätt ersättning")
    url = council.get_absolute_url() + "protokoll/"
    kim, colleague = sign_in(Client(), cast.kim), sign_in(Client(), cast.kim)

    responses = at_once(
        lambda: kim.post(url, form | {"minutes": "Kims protokoll"}),
        lambda: colleague.post(url, form | {"minutes": "Kollegans protokoll"}),
    )

    statuses = sorted(r.status_code for r in responses)  # type: ignore[attr-defined]
    assert statuses == [302, 409]
    assert Decision.objects.filter(meeting=council).count() == 1
    assert PlanAction.objects.count() == before + 1
    assert Meeting.objects.get(pk=council.pk).minutes in {"Kims protokoll", "Kollegans protokoll"}
