from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from samla.audit import chain
from samla.audit.chain import Problem, verify_chain
from samla.audit.models import GENESIS_HASH, AuditEvent, ChainHead
from samla.audit.record import record
from samla.audit.sealing import seal
from samla.audit.tests.conftest import StubActor
from samla.audit.tests.tampering import insert_forged, tamper

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table
HEAD = ChainHead._meta.db_table


@pytest.fixture
def events(alice: StubActor, bob: StubActor) -> list[AuditEvent]:
    """Five reads of one participant's record, by two users, sealed into the chain."""
    written = [
        record(
            actor=alice if i % 2 else bob,
            action=AuditEvent.Action.VIEW,
            participant_id=5,
            role="coordinator",
            summary=f"Läsning {i}",
        )
        for i in range(1, 6)
    ]
    assert seal().count == 5
    return list(AuditEvent.objects.filter(pk__in=[e.pk for e in written]).order_by("seq"))


def verify_audit() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def assert_caught(kind: Problem, seq: int | None, phrase: str) -> chain.ChainReport:
    """verify_chain and the command report the same first problem, in a plain sentence."""
    report = verify_chain(chunk_size=2)  # small chunks: the walk crosses chunk borders
    assert not report.ok
    assert (report.kind, report.seq) == (kind, seq), report.problem
    assert report.problem is not None
    assert phrase in report.problem
    with pytest.raises(CommandError) as caught:
        verify_audit()
    assert report.problem in str(caught.value)
    return report


def test_an_intact_log_passes(events: list[AuditEvent]) -> None:
    report = verify_chain(chunk_size=2)

    assert report == chain.ChainReport(ok=True, checked=5)
    said = verify_audit().splitlines()
    assert said[0] == "Granskningsloggen är hel: 5 händelser kontrollerade."
    assert said[1].startswith("Ingen kontrollpunktsfil är satt")  # no file in the tests


def test_an_empty_log_passes() -> None:
    assert verify_chain() == chain.ChainReport(ok=True, checked=0)
    ChainHead.objects.all().delete()
    assert verify_chain() == chain.ChainReport(ok=True, checked=0)


# Every hashed column, changed in place: the HMAC covers each one.
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("summary", "Något annat"),
        ("actor_name", "Mallory"),
        ("actor_id", 99),
        ("organisation_id", 99),
        ("participant_id", 6),
        ("consent_id", 1),
        ("role", "case_handler"),
        ("action", "export"),
        ("object_type", "people.participant"),
        ("object_id", "1"),
        ("request_id", "abc"),
        ("flagged", True),
    ],
)
def test_an_edited_row_is_caught(events: list[AuditEvent], column: str, value: Any) -> None:
    assert tamper(f"UPDATE {TABLE} SET {column} = %s WHERE seq = 3", [value]) == 1  # noqa: S608

    report = assert_caught(Problem.ALTERED, 3, "har ändrats i efterhand")

    assert report.event_id == events[2].pk
    assert report.checked == 2


def test_an_edited_time_is_caught(events: list[AuditEvent]) -> None:
    earlier = events[2].created_at - timedelta(days=1)
    tamper(f"UPDATE {TABLE} SET created_at = %s WHERE seq = 3", [earlier])  # noqa: S608

    assert_caught(Problem.ALTERED, 3, "har ändrats i efterhand")


def test_a_row_rehashed_without_the_key_is_caught(events: list[AuditEvent]) -> None:
    """Recomputing the hash takes the key: a plain SHA-256, or an HMAC with a guessed key, fails."""
    forged = chain.content_of(events[2]) | {"summary": "Något annat"}
    guessed = hmac.new(
        b"guess", events[2].prev_hash.encode() + chain.canonical_json(forged), hashlib.sha256
    ).hexdigest()
    tamper(
        f"UPDATE {TABLE} SET summary = %s, hash = %s WHERE seq = 3",  # noqa: S608
        ["Något annat", guessed],
    )
    tamper(f"UPDATE {TABLE} SET prev_hash = %s WHERE seq = 4", [guessed])  # noqa: S608

    assert_caught(Problem.ALTERED, 3, "har ändrats i efterhand")


def test_a_deleted_row_is_caught(events: list[AuditEvent]) -> None:
    tamper(f"DELETE FROM {TABLE} WHERE seq = 3")  # noqa: S608

    report = assert_caught(Problem.REMOVED, 4, "Händelse 3 saknas")

    assert report.event_id == events[3].pk


def test_deleted_first_rows_are_caught(events: list[AuditEvent]) -> None:
    tamper(f"DELETE FROM {TABLE} WHERE seq <= 2")  # noqa: S608

    assert_caught(Problem.REMOVED, 3, "Händelse 1–2 saknas")


def test_deleted_last_rows_are_caught(events: list[AuditEvent]) -> None:
    tamper(f"DELETE FROM {TABLE} WHERE seq >= 4")  # noqa: S608

    assert_caught(Problem.REMOVED, 4, "Händelse 4–5 saknas i slutet av loggen")


def test_an_emptied_log_is_caught(events: list[AuditEvent]) -> None:
    tamper(f"DELETE FROM {TABLE}")  # noqa: S608

    assert_caught(Problem.REMOVED, 1, "Händelse 1–5 saknas i slutet av loggen")


