"""Prepared statements on PostgreSQL (ADR 0020, proposed).

With ``SAMLA_PG_SERVER_SIDE_BINDING`` on, psycopg sends a query's values apart from its SQL and
prepares a statement that a connection has run five times; PostgreSQL may then plan it once for
any values (a generic plan) instead of on every page. That suits nearly every query of Samla's.
A search by name it does not: whether walking the list in order or the trigram index is the
faster way depends on how common the words are, which a generic plan cannot know (a common name
took 13 ms instead of 3 at 50 000 participants). Such a query asks ``plan_with_values()`` first.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections


def plan_with_values(using: str = DEFAULT_DB_ALIAS) -> None:
    """For the rest of the current transaction, PostgreSQL plans each statement with its values.
    Nothing to do without prepared statements (SQLite, or the setting off)."""
    connection = connections[using]
    if not getattr(connection.features, "uses_server_side_binding", False):
        return
    assert connection.in_atomic_block, "SET LOCAL lasts to the end of a transaction: open one"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
