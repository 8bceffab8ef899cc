"""The activities' yearly budgets move from the catalogue (ActivityYear.budget) to the finance
app, as each activity's activity-cost budget line of the year (code INS-<activity id>, which the
office can change to the accounting system's own)."""

from django.db import migrations
from django.db.migrations.state import StateApps
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def copy_budgets(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    ActivityYear = apps.get_model("activities", "ActivityYear")
    FinancialYear = apps.get_model("finance", "FinancialYear")
    BudgetLine = apps.get_model("finance", "BudgetLine")
    for entry in ActivityYear.objects.select_related("activity").order_by("pk"):
        year, _created = FinancialYear.objects.get_or_create(
            association_id=entry.activity.association_id, year=entry.year
        )
        BudgetLine.objects.create(
            financial_year=year,
            kind="activity",
            activity_id=entry.activity_id,
            code=f"INS-{entry.activity_id}",
            budget=entry.budget,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0001_money"),
        ("activities", "0002_refuse_changing_kind_and_esf_flag"),
    ]

    operations = [migrations.RunPython(copy_budgets, migrations.RunPython.noop)]
