"""Parallel guesses cannot slip past the lock-out: the user row is locked while it is counted."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

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
            outcomes.append(actions.check_login(username="kim", password="fel").outcome)
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
    kim.refresh_from_db()
    assert kim.is_locked()
    # Four plain failures, the fifth locks, and the rest meet a locked account.
    assert outcomes.count(LoginOutcome.FAILED) == 4
    assert outcomes.count(LoginOutcome.LOCKED) == GUESSES - 4
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOCKOUT).count() == 1
    assert AuditEvent.objects.filter(summary="Fel lösenord").count() == 5
