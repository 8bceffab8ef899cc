"""Parallel accepts never give away more places than the activity has (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from samla.people.tests.cast import build_cast, sign_in
from samla.plans.tests.test_concurrency import at_once
from samla.referrals import actions
from samla.referrals.models import Referral
from samla.referrals.tests.builders import build

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Only PostgreSQL runs concurrent writers: SQLite lets one transaction write at a "
        "time, and its in-memory test database is not shared between threads.",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_eight_parallel_accepts_for_three_places_give_exactly_three() -> None:
    cast = build_cast()
    setting = build(cast)
    setting.activity.capacity = 3
    setting.activity.save()
    referrals = [
        actions.receive(
            actions.send_referral(
                cast.pia, actor=cast.kim, activity=setting.activity, note=f"Remiss {n}."
            ),
            actor=setting.ulla,
        )
        for n in range(8)
    ]
    clients = [sign_in(Client(), setting.ulla) for _ in referrals]

    def accept(client: Client, referral: Referral) -> object:
        return client.post(
            f"/remisser/{referral.pk}/accept/", {"version": referral.version}, follow=True
        )

    responses = at_once(
        *(lambda c=c, r=r: accept(c, r) for c, r in zip(clients, referrals, strict=True))
    )

    states = list(
        Referral.objects.filter(pk__in=[r.pk for r in referrals]).values_list("state", flat=True)
    )
    assert states.count("accepted") == 3
    assert states.count("received") == 5
    refused = [r for r in responses if "alla 3 platser är tagna" in r.content.decode()]  # type: ignore[attr-defined]
    assert len(refused) == 5
