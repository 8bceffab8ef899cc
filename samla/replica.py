"""Heavy reads on a PostgreSQL streaming replica (issue 17, docs/deployment.md).

With ``DATABASE_REPLICA_URL`` set, ``config/settings.py`` adds the database alias ``replica`` and
this module's router. Every query still goes to the primary (``default``), except the reads made
inside ``with reading_from_replica():``, which the dashboards, their exports and the reports'
figures use around building their counts. Even there a read goes to the primary when:

- no replica is configured (the setting empty: one database, as before);
- it is made inside a transaction on the primary: a transaction that wrote must read its own
  writes, and an access function that reads a person writes its audit row in the same
  transaction as the read (ADR 0003), so a person-level read never reaches the replica.

Every write goes to the primary, whichever database the object was read from. A replica lags
the primary by a moment; counts built from it may miss the last second's changes, which the
dashboards' figures (released once a day, ADR 0012) tolerate and a person's page would not.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

REPLICA = "replica"

_reading_from_replica: ContextVar[bool] = ContextVar("samla_reading_from_replica", default=False)


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Reads inside go to the replica, if there is one and no transaction is open."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def read_alias() -> str:
    """The database a read made here and now goes to."""
    if (
        _reading_from_replica.get()
        and REPLICA in settings.DATABASES
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    ):
        return REPLICA
    return DEFAULT_DB_ALIAS


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: reads by ``read_alias``, writes and migrations on the primary."""

    def db_for_read(self, model: type[Model], **hints: object) -> str:
        return read_alias()

    def db_for_write(self, model: type[Model], **hints: object) -> str:
        # Explicitly the primary: Django would otherwise save an object where it was read from.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: object) -> bool:
        return True  # the replica holds the primary's rows: one database, two doors

    def allow_migrate(self, db: str, app_label: str, **hints: object) -> bool:
        return db == DEFAULT_DB_ALIAS
