"""The restore drill (issue 17 item 7, docs/operations.md): `manage.py backup` while Samla's data
is in the database, the backup restored as the runbook says, and then, against the restored
copy, `manage.py verify_audit` passes and the figures are the same as before.

SQLite: the online backup API, checked against the copy. PostgreSQL (the test cluster of
scripts/test-postgres): pg_dump's custom format, pg_restore into a fresh database. Each runs on
its own database only (``connection.vendor``), so the module runs in both passes.
"""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.db import connection

from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.indicators import dimensions as d
from samla.indicators.dashboards import Dashboard
from samla.indicators.figures import Filters, Scope
from samla.indicators.recording import Recorder
from samla.indicators.tests.builders import TODAY, data_set
from samla.measurements.models import Measurement
from samla.organisations.models import Association
from samla.people.models import Consent, Participant
from samla.people.tests.cast import build_cast
from samla.referrals.models import Referral
from samla.statistics.tables import Table
from samla.web.management.commands.backup import libpq_conninfo

ROOT = Path(__file__).resolve().parents[3]


def figures(association_id: int) -> dict[str, Any]:
    """What the drill compares before and after: the rows that matter, and two of the
    association dashboard's tables cell by cell (suppression included)."""
    dashboard = Dashboard(
        Scope.of_association(Association.objects.get(pk=association_id), today=TODAY),
        Filters(),
        publisher=Recorder(),
    )
    f = dashboard.figures

    def cells(table: Table) -> list[list[Any]]:
        return [
            [row.key, column.key, table.cell(row.key, column.key).value]
            for row in table.rows
            for column in table.columns
        ] + [["total", "total", table.total.value]]

    return {
        "participants": Participant.objects.count(),
        "consents": Consent.objects.count(),
        "referrals": Referral.objects.count(),
        "measurements": Measurement.objects.count(),
        "audit events": AuditEvent.objects.count(),
        "started": cells(f.table(f.started(), "t", d.MUNICIPALITY, d.SEX)),
        "ended": cells(f.table(f.ended(), "t", d.EXIT_REASON, d.SEX)),
    }


@pytest.fixture
def association_id(transactional_db: None) -> int:
    """Committed data (a backup sees only what is committed): the cast, 60 generated
    participations with measurements, and reads of every participant logged."""
    cast = build_cast()
    data_set(cast, count=60, seed=17)
    for participant in Participant.objects.all():
        record(
            actor=cast.kim,
            action=AuditEvent.Action.VIEW,
            obj=participant,
            participant_id=participant.pk,
            summary="Översikt",
        )
    # Sealed into the chain, as the scheduler does within seconds: verify_audit then proves the
    # whole chain, not each event on its own.
    call_command("seal_audit", stdout=io.StringIO())
    return cast.association.pk


def _env(database_url: str) -> dict[str, str]:
    """A process of its own on another database, with the test run's settings otherwise (the
    same SECRET_KEY and SAMLA_AUDIT_KEY: the chain verifies only with the key it was made with)."""
    left_out = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in left_out}
    return env | {"DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database_url}


def _manage(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(database_url),
        capture_output=True,
        text=True,
    )


def assert_restored(database_url: str, association_id: int, before: dict[str, Any]) -> None:
    """`manage.py verify_audit` on the restored copy, then its figures, in one process on it
    (a process of Django's costs seconds)."""
    done = _manage(
        "shell",
        "-c",
        "import json; from django.core.management import call_command; "
        "from samla.web.tests.test_backups import figures; "
        "call_command('verify_audit'); "
        f"print(json.dumps(figures({association_id})))",
        database_url=database_url,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    *verified, shown = done.stdout.strip().splitlines()
    [whole] = [line for line in verified if "Granskningsloggen är hel" in line]
    assert f"{before['audit events']} händelser kontrollerade" in whole
    assert json.loads(shown) == json.loads(json.dumps(before))


# Skipped by a mark, before association_id builds and commits its data for nothing.
@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's online backup; the PostgreSQL drill is the test below",
)
def test_sqlite_online_backup_restores_with_the_chain_whole_and_the_same_figures(
    association_id: int, tmp_path: Path
) -> None:
    before = figures(association_id)
    assert before["participants"] > 60 and before["audit events"] > 60
    copy = tmp_path / "samla.sqlite3"

    call_command("backup", str(copy))

    assert_restored(f"sqlite:///{copy}", association_id, before)


def test_backup_never_overwrites_a_file(tmp_path: Path) -> None:
    existing = tmp_path / "samla.backup"
    existing.write_bytes(b"yesterday's backup")

    with pytest.raises(Exception, match="finns redan"):
        call_command("backup", str(existing))

    assert existing.read_bytes() == b"yesterday's backup"
    assert [p.name for p in tmp_path.iterdir()] == ["samla.backup"]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_dump and pg_restore; the SQLite backup is the test above",
)
def test_pg_dump_restored_into_a_fresh_database_with_the_chain_whole_and_the_same_figures(
    association_id: int, tmp_path: Path
) -> None:
    before = figures(association_id)
    assert before["participants"] > 60 and before["audit events"] > 60
    dump = tmp_path / "samla.dump"

    call_command("backup", str(dump))

    # The runbook's restore: an empty database, pg_restore into it.
    restored = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cursor.execute(f'CREATE DATABASE "{restored}"')
    conninfo = libpq_conninfo(dbname=restored)
    try:
        done = subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", conninfo, str(dump)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        url = urlsplit(os.environ["DATABASE_URL"])
        assert_restored(urlunsplit(url._replace(path=f"/{restored}")), association_id, before)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the name's ending differs by database; SQLite's is enough",
)
@pytest.mark.django_db(transaction=True)  # a backup sees what is committed
def test_backup_into_a_directory_is_named_by_the_time_it_was_taken(tmp_path: Path) -> None:
    call_command("backup", str(tmp_path))

    [copy] = tmp_path.iterdir()
    assert re.fullmatch(r"samla-\d{8}-\d{6}\.sqlite", copy.name)
    with closing(sqlite3.connect(copy)) as opened:
        tables = {name for (name,) in opened.execute("SELECT name FROM sqlite_master")}
    assert {"django_migrations", "audit_auditevent", "people_participant"} <= tables


@pytest.mark.django_db
def test_backup_refuses_to_run_inside_a_transaction(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="inifrån en transaktion"):
        call_command("backup", str(tmp_path / "samla.backup"))

    assert list(tmp_path.iterdir()) == []
