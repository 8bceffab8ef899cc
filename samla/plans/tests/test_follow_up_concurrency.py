"""Two people follow up the same action at once: one note is saved, the other person is told;
no note is silently lost (PostgreSQL)."""

from __future__ import annotations

from functools import partial

import pytest
from django.db import connection
from django.test import Client

from samla.audit.models import AuditEvent
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


def test_two_simultaneous_follow_ups_of_the_same_version_one_wins_one_is_refused() -> None:
    cast = build_cast()
    action = build_agreed_plan(cast).fk
    url = f"/arbetslista/atgard/{action.pk}/status/"
    fia, kim = sign_in(Client(), cast.fia), sign_in(Client(), cast.kim)

    for round_ in range(5):  # a race lost once in a while would still show
        version = PlanAction.objects.get(pk=action.pk).version
        notes = {"fia": f"Fias anteckning {round_}", "kim": f"Kims anteckning {round_}"}

        responses = at_once(
            partial(
                fia.post,
                url,
                {"status": "ongoing", "follow_up_note": notes["fia"], "version": version},
            ),
            partial(
                kim.post,
                url,
                {"status": "done", "follow_up_note": notes["kim"], "version": version},
            ),
        )

        statuses = [r.status_code for r in responses]  # type: ignore[attr-defined]
        assert sorted(statuses) == [302, 409]
        winner = "fia" if statuses[0] == 302 else "kim"
        loser = responses[statuses.index(409)].content.decode()  # type: ignore[attr-defined]
        saved = PlanAction.objects.get(pk=action.pk)
        assert saved.follow_up_note == notes[winner]
        assert saved.version == version + 1
        assert "Någon annan sparade en uppföljning av insatsen" in loser
        assert notes[winner] in loser and all(note in loser for note in notes.values())
    assert (
        AuditEvent.objects.filter(
            object_type="plans.planaction",
            object_id=str(action.pk),
            summary__startswith="Följde upp",
        ).count()
        == 5
    )
