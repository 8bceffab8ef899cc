"""Database triggers that keep a published questionnaire version's wording fixed.

``QuestionnaireVersion.save()`` and ``Question.save()`` refuse in Python; these refuse the same
from ``QuerySet.update()``, ``bulk_create()``, raw SQL, a shell or another client:

- no UPDATE of a version once it is published (publishing itself is the update that sets
  ``published_at`` on a draft, and is let through);
- no INSERT or UPDATE of a question that belongs, or would move, to a published version.

DELETE is left to ``delete()`` in Python and to the PROTECT keys from answers: a trigger on
DELETE would stop the test database's flush on SQLite.

On SQLite, a later migration that rebuilds one of these tables (most AlterField and RemoveField
operations do) drops its trigger with the old table and must create it again. The tests that
send a raw UPDATE fail if that is forgotten.
"""

from django.db import migrations

VERSIONS = "surveys_questionnaireversion"
QUESTIONS = "surveys_question"
MESSAGE = "surveys: a published questionnaire version is fixed"

SQLITE_CREATE = [
    f"""
    CREATE TRIGGER surveys_version_refuse_change BEFORE UPDATE ON {VERSIONS}
    WHEN OLD.published_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER surveys_question_refuse_insert BEFORE INSERT ON {QUESTIONS}
    WHEN (SELECT published_at FROM {VERSIONS} WHERE id = NEW.version_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER surveys_question_refuse_update BEFORE UPDATE ON {QUESTIONS}
    WHEN (SELECT published_at FROM {VERSIONS} WHERE id = OLD.version_id) IS NOT NULL
      OR (SELECT published_at FROM {VERSIONS} WHERE id = NEW.version_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS surveys_version_refuse_change",
    "DROP TRIGGER IF EXISTS surveys_question_refuse_insert",
    "DROP TRIGGER IF EXISTS surveys_question_refuse_update",
]

# restrict_violation (23001) so that both databases raise django.db.IntegrityError.
POSTGRESQL_CREATE = [
    f"""
    CREATE FUNCTION surveys_version_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.published_at IS NOT NULL THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    f"""
    CREATE TRIGGER surveys_version_refuse_change BEFORE UPDATE ON {VERSIONS}
    FOR EACH ROW EXECUTE FUNCTION surveys_version_refuse_change()
    """,
    f"""
    CREATE FUNCTION surveys_question_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM {VERSIONS}
            WHERE published_at IS NOT NULL
              AND (id = NEW.version_id OR (TG_OP = 'UPDATE' AND id = OLD.version_id))
        ) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    f"""
    CREATE TRIGGER surveys_question_refuse_change BEFORE INSERT OR UPDATE ON {QUESTIONS}
    FOR EACH ROW EXECUTE FUNCTION surveys_question_refuse_change()
    """,
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS surveys_question_refuse_change ON {QUESTIONS}",
    "DROP FUNCTION IF EXISTS surveys_question_refuse_change()",
    f"DROP TRIGGER IF EXISTS surveys_version_refuse_change ON {VERSIONS}",
    "DROP FUNCTION IF EXISTS surveys_version_refuse_change()",
]

STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP),
}


def _statements(schema_editor, index):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(
            f"Samla's survey triggers support SQLite and PostgreSQL, not {vendor}."
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
        ("surveys", "0001_questionnaires_rounds_and_anonymous_responses"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
