"""Signed checkpoints of the chain's head outside the database (issue 18 item 4): a log cut short
with its head rewound, a log wiped with its head, and a log rewritten all pass the chain's own
walk, and each fails against the checkpoint made before it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings

from samla.audit.checkpoints import verify_checkpoints, write_checkpoint
from samla.audit.models import GENESIS_HASH, AuditEvent, ChainHead
from samla.audit.record import record
from samla.audit.sealing import seal
from samla.audit.tests.conftest import StubActor
from samla.audit.tests.tampering import tamper

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table
HEAD = ChainHead._meta.db_table


@pytest.fixture
def checkpoints(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "kontrollpunkter" / "samla.jsonl"
    with override_settings(SAMLA_AUDIT_CHECKPOINT_FILE=str(path)):
        yield path


def reads(actor: StubActor, count: int) -> None:
    for i in range(count):
        record(actor=actor, action=AuditEvent.Action.VIEW, participant_id=5, summary=f"Läsning {i}")
    seal()


def verify_audit() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def refused(phrase: str) -> None:
    with pytest.raises(CommandError) as caught:
        verify_audit()
    assert "stämmer inte med kontrollpunkterna utanför databasen" in str(caught.value)
    assert phrase in str(caught.value)


def test_a_checkpoint_a_day_and_the_log_agrees(checkpoints: Path, alice: StubActor) -> None:
    reads(alice, 3)
    first = write_checkpoint()
    reads(alice, 2)
    out = StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert "Kontrollpunkt skriven" in out.getvalue()
    lines = [json.loads(line) for line in checkpoints.read_text().splitlines()]
    assert first is not None and [line["seq"] for line in lines] == [first.seq, first.seq + 2]
    assert verify_checkpoints().ok
    assert "Loggen stämmer med 2 signerade kontrollpunkter" in verify_audit()


def test_a_log_cut_short_with_its_head_rewound_is_caught(
    checkpoints: Path, alice: StubActor
) -> None:
    reads(alice, 5)
    checkpoint = write_checkpoint()
    assert checkpoint is not None
    last_two = checkpoint.seq - 1
    kept = AuditEvent.objects.get(seq=last_two - 1)
    tamper(f"DELETE FROM {TABLE} WHERE seq >= %s", [last_two])  # noqa: S608
    tamper(
        f"UPDATE {HEAD} SET last_seq = %s, last_hash = %s",  # noqa: S608
        [kept.seq, kept.hash],
    )
    refused(f"Händelse {checkpoint.seq} saknas")


def test_a_log_wiped_with_its_head_is_caught(checkpoints: Path, alice: StubActor) -> None:
    reads(alice, 3)
    write_checkpoint()
    tamper(f"DELETE FROM {TABLE}")  # noqa: S608
    tamper(f"UPDATE {HEAD} SET last_seq = 0, last_hash = %s", [GENESIS_HASH])  # noqa: S608
    refused("loggen har kortats eller tömts")


def test_a_rewritten_chain_is_caught(checkpoints: Path, alice: StubActor) -> None:
    reads(alice, 3)
    checkpoint = write_checkpoint()
    assert checkpoint is not None
    tamper(f"UPDATE {TABLE} SET hash = %s WHERE seq = %s", ["0" * 64, checkpoint.seq])  # noqa: S608
    result = verify_checkpoints()
    assert not result.ok
    assert "loggen har skrivits om" in result.problem


def test_a_checkpoint_someone_wrote_by_hand_is_refused(checkpoints: Path, alice: StubActor) -> None:
    reads(alice, 2)
    write_checkpoint()
    line = json.loads(checkpoints.read_text().splitlines()[0])
    forged = line | {"seq": 1, "hash": "f" * 64}
    checkpoints.write_text(json.dumps(forged) + "\n")
    refused("Rad 1 i kontrollpunktsfilen är inte signerad med Samlas nyckel.")
    checkpoints.write_text("inte json\n")
    refused("Rad 1 i kontrollpunktsfilen går inte att läsa.")


def test_without_a_file_verify_audit_says_what_it_cannot_see(alice: StubActor) -> None:
    reads(alice, 1)
    with override_settings(SAMLA_AUDIT_CHECKPOINT_FILE=""):
        assert write_checkpoint() is None
        assert "Ingen kontrollpunktsfil är satt" in verify_audit()
        with pytest.raises(CommandError, match="SAMLA_AUDIT_CHECKPOINT_FILE är inte satt"):
            call_command("audit_checkpoint", stdout=StringIO())


def test_a_checkpoint_file_that_went_missing_is_caught_once_checkpoints_are_due(
    checkpoints: Path, alice: StubActor
) -> None:
    with time_machine.travel(datetime(2026, 11, 1, 9, 0, tzinfo=UTC), tick=False):
        reads(alice, 2)
    with time_machine.travel(datetime(2026, 11, 2, 6, 0, tzinfo=UTC), tick=False):
        assert verify_checkpoints().ok  # the first daily run has not come yet
    with time_machine.travel(datetime(2026, 11, 4, 9, 0, tzinfo=UTC), tick=False):
        result = verify_checkpoints()
        assert not result.ok
        assert "saknas eller är tom" in result.problem
        write_checkpoint()
        assert verify_checkpoints().ok


def test_a_line_a_crash_cut_short_is_reported_and_the_next_line_stays_whole(
    checkpoints: Path, alice: StubActor
) -> None:
    reads(alice, 2)
    write_checkpoint()
    whole = checkpoints.read_text()
    checkpoints.write_text(whole + whole[:40])  # the crash: half a line, no newline
    reads(alice, 1)
    write_checkpoint()
    lines = checkpoints.read_text().splitlines()
    assert len(lines) == 3 and lines[1] == whole[:40]
    assert json.loads(lines[2])["seq"] == json.loads(lines[0])["seq"] + 1
    result = verify_checkpoints()
    assert not result.ok and result.problem == "Rad 2 i kontrollpunktsfilen går inte att läsa."
    checkpoints.write_bytes(b"\xff\xfe")
    assert "inte text" in verify_checkpoints().problem
