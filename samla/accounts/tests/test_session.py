"""Logging out, and the session that ends after a period without requests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from samla.accounts.tests.conftest import Cast
from samla.accounts.tests.signin import sign_in
from samla.audit.models import AuditEvent

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PAGE = "/konto/organisation/"

pytestmark = pytest.mark.django_db


def test_logout_ends_the_session_and_says_so(client: Client, cast: Cast) -> None:
    sign_in(client, cast.ada)

    response = client.post("/konto/logga-ut/", follow=True)

    assert response.redirect_chain[-1][0] == "/konto/logga-in/"
    assert "Du är utloggad." in response.content.decode()
    assert client.get(PAGE)["Location"].startswith("/konto/logga-in/")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT)
    assert event.actor_id == cast.ada.pk


def test_logout_takes_post_only(client: Client, cast: Cast) -> None:
    sign_in(client, cast.ada)

    assert client.get("/konto/logga-ut/").status_code == 405
    assert client.get(PAGE).status_code == 200


def test_an_idle_session_ends(client: Client, cast: Cast) -> None:
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, cast.ada)
        assert client.get(PAGE).status_code == 200
        traveller.shift(idle)
        response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logga-in/")


def test_an_active_session_lives_on(client: Client, cast: Cast) -> None:
    almost_idle = timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, cast.ada)
        for _ in range(4):  # far longer in all than the limit, never idle for that long
            traveller.shift(almost_idle)
            assert client.get(PAGE).status_code == 200
