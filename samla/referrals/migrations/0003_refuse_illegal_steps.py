"""Database triggers that refuse an UPDATE moving a referral between two states that
``Referral.ALLOWED`` does not connect (say, from sent straight to started).

``Referral.transition()`` refuses such a step in Python; these refuse it from
``QuerySet.update()``, raw SQL, a shell or another client too. The table of steps is copied here
as it stood when this migration was written: a later change to ``Referral.ALLOWED`` needs a
migration that replaces these triggers, and the test that compares the two fails until it has
one (samla/referrals/tests/test_database_guards.py).

On SQLite, a later migration that rebuilds the referrals_referral table (most AlterField and
RemoveField operations do) drops this trigger with the old table and must create it again.
"""

from django.db import migrations

TABLE = "referrals_referral"
NAME = "referrals_referral_refuse_illegal_step"
MESSAGE = f"{TABLE}: this change of state is not an allowed step"
STEPS = [
    ("sent", "received"),
    ("sent", "declined"),
    ("sent", "withdrawn"),
    ("received", "accepted"),
    ("received", "waitlisted"),
    ("received", "declined"),
    ("received", "withdrawn"),
    ("accepted", "started"),
    ("accepted", "declined"),
    ("accepted", "withdrawn"),
    ("waitlisted", "offered"),
    ("waitlisted", "declined"),
    ("waitlisted", "withdrawn"),
    ("offered", "accepted"),
    ("offered", "declined"),
    ("offered", "withdrawn"),
    ("started", "ended"),
    ("ended", "started"),
    ("declined", "sent"),
    ("withdrawn", "sent"),
]
ALLOWED_SQL = ", ".join(f"'{a}>{b}'" for a, b in STEPS)

SQLITE_CREATE = [
    f"""
    CREATE TRIGGER {NAME} BEFORE UPDATE OF state ON {TABLE}
    WHEN NEW.state IS NOT OLD.state AND (OLD.state || '>' || NEW.state) NOT IN ({ALLOWED_SQL})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {NAME}"]

# restrict_violation (23001) so that both databases raise django.db.IntegrityError.
POSTGRESQL_CREATE = [
    f"""
    CREATE FUNCTION {NAME}() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.state IS DISTINCT FROM OLD.state
           AND (OLD.state || '>' || NEW.state) NOT IN ({ALLOWED_SQL}) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    f"""
    CREATE TRIGGER {NAME} BEFORE UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {NAME}()
    """,
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS {NAME} ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {NAME}()",
]

STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP),
}


def _statements(schema_editor, index):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(
            f"Samla's referral triggers support SQLite and PostgreSQL, not {vendor}."
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
        ("referrals", "0002_waitlist_offers_and_automatic_steps"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
