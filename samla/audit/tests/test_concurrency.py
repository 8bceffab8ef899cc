from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from samla.audit.chain import verify_chain
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.audit.tests.conftest import StubActor

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Only PostgreSQL runs concurrent writers: SQLite lets one transaction write at a "
        "time, and its in-memory test database is not shared between threads.",
    ),
    pytest.mark.django_db(transaction=True),
]

PER_THREAD = 50


def test_concurrent_appends_never_fork_the_chain() -> None:
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def append(actor: StubActor) -> None:
        try:
            connection.ensure_connection()  # connect first, so both start appending at once
            start.wait()
            for i in range(PER_THREAD):
                record(actor=actor, action=AuditEvent.Action.VIEW, summary=f"{actor.name} {i}")
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=append, args=(StubActor(pk=n, organisation_id=n, name=f"T{n}"),))
        for n in (1, 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 2 * PER_THREAD + 1))
    assert verify_chain().ok
    # Both writers really ran at once: their events interleave.
    names = list(AuditEvent.objects.order_by("seq").values_list("actor_name", flat=True))
    assert names != sorted(names)
