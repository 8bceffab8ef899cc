"""Parallel guesses cannot slip past the lock-out: the user row is locked while axes counts."""

from __future__ import annotations

import threading

import pytest
from axes.models import AccessAttempt
from django.db import connection, connections
from django.test import RequestFactory

from samla.accounts import actions
from samla.accounts.actions import LoginOutcome
from samla.accounts.tests.factories import UserFactory
from samla.audit.models import AuditEvent

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Only PostgreSQL runs concurrent writers: SQLite lets one transaction write at a "
        "time, and its in-memory test database is not shared between threads.",
    ),
    pytest.mark.django_db(transaction=True),
]

GUESSES = 12
LOGIN = "/konto/logga-in/"


def test_parallel_wrong_passwords_lock_the_account_exactly_once(settings) -> None:
    settings.SAMLA_LOGIN_MAX_FAILURES = 5
    kim = UserFactory.create(username="kim")
    start = threading.Barrier(GUESSES)
    outcomes: list[LoginOutcome] = []
    errors: list[BaseException] = []

    def guess() -> None:
        try:
            connection.ensure_connection()
            start.wait()
            request = RequestFactory().post(LOGIN, {"username": "kim"}, REMOTE_ADDR="203.0.113.9")
            outcomes.append(actions.check_login(request, username="kim", password="fel").outcome)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess) for _ in range(GUESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert outcomes == [LoginOutcome.FAILED] * GUESSES
    # Five passwords checked, the fifth locks, and the rest meet the lock unchecked.
    assert AuditEvent.objects.filter(summary="Fel lösenord").count() == 5
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOCKOUT).count() == 1
    assert (
        AuditEvent.objects.filter(summary="Spärrad efter för många misslyckade försök").count()
        == GUESSES - 5
    )
    assert AccessAttempt.objects.get(username=kim.username).failures_since_start == 5
