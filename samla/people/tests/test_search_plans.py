"""A search by name with prepared statements on (ADR 0020, proposed): each search is planned
with its words, however often the same statement has run on the connection."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection, transaction
from django.test import Client

from samla.people.tests.cast import Cast, sign_in
from samla.prepared import plan_with_values


def plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


@pytest.fixture
def prepared_statements(db: None) -> Iterator[None]:
    """This test's connection with the values bound by the server, as
    ``SAMLA_PG_SERVER_SIDE_BINDING=1`` makes every connection (psycopg then prepares what it runs
    five times), without leaving the test's transaction."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    was = raw.cursor_factory
    raw.cursor_factory = psycopg.Cursor
    connection.features.uses_server_side_binding = True  # type: ignore[attr-defined]
    try:
        yield
    finally:
        raw.cursor_factory = was
        del connection.features.uses_server_side_binding  # type: ignore[attr-defined]


def test_a_search_by_name_is_planned_with_its_words(
    cast: Cast, client: Client, prepared_statements: None
) -> None:
    sign_in(client, cast.kim)
    assert plan_cache_mode() == "auto"
    for _ in range(7):  # prepared after the fifth
        assert "Pia Persson" in client.get("/deltagare/", {"q": "pers"}).content.decode()
        assert "Pia Persson" not in client.get("/deltagare/", {"q": "nils"}).content.decode()
    # Set by the search for the rest of its transaction, which here is the test's own.
    assert plan_cache_mode() == "force_custom_plan"


def test_without_prepared_statements_nothing_is_asked_of_the_database(db: None) -> None:
    with transaction.atomic():
        plan_with_values()
        if connection.vendor == "postgresql":
            assert plan_cache_mode() == "auto"
