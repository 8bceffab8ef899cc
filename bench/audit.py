"""The access log under load (issue 17 item 4, ADR 0017). ``BENCH_ONLY=audit``.

- ``record()`` against a plain INSERT of the same row (no HMAC, no ORM) into a copy of the
  table, each in a transaction of its own as a request writes it, at 1 and 8 threads,
  interleaved round by round so that a busy moment of the machine falls on both;
- a 24 000-person file's audit rows (``record_each``) written in one transaction, while another
  user's logged reads go on beside it: that user's p95 quiet and during the file;
- the sealer's and ``verify_audit``'s speed over what was written.

Never a pass/fail test: the ratios say whether appends still queue behind each other.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

THREADS = (1, 8)
PER_THREAD = 300
ROUNDS = 3
FILE_PEOPLE = 24_000
READS = 150


class _Actor:
    pk = 1
    organisation_id = 1
    is_person = False

    def get_full_name(self) -> str:
        return "Bänk Mätsson"


def _in_threads(threads: int, work: Callable[[int], None]) -> float:
    """Seconds for ``threads`` threads, each on its own connection, to run ``work`` at once."""
    barrier = threading.Barrier(threads + 1)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            connection.ensure_connection()
            barrier.wait()
            work(n)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    pool = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in pool:
        thread.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


PLAIN = "bench_plain_insert"


def _plain_table() -> None:
    """A table like the log, its indexes and constraints too (on PostgreSQL), without its
    triggers: where the plain INSERTs go, so they never enter the chain."""
    from samla.audit.models import AuditEvent

    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PLAIN}")
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TABLE {PLAIN} (LIKE {table} INCLUDING ALL)")
        else:
            cursor.execute(f"CREATE TABLE {PLAIN} AS SELECT * FROM {table} WHERE 0")  # noqa: S608


def _plain_insert(per_thread: int) -> Callable[[int], None]:
    table = PLAIN
    sql = (
        f"INSERT INTO {table} (created_at, actor_id, actor_name, organisation_id, role, "  # noqa: S608
        "participant_id, action, object_type, object_id, request_id, flagged, summary, mac, "
        "prev_hash, hash) VALUES (%s, 1, %s, 1, 'coordinator', %s, 'view', '', '', '', %s, "
        "'Bänk', %s, '', '')"
    )

    def work(n: int) -> None:
        with connection.cursor() as cursor:
            for i in range(per_thread):
                with transaction.atomic():
                    cursor.execute(sql, [timezone.now(), "Bänk Mätsson", i, False, "x" * 64])

    return work


def _recorded(per_thread: int) -> Callable[[int], None]:
    from samla.audit.models import AuditEvent
    from samla.audit.record import record

    actor = _Actor()

    def work(n: int) -> None:
        for i in range(per_thread):
            with transaction.atomic():
                record(
                    actor=actor,
                    action=AuditEvent.Action.VIEW,
                    participant_id=i,
                    role="coordinator",
                    summary="Bänk",
                )

    return work


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _reads_p95(during: Callable[[], None] | None) -> tuple[float, float]:
    """Another user's logged reads, one transaction each; p95 in ms, and the seconds ``during``
    took (run in a thread beside the reads), 0 when quiet."""
    from samla.audit.models import AuditEvent
    from samla.audit.record import record

    actor, samples, took = _Actor(), [], [0.0]
    busy = threading.Event()

    def background() -> None:
        try:
            started = time.perf_counter()
            busy.set()
            assert during is not None
            during()
            took[0] = time.perf_counter() - started
        finally:
            connection.close()

    thread = None
    if during is not None:
        thread = threading.Thread(target=background)
        thread.start()
        busy.wait()
    for i in range(READS):
        started = time.perf_counter()
        with transaction.atomic():
            record(actor=actor, action=AuditEvent.Action.VIEW, participant_id=i, summary="Läsning")
        samples.append((time.perf_counter() - started) * 1000)
    if thread is not None:
        thread.join()
    return _percentile(samples, 0.95), took[0]


def _file() -> None:
    from samla.audit.models import AuditEvent
    from samla.audit.record import record_each

    with transaction.atomic():
        record_each(
            ((n, False) for n in range(1, FILE_PEOPLE + 1)),
            actor=_Actor(),
            action=AuditEvent.Action.EXPORT,
            role="esf_reporter",
            summary="ESF-deltagarfil",
        )


def run() -> None:
    from samla.audit.chain import verify_chain
    from samla.audit.models import AuditEvent
    from samla.audit.sealing import seal

    seal()
    _plain_table()
    print("\nAccess log (ADR 0017): record() against a plain INSERT of the same row")
    rates: dict[tuple[str, int], list[float]] = {}
    for _ in range(ROUNDS):
        for threads in THREADS:
            for name, make in (("plain INSERT", _plain_insert), ("record()", _recorded)):
                seconds = _in_threads(threads, make(PER_THREAD))
                rates.setdefault((name, threads), []).append(threads * PER_THREAD / seconds)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {PLAIN}")
    for threads in THREADS:
        plain = statistics.median(rates[("plain INSERT", threads)])
        recorded = statistics.median(rates[("record()", threads)])
        print(
            f"  {threads} thread(s): record() {recorded:8.0f} events/s, plain INSERT "
            f"{plain:8.0f}/s, ratio {recorded / plain:5.2f}"
        )

    quiet, _ = _reads_p95(None)
    busy, file_s = _reads_p95(_file)
    print(f"\n  a {FILE_PEOPLE}-person file's audit rows, one transaction: {file_s:6.1f} s")
    print(
        f"  another user's logged read, p95: {quiet:6.1f} ms quiet, {busy:6.1f} ms during "
        f"the file (ratio {busy / quiet:4.2f})"
    )

    unsealed = AuditEvent.objects.filter(seq=None).count()
    started = time.perf_counter()
    sealed = seal()
    seal_s = time.perf_counter() - started
    print(f"  seal(): {sealed.count} events in {seal_s:5.1f} s ({sealed.count / seal_s:8.0f}/s)")
    assert sealed.count == unsealed, (sealed.count, unsealed)
    rows = AuditEvent.objects.count()
    started = time.perf_counter()
    report = verify_chain()
    verify_s = time.perf_counter() - started
    print(f"  verify_audit: {rows / verify_s:8.0f} rows/s ({rows} rows, ok={report.ok})")