def test_a_deleted_row_with_the_rest_renumbered_is_caught(events: list[AuditEvent]) -> None:
    tamper(f"DELETE FROM {TABLE} WHERE seq = 3")  # noqa: S608
    tamper(f"UPDATE {TABLE} SET seq = seq - 1 WHERE seq > 3")  # noqa: S608
    ChainHead.objects.update(last_seq=4)

    assert_caught(Problem.ALTERED, 3, "händelser före den har tagits bort")


def test_a_row_inserted_in_the_middle_is_caught(events: list[AuditEvent]) -> None:
    """The attacker makes room at seq 3 and links the forged row to row 2; the old row 3, now
    at seq 4, still links to row 2, past the forged one."""
    tamper(f"UPDATE {TABLE} SET seq = seq + 1000 WHERE seq >= 3")  # noqa: S608
    tamper(f"UPDATE {TABLE} SET seq = seq - 999 WHERE seq > 1000")  # noqa: S608
    ChainHead.objects.update(last_seq=6)
    forged = insert_forged(
        AuditEvent(
            seq=3,
            created_at=events[1].created_at,
            action=AuditEvent.Action.VIEW,
            participant_id=5,
            actor_name="Bob Berg",
            summary="Läsning",
            prev_hash=events[1].hash,
            hash="f" * 64,
        )
    )

    report = assert_caught(Problem.INSERTED, 3, "nästa händelse länkar förbi den")

    assert report.event_id == forged.pk


def test_a_row_appended_beyond_the_head_is_caught(events: list[AuditEvent]) -> None:
    forged = insert_forged(
        AuditEvent(
            seq=6,
            created_at=events[-1].created_at,
            action=AuditEvent.Action.VIEW,
            prev_hash=events[-1].hash,
            hash="f" * 64,
        )
    )

    report = assert_caught(Problem.INSERTED, 6, "efter kedjans sista registrerade händelse 5")

    assert report.event_id == forged.pk


def test_a_head_that_does_not_match_the_last_row_is_caught(events: list[AuditEvent]) -> None:
    ChainHead.objects.update(last_hash="e" * 64)

    assert_caught(Problem.HEAD, 5, "Kedjans huvud (händelse 5) stämmer inte")


def test_a_missing_head_is_caught(events: list[AuditEvent]) -> None:
    ChainHead.objects.all().delete()

    assert_caught(Problem.HEAD, 1, "Kedjans huvud saknas")


def test_the_chain_is_keyed(events: list[AuditEvent]) -> None:
    with override_settings(SAMLA_AUDIT_KEY="another key"):
        report = verify_chain()
        assert (report.kind, report.seq) == (Problem.ALTERED, 1)
        record(actor=None, action=AuditEvent.Action.LOGIN_FAILED, actor_name="x")
        seal()
    assert verify_chain().ok is False
    assert verify_chain().seq == 6


@override_settings(SAMLA_AUDIT_KEY="a key of its own")
def test_a_configured_key_is_used(alice: StubActor) -> None:
    record(actor=alice, action=AuditEvent.Action.VIEW)

    assert verify_chain().ok
    assert chain.audit_key() == b"a key of its own"


def test_events_appended_while_verifying_are_checked_too(
    events: list[AuditEvent], alice: StubActor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another transaction commits an event after the walk read the head, and another after
    the walk's snapshot: neither is mistaken for tampering."""
    read_head, rows_after = chain._read_head, chain._rows_after
    calls = {"head": 0, "rows": 0}

    def head_then_append() -> Any:
        head = read_head()
        calls["head"] += 1
        if calls["head"] == 1:
            record(actor=alice, action=AuditEvent.Action.VIEW)  # seq 6, beyond the head read
            seal()
        return head

    def rows_then_append(seq: int | None, chunk_size: int) -> Any:
        yield from rows_after(seq, chunk_size)
        calls["rows"] += 1
        if calls["rows"] == 1:
            record(actor=alice, action=AuditEvent.Action.VIEW)  # seq 7, after the snapshot
            seal()

    monkeypatch.setattr(chain, "_read_head", head_then_append)
    monkeypatch.setattr(chain, "_rows_after", rows_then_append)

    report = verify_chain()

    assert report == chain.ChainReport(ok=True, checked=7)


def _row(seq: int, prev_hash: str, *, key: bytes, row_id: int | None = None) -> chain._Row:
    content = {name: None for name in chain.HASHED_FIELDS} | {
        "seq": seq,
        "created_at": datetime(2025, 1, 1, tzinfo=UTC),
        "summary": "x",
    }
    return chain._Row(
        id=row_id or seq,
        seq=seq,
        prev_hash=prev_hash,
        hash=chain.compute_hash(prev_hash, content, key=key),
        content=content,
    )


def test_a_duplicate_sequence_number_is_caught() -> None:
    """The unique constraint stops this in the database; the walk still names it if an attacker
    dropped the constraint first. Checked without a database, on rows built in memory."""
    key = b"k"
    first = _row(1, GENESIS_HASH, key=key)
    second = _row(2, first.hash, key=key)
    copy = _row(2, first.hash, key=key, row_id=9)
    walk = chain._Walk(key)

    assert walk.problem(first, second) is None
    assert walk.problem(second, copy) is None
    report = walk.problem(copy, None)

    assert report is not None
    assert (report.kind, report.seq, report.event_id) == (Problem.INSERTED, 2, 9)
    assert report.problem is not None
    assert "löpnumret finns redan (id 2)" in report.problem
