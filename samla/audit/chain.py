"""The hash chain that makes the access log tamper-evident, and its verification.

Each event is signed twice (ADR 0017). When written, its ``mac`` is ``HMAC-SHA256(key,
canonical_json(content without seq))``: from that moment a change to the row shows. When sealed
(``sealing.py``, within seconds), its ``hash`` is ``HMAC-SHA256(key, prev_hash +
canonical_json(content))`` with the ``seq`` the sealer gave it: from then on a removed or
inserted row shows too. Because these are HMACs and not plain hashes, someone who can write to
the database but does not hold the key cannot recompute them after changing, removing or
inserting a row.

The key is ``settings.SAMLA_AUDIT_KEY`` when set, otherwise derived from ``SECRET_KEY``. Changing
the key (or ``SECRET_KEY`` while no audit key is set) makes every existing row fail
verification, so production sets ``SAMLA_AUDIT_KEY`` once and keeps it.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext

from samla.audit.models import GENESIS_HASH, AuditEvent, ChainHead

HASHED_FIELDS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_name",
    "organisation_id",
    "role",
    "participant_id",
    "action",
    "object_type",
    "object_id",
    "consent_id",
    "request_id",
    "flagged",
    "summary",
)
"""Every column of an event except its id and the two hashes. A new column must be added here
or to OPTIONAL_HASHED_FIELDS, or a change to it would go unnoticed."""

OPTIONAL_HASHED_FIELDS = ("referral_id",)
"""Columns added after the log began: hashed when they hold a value and left out when they are
empty, so every row written before the column existed still verifies. Emptying one on a later
row changes what is hashed, and so is found like any other change."""

CHAINED_FIELDS = HASHED_FIELDS + OPTIONAL_HASHED_FIELDS

SIGNED_FIELDS = tuple(name for name in CHAINED_FIELDS if name != "seq")
"""What an event's own ``mac`` covers: all but the place in the chain it does not yet have."""

_KEY_LABEL = b"samla.audit.chain.v1"
_MAC_LABEL = b"samla.audit.event.v1:"  # so an event's mac can never pass for a chain hash
CHUNK_SIZE = 2000


def audit_key() -> bytes:
    """The HMAC key. Read on each call so that tests can override the settings."""
    configured: str | bytes = getattr(settings, "SAMLA_AUDIT_KEY", "") or ""
    if configured:
        return configured.encode() if isinstance(configured, str) else configured
    # A derived key, so the log is never keyed with SECRET_KEY itself.
    return hmac.new(settings.SECRET_KEY.encode(), _KEY_LABEL, hashlib.sha256).digest()


# One encoder for all rows: verification hashes millions of them, so this is the hot path.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _utc_iso(value: datetime) -> str:
    # One spelling for one instant, whatever time zone or precision the value came with.
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_json(content: Mapping[str, Any], *, sealed: bool = True) -> bytes:
    """The bytes that are hashed: the hashed fields as sorted, compact JSON; without ``seq``
    for an event's own mac (``sealed=False``).

    Every value is a JSON scalar except the time; ``action`` may be an ``Action`` member, which
    is a ``str`` and encodes as its value.
    """
    payload = {name: content[name] for name in HASHED_FIELDS if sealed or name != "seq"}
    payload |= {
        name: content[name] for name in OPTIONAL_HASHED_FIELDS if content.get(name) is not None
    }
    payload["created_at"] = _utc_iso(payload["created_at"])
    return _ENCODER.encode(payload).encode()


def compute_hash(prev_hash: str, content: Mapping[str, Any], *, key: bytes | None = None) -> str:
    message = prev_hash.encode() + canonical_json(content)
    return hmac.new(audit_key() if key is None else key, message, hashlib.sha256).hexdigest()


def compute_mac(content: Mapping[str, Any], *, key: bytes | None = None) -> str:
    """An event's own signature, written with it before it has a place in the chain."""
    message = _MAC_LABEL + canonical_json(content, sealed=False)
    return hmac.new(audit_key() if key is None else key, message, hashlib.sha256).hexdigest()


def signed(content: Mapping[str, Any], mac: str, *, key: bytes | None = None) -> bool:
    return bool(mac) and hmac.compare_digest(compute_mac(content, key=key), mac)


def content_of(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in CHAINED_FIELDS}


