"""``manage.py backup FILE``: a consistent copy of the database, taken while Samla runs.

FILE may be a directory: the copy is then named by the time it was taken
(``samla-20260115-023000.dump``), as the nightly samla-backup.service does.

PostgreSQL: ``pg_dump`` in its custom format, which ``pg_restore`` reads; SQLite: the online
backup API (``sqlite3.Connection.backup``), a database file of its own. The copy is written next
to FILE under a temporary name and renamed only when it is whole, so a file with the name asked
for is always a complete backup. How to restore, and the drill that proves it, are in
docs/operations.md (the drill runs in samla/web/tests/test_backups.py).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone
from psycopg.conninfo import make_conninfo


class Command(BaseCommand):
    help = "Säkerhetskopierar databasen till en fil (pg_dump på PostgreSQL, en kopia på SQLite)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            type=Path,
            help="Filen som skrivs (den får inte finnas), eller en mapp att skriva en fil i.",
        )
        parser.add_argument(
            "--pg-dump",
            default=os.environ.get("SAMLA_PG_DUMP", "pg_dump"),
            help="pg_dump att köra (samma huvudversion som servern eller nyare).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["file"]
        if connection.in_atomic_block:
            # A backup holds what is committed; SQLite's would wait for this transaction forever.
            raise CommandError("En säkerhetskopia tas inte inifrån en transaktion.")
        if target.is_dir():
            suffix = "dump" if connection.vendor == "postgresql" else connection.vendor
            target = target / f"samla-{timezone.localtime():%Y%m%d-%H%M%S}.{suffix}"
        if target.exists():
            raise CommandError(f"{target} finns redan; en säkerhetskopia skrivs aldrig över.")
        partial = target.with_name(f".{target.name}.partial")
        partial.unlink(missing_ok=True)
        try:
            if connection.vendor == "postgresql":
                _pg_dump(partial, options["pg_dump"])
            elif connection.vendor == "sqlite":
                _sqlite_backup(partial)
            else:
                raise CommandError(f"Databasen {connection.vendor} kan inte säkerhetskopieras här.")
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"Säkerhetskopian är skriven: {target} ({target.stat().st_size} byte)."
            )
        )


def _pg_dump(path: Path, pg_dump: str) -> None:
    """The database Samla is connected to, dumped by pg_dump with the same connection settings
    (a password through the environment, never on the command line)."""
    env = os.environ.copy()
    if connection.settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(connection.settings_dict["PASSWORD"])
    # The program is the operator's own setting, its arguments Samla's.
    done = subprocess.run(  # noqa: S603
        [pg_dump, "--format=custom", f"--file={path}", "--dbname", libpq_conninfo()],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise CommandError(f"pg_dump misslyckades: {done.stderr.strip()}")


def libpq_conninfo(**changes: str) -> str:
    """Samla's database connection as a libpq connection string, for PostgreSQL's own programs:
    every plain setting Django connects with (host, port, user, sslmode...) but the password and
    the per-connection options meant for Samla's own queries (its statement timeout)."""
    params = connection.get_connection_params() | changes
    plain = {
        key: value
        for key, value in params.items()
        if isinstance(value, str | int) and key not in {"password", "options"}
    }
    return make_conninfo("", **plain)


def _sqlite_backup(path: Path) -> None:
    """SQLite's online backup: a consistent snapshot even while the web server and the worker
    write (the copy waits out a writer's transaction, never a half-done one)."""
    connection.ensure_connection()
    source = connection.connection
    assert isinstance(source, sqlite3.Connection)
    with closing(sqlite3.connect(path)) as copy:
        source.backup(copy)
