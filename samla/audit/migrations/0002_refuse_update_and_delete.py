"""Database triggers that refuse UPDATE and DELETE on the audit log, whoever sends them.

AuditEvent refuses changes in Python; these refuse them from raw SQL, a shell or another client
too. Someone with rights to drop or disable triggers can still get round them: the hash chain
(chain.py, manage.py verify_audit) is what shows that they did.

TRUNCATE is left alone: Django's test flush uses it on PostgreSQL, and a truncated log is
caught by verify_audit anyway (the chain head still names the last event).

On SQLite, a later migration that rebuilds the audit_auditevent table (most AlterField and
RemoveField operations do) drops these triggers with the old table and must create them again.
The tests that send raw UPDATE and DELETE fail if that is forgotten.
"""

from django.db import migrations

TABLE = "audit_auditevent"

SQLITE_CREATE = [
    f"""
    CREATE TRIGGER audit_auditevent_refuse_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: UPDATE refused'); END
    """,
    f"""
    CREATE TRIGGER audit_auditevent_refuse_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: DELETE refused'); END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_refuse_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_refuse_delete",
]

# restrict_violation (23001) so that both databases raise django.db.IntegrityError.
POSTGRESQL_CREATE = [
    f"""
    CREATE FUNCTION audit_auditevent_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{TABLE} is append-only: % refused', TG_OP
            USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    f"""
    CREATE TRIGGER audit_auditevent_refuse_change BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_change()
    """,
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS audit_auditevent_refuse_change ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_auditevent_refuse_change()",
]

STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP),
}


def _statements(schema_editor, index):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        # An audit log without the guard would be a silent downgrade: refuse to migrate.
        raise NotImplementedError(f"Samla's audit triggers support SQLite and PostgreSQL, not {vendor}.")
    return STATEMENTS[vendor][index]


def create_triggers(apps, schema_editor):
    for sql in _statements(schema_editor, 0):
        # params=None: the SQL holds a literal % that must not be read as a placeholder.
        schema_editor.execute(sql, params=None)


def drop_triggers(apps, schema_editor):
    for sql in _statements(schema_editor, 1):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_audit_event_and_chain"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