class Problem(enum.StrEnum):
    """What kind of tampering a broken chain shows."""

    ALTERED = "altered"
    REMOVED = "removed"
    INSERTED = "inserted"
    HEAD = "head"


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a verification. ``checked`` counts the events found intact before the
    first problem (all of them when ``ok``); ``seq`` and ``event_id`` point at the problem."""

    ok: bool
    checked: int
    problem: str | None = None
    kind: Problem | None = None
    seq: int | None = None
    event_id: int | None = None
    unsealed: int = 0  # intact events not yet given their place in the chain
    oldest_unsealed: datetime | None = None


class _Row(NamedTuple):
    id: int
    seq: int
    prev_hash: str
    hash: str
    content: Mapping[str, Any]


@dataclass(frozen=True)
class _Head:
    last_seq: int
    last_hash: str


class _Walk:
    """Checks rows one by one in sequence order, remembering the last intact one."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.checked = 0
        self.last_seq = 0
        self.last_hash = GENESIS_HASH
        self.last_id: int | None = None

    def problem(self, row: _Row, next_row: _Row | None) -> ChainReport | None:
        if row.seq <= self.last_seq and self.last_id is None:
            return self._report(
                Problem.INSERTED,
                row,
                gettext("Händelse %(seq)s (id %(id)s) har ett löpnummer som aldrig delas ut.")
                % {"seq": row.seq, "id": row.id},
            )
        if row.seq <= self.last_seq:
            return self._report(
                Problem.INSERTED,
                row,
                gettext(
                    "Händelse %(seq)s (id %(id)s) har lagts till i efterhand: löpnumret finns "
                    "redan (id %(other)s)."
                )
                % {"seq": row.seq, "id": row.id, "other": self.last_id},
            )
        if row.seq != self.last_seq + 1:
            first_missing, last_missing = self.last_seq + 1, row.seq - 1
            return self._report(
                Problem.REMOVED,
                row,
                gettext("Händelse %(missing)s saknas: borttagen före händelse %(seq)s (id %(id)s).")
                % {"missing": _span(first_missing, last_missing), "seq": row.seq, "id": row.id},
            )
        authentic = hmac.compare_digest(
            compute_hash(row.prev_hash, row.content, key=self.key), row.hash
        )
        linked = row.prev_hash == self.last_hash
        if authentic and not linked:
            return self._report(
                Problem.REMOVED,
                row,
                gettext(
                    "Händelse %(seq)s (id %(id)s) är oförändrad men länkar inte till händelsen "
                    "före: en händelse före den har tagits bort eller bytts ut."
                )
                % {"seq": row.seq, "id": row.id},
            )
        if not authentic:
            skipped = (
                next_row is not None
                and next_row.prev_hash == self.last_hash
                and next_row.prev_hash != row.hash
            )
            if skipped:
                message = gettext(
                    "Händelse %(seq)s (id %(id)s) har lagts till i efterhand: kontrollsumman är "
                    "ogiltig och nästa händelse länkar förbi den till händelsen före."
                )
                return self._report(Problem.INSERTED, row, message % {"seq": row.seq, "id": row.id})
            if linked:
                message = gettext(
                    "Händelse %(seq)s (id %(id)s) har ändrats i efterhand: innehållet stämmer "
                    "inte med kontrollsumman."
                )
            else:
                message = gettext(
                    "Händelse %(seq)s (id %(id)s) stämmer varken med sin kontrollsumma eller med "
                    "händelsen före: den har ändrats, eller händelser före den har tagits bort "
                    "och resten numrerats om."
                )
            return self._report(Problem.ALTERED, row, message % {"seq": row.seq, "id": row.id})
        self.checked += 1
        self.last_seq, self.last_hash, self.last_id = row.seq, row.hash, row.id
        return None

    def head_problem(self, head: _Head | None) -> ChainReport | None:
        """The head must name the last row: a longer head means rows were cut off the end."""
        if head is None:
            return None  # No rows either (or head_missing() would have said so): a fresh log.
        if head.last_seq > self.last_seq:
            return self._report(
                Problem.REMOVED,
                None,
                gettext(
                    "Händelse %(missing)s saknas i slutet av loggen: kedjans huvud anger "
                    "%(head)s som sista händelse."
                )
                % {"missing": _span(self.last_seq + 1, head.last_seq), "head": head.last_seq},
                seq=self.last_seq + 1,
            )
        if head.last_seq < self.last_seq or head.last_hash != self.last_hash:
            return self._report(
                Problem.HEAD,
                None,
                gettext(
                    "Kedjans huvud (händelse %(head)s) stämmer inte med sista händelsen "
                    "%(seq)s (id %(id)s)."
                )
                % {"head": head.last_seq, "seq": self.last_seq, "id": self.last_id},
                seq=self.last_seq,
                event_id=self.last_id,
            )
        return None

    def head_missing(self, row: _Row) -> ChainReport:
        return self._report(
            Problem.HEAD,
            row,
            gettext(
                "Kedjans huvud saknas fast loggen har händelser, den första med löpnummer "
                "%(seq)s (id %(id)s)."
            )
            % {"seq": row.seq, "id": row.id},
        )

    def beyond_head(self, row: _Row, head: _Head) -> ChainReport:
        return self._report(
            Problem.INSERTED,
            row,
            gettext(
                "Händelse %(seq)s (id %(id)s) har lagts till i efterhand: den ligger efter "
                "kedjans sista registrerade händelse %(head)s."
            )
            % {"seq": row.seq, "id": row.id, "head": head.last_seq},
        )

    def _report(
        self,
        kind: Problem,
        row: _Row | None,
        problem: str,
        *,
        seq: int | None = None,
        event_id: int | None = None,
    ) -> ChainReport:
        return ChainReport(
            ok=False,
            checked=self.checked,
            problem=problem,
            kind=kind,
            seq=row.seq if row else seq,
            event_id=row.id if row else event_id,
        )


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _read_head() -> _Head | None:
    head = (
        ChainHead.objects.filter(pk=ChainHead.SINGLETON_ID)
        .values_list("last_seq", "last_hash")
        .first()
    )
    return _Head(*head) if head else None


