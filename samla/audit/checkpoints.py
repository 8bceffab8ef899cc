"""Signed checkpoints of the chain's head, kept outside the database (issue 18 item 4).

The hash chain shows a changed, removed or inserted row, but not a log cut short with its head
rewound to match, nor a log wiped with its head: what is left is a whole chain. So once a day
(``SAMLA_DAILY_TASKS``) and on demand (``manage.py audit_checkpoint``) the head — its sequence
number and hash — is written as one signed line to ``SAMLA_AUDIT_CHECKPOINT_FILE``, a file on
another disk or machine than the database, or sent on to whoever reviews the log.
``verify_audit`` then checks every line: each must be signed with the key from the environment,
and the event it names must still be in the chain with the same hash. A log cut short, rewound,
wiped or rewritten fails against the last checkpoint made before it.

The lines are signed with a key derived from the audit key (never the key itself), so that
someone who can write to the file cannot make a checkpoint Samla accepts.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from samla.audit.chain import audit_key
from samla.audit.models import AuditEvent, ChainHead

_LABEL = b"samla.audit.checkpoint.v1"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: datetime

    def payload(self) -> bytes:
        content = {"at": self.at.astimezone(UTC).isoformat(), "hash": self.hash, "seq": self.seq}
        return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True)
class CheckpointReport:
    ok: bool
    checked: int
    problem: str = ""


def _key() -> bytes:
    return hmac.new(audit_key(), _LABEL, hashlib.sha256).digest()


def _signature(checkpoint: Checkpoint) -> str:
    return hmac.new(_key(), checkpoint.payload(), hashlib.sha256).hexdigest()


def checkpoint_file() -> Path | None:
    configured = getattr(settings, "SAMLA_AUDIT_CHECKPOINT_FILE", "")
    return Path(configured) if configured else None


def write_checkpoint() -> Checkpoint | None:
    """Append the chain's head as it is now to the checkpoint file (None when no file is set,
    or nothing has been sealed yet)."""
    path = checkpoint_file()
    head = ChainHead.objects.filter(pk=ChainHead.SINGLETON_ID).first()
    if path is None or head is None or head.last_seq == 0:
        return None
    checkpoint = Checkpoint(seq=head.last_seq, hash=head.last_hash, at=timezone.now())
    line = json.loads(checkpoint.payload()) | {"sig": _signature(checkpoint)}
    _append(path, (json.dumps(line, sort_keys=True) + "\n").encode())
    return checkpoint


def _append(path: Path, data: bytes) -> None:
    """One whole line at the end, however many write at once (the daily run, a cron job), and on
    the disk before it returns. A line a crash cut short is ended first, so that the next one is
    whole; verify_audit reports the broken one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        size = os.fstat(descriptor).st_size
        if size and os.pread(descriptor, 1, size - 1) != b"\n":
            data = b"\n" + data
        os.write(descriptor, data)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)  # and with it the lock


def _read(path: Path) -> tuple[list[Checkpoint], str]:
    """The file's checkpoints, and what is wrong with the first line that is not one of ours."""
    found: list[Checkpoint] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        return found, "Kontrollpunktsfilen är inte text: den har skrivits över."
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            line = json.loads(text)
            checkpoint = Checkpoint(
                seq=int(line["seq"]), hash=str(line["hash"]), at=datetime.fromisoformat(line["at"])
            )
            signature = str(line["sig"])
        except (ValueError, KeyError, TypeError, OverflowError):
            return found, f"Rad {number} i kontrollpunktsfilen går inte att läsa."
        if not hmac.compare_digest(signature, _signature(checkpoint)):
            return found, f"Rad {number} i kontrollpunktsfilen är inte signerad med Samlas nyckel."
        found.append(checkpoint)
    return found, ""


def _sealed_days_ago() -> bool:
    """Whether a daily checkpoint should exist by now: events sealed two days ago or earlier
    (one day, and the daily run's hour, of grace)."""
    two_days_ago = timezone.now() - timedelta(days=2)
    return AuditEvent.objects.filter(seq__isnull=False, created_at__lt=two_days_ago).exists()


def verify_checkpoints() -> CheckpointReport:
    """Each checkpoint's event is still in the chain with the hash it had."""
    path = checkpoint_file()
    if path is None:
        return CheckpointReport(ok=True, checked=0)
    checkpoints, unreadable = _read(path) if path.exists() else ([], "")
    if unreadable:
        return CheckpointReport(ok=False, checked=0, problem=unreadable)
    if not checkpoints and _sealed_days_ago():
        return CheckpointReport(
            ok=False,
            checked=0,
            problem=(
                f"Kontrollpunktsfilen {path} saknas eller är tom, fast loggen har förseglade "
                "händelser som är mer än två dagar gamla: filen har tagits bort, eller "
                "kontrollpunkterna skrivs inte (se schemaläggarens logg)."
            ),
        )
    hashes = dict(
        AuditEvent.objects.filter(seq__in={c.seq for c in checkpoints}).values_list("seq", "hash")
    )
    for checked, checkpoint in enumerate(sorted(checkpoints, key=lambda c: c.seq)):
        when = timezone.localtime(checkpoint.at).strftime("%Y-%m-%d %H:%M")
        if checkpoint.seq not in hashes:
            return CheckpointReport(
                ok=False,
                checked=checked,
                problem=(
                    f"Händelse {checkpoint.seq} saknas, men fanns i kontrollpunkten från {when}: "
                    "loggen har kortats eller tömts."
                ),
            )
        if hashes[checkpoint.seq] != checkpoint.hash:
            return CheckpointReport(
                ok=False,
                checked=checked,
                problem=(
                    f"Händelse {checkpoint.seq} har en annan kedja än i kontrollpunkten från "
                    f"{when}: loggen har skrivits om."
                ),
            )
    return CheckpointReport(ok=True, checked=len(checkpoints))
