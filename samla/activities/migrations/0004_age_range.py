"""An activity's age range: optional whole years, the lower never above the upper.

On SQLite, adding the check constraint rebuilds activities_activity and drops the trigger of
migration 0002 with the old table, so it is created again here (PostgreSQL keeps it).
"""

from django.db import migrations, models

SQLITE_TRIGGER = """
    CREATE TRIGGER activities_activity_refuse_fixed_change BEFORE UPDATE ON activities_activity
    WHEN NEW.kind IS NOT OLD.kind OR NEW.esf_cofunded IS NOT OLD.esf_cofunded
    BEGIN
        SELECT RAISE(ABORT, 'activities_activity: kind and esf_cofunded are fixed once created');
    END
"""


def recreate_sqlite_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS activities_activity_refuse_fixed_change", params=None
        )
        schema_editor.execute(SQLITE_TRIGGER, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("activities", "0003_budget_moves_to_finance"),
    ]

    operations = [
        # Unapplied in reverse order: this one last, after the table was rebuilt once more.
        migrations.RunPython(migrations.RunPython.noop, recreate_sqlite_trigger),
        migrations.AddField(
            model_name="activity",
            name="min_age",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="lägsta ålder"
            ),
        ),
        migrations.AddField(
            model_name="activity",
            name="max_age",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="högsta ålder"
            ),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
                name="activities_activity_age_range_ordered",
            ),
        ),
        migrations.RunPython(recreate_sqlite_trigger, migrations.RunPython.noop),
    ]
