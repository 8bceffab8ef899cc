"""What an attacker with database administrator rights can do, for tests that prove the hash
chain catches it. Ordinary code never gets round the triggers."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from samla.audit.models import AuditEvent

# The migration owns the trigger SQL; import it rather than keep a second copy that could drift.
_triggers = importlib.import_module("samla.audit.migrations.0004_sealed_afterwards")


def _execute(statements: Sequence[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@contextmanager
def triggers_disabled() -> Iterator[None]:
    """Drop the SQLite triggers, or disable them on PostgreSQL, for the block; restore after."""
    table = AuditEvent._meta.db_table
    if connection.vendor == "postgresql":
        disable = [f"ALTER TABLE {table} DISABLE TRIGGER USER"]
        enable = [f"ALTER TABLE {table} ENABLE TRIGGER USER"]
    else:
        disable, enable = _triggers.SQLITE_DROP, _triggers.SQLITE_CREATE
    with transaction.atomic():
        _execute(disable)
        try:
            yield
        finally:
            _execute(enable)


def tamper(sql: str, params: Sequence[Any] = ()) -> int:
    """Run one statement against the log with the triggers out of the way; return rows hit."""
    with triggers_disabled(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        hit: int = cursor.rowcount
        return hit


def insert_forged(event: AuditEvent) -> AuditEvent:
    """Insert a row as raw SQL would, without record(): no chain lock, no valid HMAC."""
    super(AuditEvent, event).save(force_insert=True)
    return event


def clear_log_for_flush() -> None:
    """Empty the log so that Django's flush between transactional tests can run.

    On SQLite the flush is ``DELETE FROM``, which the trigger refuses once a test has written
    events. PostgreSQL flushes with TRUNCATE, which row triggers do not see.
    """
    if connection.vendor != "sqlite":
        return
    with triggers_disabled(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table}")  # noqa: S608