def _rows_after(seq: int | None, chunk_size: int) -> Iterator[_Row]:
    """Rows in chain order, a chunk at a time, so millions of rows never sit in memory.
    Tuples rather than model instances or dicts: a third faster at a million rows."""
    events = AuditEvent.objects.filter(seq__isnull=False)
    if seq is not None:
        events = events.filter(seq__gt=seq)
    rows = (
        events.order_by("seq", "pk")
        .values_list("id", "prev_hash", "hash", *CHAINED_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    for event_id, prev_hash, event_hash, *values in rows:
        content = dict(zip(CHAINED_FIELDS, values, strict=True))
        yield _Row(event_id, content["seq"], prev_hash, event_hash, content)


def _reading() -> AbstractContextManager[object]:
    """On PostgreSQL, walk inside a transaction: outside one, Django declares its server-side
    cursor WITH HOLD, and PostgreSQL then copies the whole result set before the first row
    arrives. Not on SQLite, where Samla's settings begin every transaction IMMEDIATE, which
    would hold up every writer, and so every logged read, until the walk ends."""
    if connection.vendor == "postgresql":
        return transaction.atomic()
    return nullcontext()


def _with_next(rows: Iterator[_Row]) -> Iterator[tuple[_Row, _Row | None]]:
    previous: _Row | None = None
    for row in rows:
        if previous is not None:
            yield previous, row
        previous = row
    if previous is not None:
        yield previous, None


@dataclass
class _Unsealed:
    count: int = 0
    oldest: datetime | None = None


def _check_unsealed(key: bytes, chunk_size: int, found: _Unsealed) -> ChainReport | None:
    """Each event not yet sealed must carry its own valid mac."""
    rows = (
        AuditEvent.objects.filter(seq=None)
        .order_by("pk")
        .values_list("id", "mac", *SIGNED_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    for event_id, mac, *values in rows:
        content = dict(zip(SIGNED_FIELDS, values, strict=True))
        if not signed(content, mac, key=key):
            return ChainReport(
                ok=False,
                checked=0,
                problem=gettext(
                    "Händelse id %(id)s, som ännu inte har förseglats i kedjan, stämmer inte "
                    "med sin kontrollsumma: den har ändrats eller lagts till i efterhand."
                )
                % {"id": event_id},
                kind=Problem.ALTERED if mac else Problem.INSERTED,
                event_id=event_id,
            )
        found.count += 1
        created_at = content["created_at"]
        if found.oldest is None or created_at < found.oldest:
            found.oldest = created_at
    return None


def verify_chain(*, chunk_size: int = CHUNK_SIZE) -> ChainReport:
    """Check every event not yet sealed against its own mac, then walk the chain in sequence
    order, and report the first sign of tampering.

    In that order, so that an event the sealer seals meanwhile is still checked, by the walk.
    Events keep being sealed while the walk runs. A batch of seals and its head update commit
    together, so the head is re-read whenever a row seems to lie beyond it, and the walk goes on
    past its first snapshot until the head and the last row agree.
    """
    key = audit_key()
    unsealed = _Unsealed()
    problem = _check_unsealed(key, chunk_size, unsealed)
    if problem is not None:
        return problem
    report = _walk_chain(key, chunk_size)
    if not report.ok:
        return report
    return replace(report, unsealed=unsealed.count, oldest_unsealed=unsealed.oldest)


def _walk_chain(key: bytes, chunk_size: int) -> ChainReport:
    walk = _Walk(key)
    with _reading():
        head = _read_head()
        after: int | None = None
        while True:
            seen_any = False
            for row, next_row in _with_next(_rows_after(after, chunk_size)):
                seen_any = True
                if head is None or row.seq > head.last_seq:
                    head = _read_head()
                    if head is None:
                        return walk.head_missing(row)
                    if row.seq > head.last_seq:
                        return walk.beyond_head(row, head)
                problem = walk.problem(row, next_row)
                if problem is not None:
                    return problem
            after = walk.last_seq
            head = _read_head()
            if seen_any and head is not None and head.last_seq > walk.last_seq:
                continue  # Events appended since the walk began: check them too.
            problem = walk.head_problem(head)
            if problem is not None:
                return problem
            return ChainReport(ok=True, checked=walk.checked)
