"""Events are sealed into the chain after they are written (ADR 0017).

``seq``, ``prev_hash`` and ``hash`` stay empty until the sealer fills them; ``mac`` signs the
event from the moment it is written. The triggers of migration 0002 are replaced by ones that
let exactly the sealer's update through: an unsealed row given its ``seq``, ``prev_hash`` and
``hash`` once, every other column unchanged. Everything else is refused as before.

On SQLite, altering ``seq`` rebuilds the table, which drops the old triggers with it; they are
created again here. A later migration that adds a column to the log must add it to
``SQLITE_UNCHANGED`` (PostgreSQL's trigger compares whole rows and needs nothing) and, on
SQLite, create the triggers again after any rebuild.
"""

from django.db import migrations, models

TABLE = "audit_auditevent"

# Every column the sealer must leave as it is (all but seq, prev_hash and hash).
SQLITE_UNCHANGED = (
    "id",
    "created_at",
    "actor_id",
    "actor_name",
    "organisation_id",
    "role",
    "participant_id",
    "action",
    "object_type",
    "object_id",
    "consent_id",
    "referral_id",
    "request_id",
    "flagged",
    "summary",
    "mac",
)
_SEALING = " AND ".join(
    ["OLD.seq IS NULL", "NEW.seq IS NOT NULL", "NEW.prev_hash != ''", "NEW.hash != ''"]
    + [f"NEW.{column} IS OLD.{column}" for column in SQLITE_UNCHANGED]
)

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_refuse_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_refuse_delete",
]
SQLITE_CREATE = [
    f"""
    CREATE TRIGGER audit_auditevent_refuse_update BEFORE UPDATE ON {TABLE}
    WHEN NOT ({_SEALING})
    BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: UPDATE refused'); END
    """,
    f"""
    CREATE TRIGGER audit_auditevent_refuse_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: DELETE refused'); END
    """,
]

_REFUSE = f"""
        RAISE EXCEPTION '{TABLE} is append-only: % refused', TG_OP
            USING ERRCODE = 'restrict_violation';
"""
POSTGRESQL_SEALING = f"""
    CREATE OR REPLACE FUNCTION audit_auditevent_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
            AND NEW.prev_hash <> '' AND NEW.hash <> ''
            AND to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash'
                = to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash'
        THEN
            RETURN NEW;
        END IF;{_REFUSE}
    END
    $$
"""
POSTGRESQL_REFUSE_ALL = f"""
    CREATE OR REPLACE FUNCTION audit_auditevent_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN{_REFUSE}
    END
    $$
"""


def _vendor(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"Samla's audit triggers support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def allow_sealing(apps, schema_editor):
    if _vendor(schema_editor) == "postgresql":
        statements = [POSTGRESQL_SEALING]  # the trigger of 0002 calls this function
    else:
        statements = SQLITE_DROP + SQLITE_CREATE
    for sql in statements:
        # params=None: the SQL holds a literal % that must not be read as a placeholder.
        schema_editor.execute(sql, params=None)


def refuse_all(apps, schema_editor):
    if _vendor(schema_editor) == "postgresql":
        schema_editor.execute(POSTGRESQL_REFUSE_ALL, params=None)
    # On SQLite, reversing the AlterField rebuilds the table again; 0002's triggers are created
    # again by hand if the log is ever migrated back (it never is in practice).


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_event_referral_id'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='auditevent',
            options={'default_permissions': ('view',), 'ordering': ['id'], 'verbose_name': 'granskningshändelse', 'verbose_name_plural': 'granskningshändelser'},
        ),
        migrations.AddField(
            model_name='auditevent',
            name='mac',
            field=models.CharField(blank=True, editable=False, help_text='HMAC över händelsens innehåll, skriven med händelsen. Tom på händelser skrivna innan loggen förseglades i efterhand.', max_length=64, verbose_name='händelsens egen kontrollsumma'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='kontrollsumma'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='föregående kontrollsumma'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='seq',
            field=models.PositiveBigIntegerField(blank=True, editable=False, help_text='Händelsens plats i kedjan, från 1 utan luckor. Tom tills händelsen har förseglats.', null=True, verbose_name='löpnummer'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(condition=models.Q(('seq', None)), fields=['id'], name='audit_event_unsealed_idx'),
        ),
        migrations.RunPython(allow_sealing, refuse_all),
    ]
