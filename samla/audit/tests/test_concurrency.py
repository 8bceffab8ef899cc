from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction

from samla.audit.chain import ChainReport, verify_chain
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.audit.sealing import seal
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
WRITERS = 8


def _in_thread(work: Callable[..., None], errors: list[BaseException]) -> Callable[..., None]:
    def run(*args: object) -> None:
        try:
            connection.ensure_connection()
            work(*args)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    return run


def test_eight_writers_and_a_sealer_at_once_make_one_unbroken_chain() -> None:
    start = threading.Barrier(WRITERS + 1)
    writing = threading.Event()
    errors: list[BaseException] = []

    def append(actor: StubActor) -> None:
        start.wait()
        for i in range(PER_THREAD):
            record(actor=actor, action=AuditEvent.Action.VIEW, summary=f"{actor.name} {i}")

    def sealer() -> None:
        start.wait()
        while writing.is_set():
            seal(batch_size=25)

    writing.set()
    threads = [
        threading.Thread(
            target=_in_thread(append, errors),
            args=(StubActor(pk=n, organisation_id=n, name=f"T{n}"),),
        )
        for n in range(1, WRITERS + 1)
    ]
    sealing = threading.Thread(target=_in_thread(sealer, errors))
    for thread in [*threads, sealing]:
        thread.start()
    for thread in threads:
        thread.join()
    writing.clear()
    sealing.join()
    seal()

    assert errors == []
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, WRITERS * PER_THREAD + 1))
    assert verify_chain() == ChainReport(ok=True, checked=WRITERS * PER_THREAD)
    # The writers really ran at once: their events interleave.
    names = list(AuditEvent.objects.order_by("seq").values_list("actor_name", flat=True))
    assert names != sorted(names)


def test_a_long_transaction_that_logged_holds_up_no_other_reader() -> None:
    """A 24 000-person export logs every person in one transaction: meanwhile every other
    user's logged read goes through at once, and the export's rows, committed last, are sealed
    after the rows written while it ran."""
    logged, finish = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def export() -> None:
        with transaction.atomic():
            record(
                actor=StubActor(pk=1, organisation_id=1, name="Export"),
                action=AuditEvent.Action.EXPORT,
            )
            logged.set()
            assert finish.wait(timeout=30)

    exporting = threading.Thread(target=_in_thread(export, errors))
    exporting.start()
    assert logged.wait(timeout=30)
    reader = StubActor(pk=2, organisation_id=2, name="Läsare")

    def read() -> None:
        record(actor=reader, action=AuditEvent.Action.VIEW)
        seal()

    reading = threading.Thread(target=_in_thread(read, errors))
    reading.start()
    reading.join(timeout=10)
    went_through = not reading.is_alive()
    finish.set()
    exporting.join()
    reading.join()
    seal()

    assert errors == []
    assert went_through, "the reader waited for the export's transaction"
    in_chain = list(AuditEvent.objects.order_by("seq").values_list("actor_name", "seq"))
    assert in_chain == [("Läsare", 1), ("Export", 2)]
    assert AuditEvent.objects.get(seq=2).pk < AuditEvent.objects.get(seq=1).pk
    assert verify_chain().ok
