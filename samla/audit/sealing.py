"""The sealer: gives committed events their place in the hash chain (ADR 0017).

``record()`` appends an event with its own mac and no place in the chain, without any lock, so
no reader of person data ever waits for another. Here, in short batches, one sealer at a time
(the lock on ``ChainHead``, which nothing else takes) finds the events that have committed and
have no ``seq`` yet, checks each one's mac, and gives it the next ``seq``, the previous event's
hash and its own chain hash. The scheduler runs it every ``SAMLA_AUDIT_SEAL_SECONDS``;
``manage.py seal_audit`` runs it once.

The order of the chain is the order the sealer finds events in: by id among those committed
when it looks. An event whose transaction commits late (a long export) is sealed in a later
round, after events with higher ids; its ``created_at`` still says when it happened.

An event whose mac does not hold is never sealed: sealing it would vouch for it. It stays
unsealed, reported by every run and by ``verify_audit``, until someone looks into it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import connection, transaction

from samla.audit import chain
from samla.audit.models import GENESIS_HASH, AuditEvent, ChainHead

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000


@dataclass
class Sealed:
    """What one run did: how many events it sealed, and the ids of those it refused."""

    count: int = 0
    refused: list[int] = field(default_factory=list)


def seal(*, batch_size: int = BATCH_SIZE) -> Sealed:
    """Seal every event committed and unsealed when the run reaches it, a batch per
    transaction, so the lock on the head is held for one batch at a time."""
    sealed = Sealed()
    after = 0
    while True:
        last_id, count, refused = _seal_batch(after, batch_size)
        sealed.count += count
        sealed.refused += refused
        if last_id is None:
            break
        after = last_id
    for event_id in sealed.refused:
        logger.error("Audit event id %s does not match its mac and was not sealed.", event_id)
    return sealed


@transaction.atomic
def _seal_batch(after: int, batch_size: int) -> tuple[int | None, int, list[int]]:
    # get_or_create, as record() once did: a flushed test database has no head row.
    head, _ = ChainHead.objects.select_for_update().get_or_create(
        pk=ChainHead.SINGLETON_ID, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
    )
    rows = list(
        AuditEvent.objects.filter(seq=None, pk__gt=after)
        .order_by("pk")
        .values_list("id", "mac", *chain.SIGNED_FIELDS)[:batch_size]
    )
    if not rows:
        return None, 0, []
    key = chain.audit_key()
    seq, previous = head.last_seq, head.last_hash
    updates: list[tuple[int, str, str, int]] = []
    refused: list[int] = []
    for event_id, mac, *values in rows:
        content = dict(zip(chain.SIGNED_FIELDS, values, strict=True))
        if not chain.signed(content, mac, key=key):
            refused.append(event_id)
            continue
        seq += 1
        content["seq"] = seq
        event_hash = chain.compute_hash(previous, content, key=key)
        updates.append((seq, previous, event_hash, event_id))
        previous = event_hash
    if updates:
        table = AuditEvent._meta.db_table
        with connection.cursor() as cursor:
            # The one UPDATE the log's triggers allow (migration 0004): a place given once.
            cursor.executemany(
                f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s "  # noqa: S608
                "WHERE id = %s AND seq IS NULL",
                updates,
            )
        head.last_seq, head.last_hash = seq, previous
        head.save(update_fields=["last_seq", "last_hash"])
    return rows[-1][0], len(updates), refused
