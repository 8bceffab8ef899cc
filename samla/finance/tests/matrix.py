"""Route parameters for the permission matrix (samla/web/tests/test_permission_matrix.py).

The association's money (namespace ``finance``) is association-scoped and no participant's: the
matrix checks that nobody from Östra Södertörn, not even its office or its board, reaches
Norrbygden's year, lines, incomes or decisions, and that Norrbygden's office, Greta, does.
Within an association only the office and the board read the money, which the matrix cannot
tell from the other roles there: samla/finance/tests/test_access.py walks the same routes with
the whole cast.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from samla.accounts.models import User
from samla.activities.models import Activity
from samla.activities.tests.builders import Elsewhere
from samla.finance import actions
from samla.finance.models import BudgetLine, OtherIncome
from samla.organisations.models import Association
from samla.people.tests.cast import Cast


def records(
    association: Association, *, actor: User, activity: Activity, year: int
) -> dict[str, int | str]:
    """A year with an administration line, an ESF income and a decision about the activity:
    something behind every parameter of the finance routes."""
    opened = actions.open_year(association, actor=actor, year=year)
    line = actions.add_line(
        opened,
        actor=actor,
        kind=BudgetLine.Kind.ADMINISTRATION,
        activity=None,
        name="Kansli",
        code="7010",
        budget=Decimal("1200000"),
        actual=Decimal("1150000.50"),
    )
    income = actions.add_income(
        opened,
        actor=actor,
        kind=OtherIncome.Kind.ESF,
        description="ESF-rådet",
        amount=Decimal("450000"),
    )
    decision = actions.record_decision(
        association,
        actor=actor,
        decided_on=date(year, 3, 12),
        reference="§ 12",
        text="Styrelsen fastställer budgeten.",
        activity=activity,
        budget_line=None,
    )
    return {
        "association_pk": association.pk,
        "year": year,
        "line_pk": line.pk,
        "income_pk": income.pk,
        "decision_pk": decision.pk,
    }


def parameters(cast: Cast) -> dict[str, int | str]:
    return {}  # no route of this app is about a participant


def association_parameters(elsewhere: Elsewhere) -> dict[str, int | str]:
    values = records(
        elsewhere.association, actor=elsewhere.greta, activity=elsewhere.activity, year=2025
    )
    del values["year"]  # the matrix gives the year itself (2025, when Norrbygden's activity runs)
    return values
