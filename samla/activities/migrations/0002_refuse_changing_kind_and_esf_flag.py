"""Database triggers that refuse an UPDATE changing an activity's kind or ESF co-funding.

``Activity.save()`` refuses such a change in Python; these refuse it from ``QuerySet.update()``,
raw SQL, a shell or another client too. Other columns stay editable.

On SQLite, a later migration that rebuilds the activities_activity table (most AlterField and
RemoveField operations do) drops this trigger with the old table and must create it again. The
tests that send a raw UPDATE fail if that is forgotten.
"""

from django.db import migrations

TABLE = "activities_activity"
MESSAGE = f"{TABLE}: kind and esf_cofunded are fixed once created"

SQLITE_CREATE = [
    f"""
    CREATE TRIGGER activities_activity_refuse_fixed_change BEFORE UPDATE ON {TABLE}
    WHEN NEW.kind IS NOT OLD.kind OR NEW.esf_cofunded IS NOT OLD.esf_cofunded
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS activities_activity_refuse_fixed_change"]

# restrict_violation (23001) so that both databases raise django.db.IntegrityError.
POSTGRESQL_CREATE = [
    f"""
    CREATE FUNCTION activities_activity_refuse_fixed_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.kind IS DISTINCT FROM OLD.kind
           OR NEW.esf_cofunded IS DISTINCT FROM OLD.esf_cofunded THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    f"""
    CREATE TRIGGER activities_activity_refuse_fixed_change BEFORE UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION activities_activity_refuse_fixed_change()
    """,
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS activities_activity_refuse_fixed_change ON {TABLE}",
    "DROP FUNCTION IF EXISTS activities_activity_refuse_fixed_change()",
]

STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP),
}


def _statements(schema_editor, index):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(
            f"Samla's activity triggers support SQLite and PostgreSQL, not {vendor}."
        )
    return STATEMENTS[vendor][index]


def create_triggers(apps, schema_editor):
    for sql in _statements(schema_editor, 0):
        schema_editor.execute(sql, params=None)


def drop_triggers(apps, schema_editor):
    for sql in _statements(schema_editor, 1):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("activities", "0001_activity_catalogue"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
