"""Inserting many rows of one model quickly, and getting their new keys back.

An import writes hundreds of thousands of rows in one transaction. ``bulk_create`` spends most of
that time in Python, building a model instance and preparing every field of every row, so on
PostgreSQL the rows go in with ``COPY`` instead: the keys are drawn from the table's sequence
first (so that the next table can point at them), then each row is streamed as a tuple. Elsewhere
(SQLite, one association's worth of data) ``bulk_create`` does the job and returns the keys too.

A row is a dict of field values by attribute name (``participant_id``, not ``participant``), as
plain Python values the driver adapts (text, numbers, dates, aware datetimes, None). Every field
not given takes its default exactly as ``Model()`` would, so a field added later with a default
needs no change here. Constraints, foreign keys and triggers apply as for any insert.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from django.db import connections, models, router

BATCH_SIZE = 2000


def insert(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert the rows and return their primary keys, in order."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        instances = [model(**row) for row in rows]
        model._default_manager.bulk_create(instances, batch_size=BATCH_SIZE)
        return [instance.pk for instance in instances]

    meta = model._meta
    assert meta.pk is not None
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    unknown = set(rows[0]) - {field.attname for field in fields}
    if unknown:
        raise ValueError(f"{meta.label} has no fields {sorted(unknown)}")
    defaults = {
        field.attname: field.get_db_prep_save(field.get_default(), connection) for field in fields
    }
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in [meta.pk.column, *(f.column for f in fields)])
    names = [field.attname for field in fields]
    # A row's values in the columns' order (itemgetter of one name gives the value, not a tuple).
    values_of = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(nextval(pg_get_serial_sequence(%s, %s))) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        keys: list[int] = cursor.fetchone()[0]  # one array: quicker than a row per key
        # The driver's own cursor: its errors are turned into Django's (IntegrityError, ...)
        # here, as Django's cursor does for every other statement.
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            write_row = copy.write_row
            for key, row in zip(keys, rows, strict=True):
                write_row((key, *values_of(defaults | row)))
    return keys


def check_constraints_now(model: type[models.Model]) -> None:
    """In the current transaction, check deferred constraints (Django's foreign keys) as each
    statement ends instead of all at the commit: on PostgreSQL, a long write then spends its
    time where its progress can be reported, and its commit is short. The same checks run."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
