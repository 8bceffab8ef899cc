"""Database triggers that mark a participant stale (``indicators_staleparticipant``) whenever
something the dashboards count of them changes: a referral, a measurement or its income sources,
a target group, or their sex, birth date or home municipality (issue 17 item 2).
``samla.indicators.rollups.refresh`` then computes their rows in ``indicators_rollup`` again.

Triggers, not Python: every way of writing reaches them, ``QuerySet.update()``, bulk inserts,
the import's COPY and raw SQL included. On PostgreSQL they run once per statement over its
transition table, so a bulk write marks each participant once; on SQLite once per row.

On SQLite, a later migration that rebuilds one of these tables (most AlterField and RemoveField
operations do) drops its triggers with the old table and must create them again: the rollup's
tests then fail (samla/indicators/tests/test_rollups.py).

Last, every participant who has a referral is marked, so the first refresh builds the rollup.
"""

from django.db import migrations

STALE = "indicators_staleparticipant"

# (table, events, the participant of a changed row ``changed``)
REFERRAL_OF = "(SELECT participant_id FROM referrals_referral WHERE id = {row}.referral_id)"
SOURCES = [
    ("referrals_referral", ("INSERT", "UPDATE", "DELETE"), "{row}.participant_id"),
    ("people_participant_target_groups", ("INSERT", "UPDATE", "DELETE"), "{row}.participant_id"),
    ("measurements_measurement", ("INSERT", "UPDATE", "DELETE"), REFERRAL_OF),
    (
        "measurements_incomesource",
        ("INSERT", "UPDATE", "DELETE"),
        "(SELECT r.participant_id FROM measurements_measurement m"
        " JOIN referrals_referral r ON r.id = m.referral_id WHERE m.id = {row}.measurement_id)",
    ),
]
# Of the participant's own row, only what a dimension counts by.
PARTICIPANT = "people_participant"
COUNTED = ("sex", "birth_date", "home_municipality_id")


def _name(table, event):
    return f"indicators_stale_{table}_{event.lower()}"


def sqlite_statements():
    create, drop = [], []
    for table, events, participant in SOURCES:
        for event in events:
            row = "OLD" if event == "DELETE" else "NEW"
            who = participant.format(row=row)
            create.append(
                f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} "
                f"BEGIN INSERT INTO {STALE} (participant_id) SELECT {who} WHERE {who} IS NOT NULL; "
                "END"
            )
            drop.append(f"DROP TRIGGER IF EXISTS {_name(table, event)}")
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in COUNTED)
    create.append(
        f"CREATE TRIGGER {_name(PARTICIPANT, 'UPDATE')} AFTER UPDATE OF {', '.join(COUNTED)} "
        f"ON {PARTICIPANT} WHEN {changed} "
        f"BEGIN INSERT INTO {STALE} (participant_id) VALUES (NEW.id); END"
    )
    drop.append(f"DROP TRIGGER IF EXISTS {_name(PARTICIPANT, 'UPDATE')}")
    return create, drop


def _postgresql_trigger(table, event, select, referencing):
    name = _name(table, event)
    create = [
        f"""
        CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {STALE} (participant_id)
            SELECT DISTINCT participant FROM ({select}) AS marked WHERE participant IS NOT NULL;
            RETURN NULL;
        END
        $$
        """,
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]
    drop = [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
    return create, drop


def postgresql_statements():
    create, drop = [], []
    for table, events, participant in SOURCES:
        for event in events:
            kind = "OLD" if event == "DELETE" else "NEW"
            select = f"SELECT {participant.format(row='changed')} AS participant FROM changed"
            c, d = _postgresql_trigger(table, event, select, f"{kind} TABLE AS changed")
            create += c
            drop += d
    differs = " OR ".join(f"changed.{c} IS DISTINCT FROM before.{c}" for c in COUNTED)
    select = (
        "SELECT changed.id AS participant FROM changed JOIN before ON before.id = changed.id "
        f"WHERE {differs}"
    )
    c, d = _postgresql_trigger(
        PARTICIPANT, "UPDATE", select, "OLD TABLE AS before NEW TABLE AS changed"
    )
    return create + c, drop + d


def _statements(schema_editor, index):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        return sqlite_statements()[index]
    if vendor == "postgresql":
        return postgresql_statements()[index]
    raise NotImplementedError(
        f"Samla's rollup triggers support SQLite and PostgreSQL, not {vendor}."
    )


def create_triggers(apps, schema_editor):
    for sql in _statements(schema_editor, 0):
        schema_editor.execute(sql, params=None)
    schema_editor.execute(
        f"INSERT INTO {STALE} (participant_id) "
        "SELECT DISTINCT participant_id FROM referrals_referral",
        params=None,
    )


def drop_triggers(apps, schema_editor):
    for sql in _statements(schema_editor, 1):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_rollups"),
        ("measurements", "0001_measurements_and_local_questions"),
        ("people", "0003_search_name"),
        ("referrals", "0004_attendance"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
