"""The activities' yearly budgets move into finance (finance/0002, activities/0003): every
budget the catalogue held becomes its activity's activity-cost line of the year, to the öre."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Accounts too: its later migrations change the user table the old state below writes to.
BEFORE = [
    ("activities", "0002_refuse_changing_kind_and_esf_flag"),
    ("finance", "0001_money"),
    ("accounts", "0003_receivers_of_invitations"),
]
AFTER = [("activities", "0003_budget_moves_to_finance"), ("finance", "0002_activity_budgets")]


@pytest.mark.django_db(transaction=True)
def test_the_catalogues_budgets_become_budget_lines() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    organisation = old.get_model("organisations", "Organisation").objects.create(
        name="Förbundet", kind="association", organisation_number="222000-9035"
    )
    association = old.get_model("organisations", "Association").objects.create(
        organisation=organisation, short_name="Förbundet"
    )
    user = old.get_model("accounts", "User").objects.create(username="kansli")
    activity = old.get_model("activities", "Activity").objects.create(
        association=association,
        name="Steget",
        kind="structural",
        provider=organisation,
        starts_on=date(2024, 1, 1),
        created_by=user,
    )
    years = old.get_model("activities", "ActivityYear")
    years.objects.create(activity=activity, year=2024, budget=Decimal("1234567.89"))
    years.objects.create(activity=activity, year=2025, budget=Decimal("100000"))

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    lines = new.get_model("finance", "BudgetLine").objects.order_by("financial_year__year")
    assert [
        (line.financial_year.year, line.kind, line.activity_id, line.code, line.budget)
        for line in lines
    ] == [
        (2024, "activity", activity.pk, f"INS-{activity.pk}", Decimal("1234567.89")),
        (2025, "activity", activity.pk, f"INS-{activity.pk}", Decimal("100000.00")),
    ]
    assert new.get_model("finance", "FinancialYear").objects.count() == 2
    assert "budget" not in {
        f.name for f in new.get_model("activities", "ActivityYear")._meta.fields
    }

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the present for other tests
