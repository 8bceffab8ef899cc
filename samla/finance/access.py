"""Who reads and who keeps the association's money. Every finance view comes through here.

The money is the association's own account (docs/domain.md §5H): its office keeps it, its board
reads it, and nobody else sees it, not coordinators, handlers or providers' staff in the same
association, nor anyone from another association. They all get 404, like a missing page, so that
not even a year's existence leaks; a board member who asks to change something gets 403. There
is no person data here (R1), so a read writes no audit row; every change does (``actions``).

The board's decisions about an activity are shown on the activity's page to everyone who reads the
catalogue (``templatetags/finance.py``): minutes of a public body's board are not secret.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from samla.accounts.models import ASSOCIATION_LEADERS, Role, User
from samla.finance.models import BudgetLine, Decision, FinancialYear, OtherIncome
from samla.organisations.models import Association


def finance_association_ids(user: User) -> set[int]:
    """The associations whose money the user reads (from the roles read once per request)."""
    if not user.is_authenticated:
        return set()
    return user.association_ids(*ASSOCIATION_LEADERS)


def finance_associations(user: User) -> list[Association]:
    return list(
        Association.objects.filter(pk__in=finance_association_ids(user))
        .select_related("organisation")
        .order_by("short_name")
    )


def may_keep(user: User, association_id: int) -> bool:
    """Whether the user keeps the association's money: they are its office."""
    return association_id in user.association_ids(Role.ASSOCIATION_OFFICE)


def _check(user: User, association_id: int, *, edit: bool) -> None:
    if association_id not in finance_association_ids(user):
        raise Http404
    if edit and not may_keep(user, association_id):
        raise PermissionDenied


def get_association_for_user(user: User, pk: int, *, edit: bool = False) -> Association:
    _check(user, pk, edit=edit)
    return Association.objects.select_related("organisation").get(pk=pk)


def get_year_for_user(
    user: User, association_pk: int, year: int, *, edit: bool = False
) -> FinancialYear:
    _check(user, association_pk, edit=edit)
    found = (
        FinancialYear.objects.select_related("association__organisation")
        .read()
        .filter(association_id=association_pk, year=year)
        .first()
    )
    if found is None:
        raise Http404
    return found


def get_line_for_user(user: User, pk: int, *, edit: bool = False) -> BudgetLine:
    line = (
        BudgetLine.objects.select_related("financial_year__association", "activity")
        .filter(pk=pk, financial_year__association_id__in=finance_association_ids(user))
        .first()
    )
    if line is None:
        raise Http404
    _check(user, line.financial_year.association_id, edit=edit)
    return line


def get_income_for_user(user: User, pk: int, *, edit: bool = False) -> OtherIncome:
    income = (
        OtherIncome.objects.select_related("financial_year__association")
        .filter(pk=pk, financial_year__association_id__in=finance_association_ids(user))
        .first()
    )
    if income is None:
        raise Http404
    _check(user, income.financial_year.association_id, edit=edit)
    return income


def get_decision_for_user(user: User, pk: int, *, edit: bool = False) -> Decision:
    decision = (
        Decision.objects.select_related("association", "activity", "budget_line")
        .filter(pk=pk, association_id__in=finance_association_ids(user))
        .first()
    )
    if decision is None:
        raise Http404
    _check(user, decision.association_id, edit=edit)
    return decision
