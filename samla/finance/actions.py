"""Writes to the association's money. Each is one transaction with its audit row (no participant:
money is not person data), and each refusal is a ``ValidationError`` keyed by the form field it
concerns, in Swedish, with nothing saved.

The rules kept here, so that no caller can skip them: the three shares add up to exactly 100 %
(also a database constraint); the municipal key names every member municipality, with a
population above nought or fixed shares adding up to exactly 100 %; a budget line's activity is
the association's own and runs in the year; an ESF activity cost belongs to an ESF co-funded
activity; a code is used once a year. A financial year and a budget line carry a version, and a
save made from a stale page is refused (``concurrency.Stale``), never silently written over; on
PostgreSQL the row is locked while it is checked and written.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samla.accounts.models import Role, User
from samla.activities.models import Activity
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.concurrency import check_version
from samla.finance.models import (
    BudgetLine,
    Decision,
    FinancialYear,
    MunicipalKey,
    MunicipalShare,
    OtherIncome,
)
from samla.finance.statement import Statement, municipal_members
from samla.organisations.models import Association

HUNDRED = Decimal(100)


def _audit(actor: User, action: AuditEvent.Action, obj: Model, summary: str) -> None:
    record(actor=actor, action=action, obj=obj, role=Role.ASSOCIATION_OFFICE, summary=summary)


def _locked(model: type[Any], pk: int, version: int) -> Any:
    return check_version(model.objects.select_for_update().get(pk=pk), version)


@transaction.atomic
def open_year(association: Association, *, actor: User, year: int) -> FinancialYear:
    """Start a financial year. It takes over the last year's shares and municipal key, and the
    own capital that year ended with (its actual, or its budget while no actual is known)."""
    if FinancialYear.objects.filter(association=association, year=year).exists():
        raise ValidationError({"year": _("Året %(year)s finns redan.") % {"year": year}})
    previous = (
        FinancialYear.objects.filter(association=association, year__lt=year)
        .order_by("-year")
        .first()
    )
    opened = FinancialYear(association=association, year=year)
    if previous is not None:
        for field in ("state_share", "region_share", "municipal_share", "municipal_key"):
            setattr(opened, field, getattr(previous, field))
        if previous.year == year - 1:
            capital = Statement(previous).capital_at_year_end
            opened.carried_over = capital.budget if capital.actual is None else capital.actual
    opened.save()
    earlier = (
        {row.organisation_id: row for row in previous.municipal_shares.all()} if previous else {}
    )
    MunicipalShare.objects.bulk_create(
        MunicipalShare(
            financial_year=opened,
            organisation=organisation,
            population=getattr(earlier.get(organisation.pk), "population", None),
            share=getattr(earlier.get(organisation.pk), "share", None),
        )
        for organisation in municipal_members(association.pk)
    )
    _audit(actor, AuditEvent.Action.CREATE, opened, f"Räkenskapsår {year}")
    return opened


def check_key(
    key_kind: str, key: Mapping[int, Decimal | int | None], expected: set[int]
) -> dict[str, str]:
    """What is wrong with a municipal key, by field (``key_<organisation id>`` or ``__all__``)."""
    errors: dict[str, str] = {}
    if set(key) != expected:
        errors["__all__"] = _("Fördelningen ska ha med varje medlemskommun, och bara dem.")
        return errors
    if key_kind == MunicipalKey.POPULATION:
        for pk, value in key.items():
            if value is None or int(value) <= 0 or Decimal(value) != int(value):
                errors[f"key_{pk}"] = _("Ange kommunens folkmängd, ett heltal större än noll.")
    else:
        for pk, value in key.items():
            if value is None or not 0 <= Decimal(value) <= HUNDRED:
                errors[f"key_{pk}"] = _("Ange kommunens andel i procent, mellan 0 och 100.")
        if not errors and sum((Decimal(v or 0) for v in key.values()), Decimal(0)) != HUNDRED:
            total = sum((Decimal(v or 0) for v in key.values()), Decimal(0))
            errors["__all__"] = _(
                "Kommunernas andelar ska bli exakt 100 procent tillsammans, nu blir de %(total)s."
            ) % {"total": f"{total.normalize():f}".replace(".", ",")}
    return errors


@transaction.atomic
def save_contributions(
    year: FinancialYear,
    *,
    actor: User,
    version: int,
    contributions: Decimal,
    state_share: Decimal,
    region_share: Decimal,
    municipal_share: Decimal,
    municipal_key: str,
    key: Mapping[int, Decimal | int | None],
    carried_over: Decimal,
) -> FinancialYear:
    """The members' total for the year, its split between state, region and municipalities, the
    key that splits the municipalities' part, and the own capital carried over."""
    current: FinancialYear = _locked(FinancialYear, year.pk, version)
    errors: dict[str, str] = {}
    if contributions < 0:
        errors["contributions"] = _("Bidraget kan inte vara negativt.")
    for field, share in [
        ("state_share", state_share),
        ("region_share", region_share),
        ("municipal_share", municipal_share),
    ]:
        if share < 0:
            errors[field] = _("Andelen kan inte vara negativ.")
    if state_share + region_share + municipal_share != HUNDRED:
        errors["__all__"] = _(
            "Statens, regionens och kommunernas andelar ska bli exakt 100 procent tillsammans."
        )
    rows = {row.organisation_id: row for row in current.municipal_shares.all()}
    expected = {o.pk for o in municipal_members(current.association_id)} | set(rows)
    key_errors = check_key(municipal_key, key, expected)
    if "__all__" in key_errors and "__all__" in errors:
        errors["__all__"] += " " + key_errors.pop("__all__")
    errors |= key_errors
    if errors:
        raise ValidationError(errors)
    current.contributions, current.carried_over = contributions, carried_over
    current.state_share, current.region_share = state_share, region_share
    current.municipal_share, current.municipal_key = municipal_share, municipal_key
    current.version = F("version") + 1
    current.updated_at = timezone.now()
    current.save()
    for pk, value in key.items():
        row = rows.get(pk) or MunicipalShare(financial_year=current, organisation_id=pk)
        if municipal_key == MunicipalKey.POPULATION:
            row.population = int(value) if value is not None else None
        else:
            row.share = Decimal(value) if value is not None else None
        row.save()
    current.refresh_from_db()
    _audit(actor, AuditEvent.Action.UPDATE, current, f"Medlemmarnas bidrag {current.year}")
    return current


@transaction.atomic
def add_income(
    year: FinancialYear, *, actor: User, kind: str, description: str, amount: Decimal
) -> OtherIncome:
    if amount < 0:
        raise ValidationError({"amount": _("Beloppet kan inte vara negativt.")})
    income = OtherIncome.objects.create(
        financial_year=year, kind=kind, description=description, amount=amount
    )
    _audit(actor, AuditEvent.Action.CREATE, income, f"Övrig intäkt {year.year}")
    return income


@transaction.atomic
def remove_income(income: OtherIncome, *, actor: User) -> None:
    _audit(actor, AuditEvent.Action.DELETE, income, f"Övrig intäkt {income.financial_year.year}")
    income.delete()


def line_activities(year: FinancialYear) -> list[Activity]:
    """The activities a budget line of the year may be for: the association's, running then."""
    return list(
        Activity.objects.filter(association_id=year.association_id)
        .active_in(year.year)
        .order_by("name")
    )


def _check_line(
    year: FinancialYear,
    *,
    kind: str,
    activity: Activity | None,
    name: str,
    code: str,
    budget: Decimal,
    actual: Decimal | None,
    existing: BudgetLine | None,
) -> None:
    others = BudgetLine.objects.filter(financial_year=year)
    if existing is not None:
        others = others.exclude(pk=existing.pk)
    errors = _subject_errors(year, others, kind=kind, activity=activity, name=name)
    if not code.strip():
        errors["code"] = _("Ange postens kod i bokföringen.")
    elif others.filter(code=code.strip()).exists():
        errors["code"] = _("Koden %(code)s används redan av en annan post %(year)s.") % {
            "code": code.strip(),
            "year": year.year,
        }
    if budget < 0:
        errors["budget"] = _("Budgeten kan inte vara negativ.")
    if actual is not None and actual < 0:
        errors["actual"] = _("Utfallet kan inte vara negativt.")
    if errors:
        raise ValidationError(errors)


def _subject_errors(
    year: FinancialYear,
    others: QuerySet[BudgetLine],
    *,
    kind: str,
    activity: Activity | None,
    name: str,
) -> dict[str, str]:
    """What is wrong with what the line is for: an administration post's name, or its activity."""
    errors: dict[str, str] = {}
    if kind == BudgetLine.Kind.ADMINISTRATION:
        if not name.strip():
            errors["name"] = _("Ange vad administrationsposten gäller.")
        elif others.filter(kind=kind, name=name.strip()).exists():
            errors["name"] = _("Det finns redan en administrationspost med det namnet.")
    elif activity is None:
        errors["activity"] = _("Välj vilken insats kostnaden gäller.")
    elif activity.association_id != year.association_id or not activity.covers_year(year.year):
        errors["activity"] = _("Insatsen hör inte till förbundet eller pågår inte %(year)s.") % {
            "year": year.year
        }
    elif kind == BudgetLine.Kind.ESF_ACTIVITY and not activity.esf_cofunded:
        errors["kind"] = _("En ESF-insatskostnad kan bara höra till en ESF-medfinansierad insats.")
    elif others.filter(kind=kind, activity=activity).exists():
        errors["activity"] = _("Insatsen har redan en sådan budgetpost %(year)s.") % {
            "year": year.year
        }
    return errors


@transaction.atomic
def add_line(
    year: FinancialYear,
    *,
    actor: User,
    kind: str,
    activity: Activity | None,
    name: str,
    code: str,
    budget: Decimal,
    actual: Decimal | None = None,
) -> BudgetLine:
    if kind == BudgetLine.Kind.ADMINISTRATION:
        activity = None
    else:
        name = ""
    _check_line(
        year,
        kind=kind,
        activity=activity,
        name=name,
        code=code,
        budget=budget,
        actual=actual,
        existing=None,
    )
    line = BudgetLine.objects.create(
        financial_year=year,
        kind=kind,
        activity=activity,
        name=name.strip(),
        code=code.strip(),
        budget=budget,
        actual=actual,
    )
    _audit(actor, AuditEvent.Action.CREATE, line, f"Budgetpost {year.year}")
    return line


@transaction.atomic
def change_line(
    line: BudgetLine,
    *,
    actor: User,
    version: int,
    name: str,
    code: str,
    budget: Decimal,
    actual: Decimal | None,
) -> BudgetLine:
    """Change a line's name (administration), code, budget and actual; its kind and activity
    stay."""
    current: BudgetLine = _locked(BudgetLine, line.pk, version)
    if current.kind != BudgetLine.Kind.ADMINISTRATION:
        name = ""
    _check_line(
        current.financial_year,
        kind=current.kind,
        activity=current.activity,
        name=name,
        code=code,
        budget=budget,
        actual=actual,
        existing=current,
    )
    current.name, current.code = name.strip(), code.strip()
    current.budget, current.actual = budget, actual
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    _audit(actor, AuditEvent.Action.UPDATE, current, f"Budgetpost {current.financial_year.year}")
    return current


@transaction.atomic
def record_decision(
    association: Association,
    *,
    actor: User,
    decided_on: date,
    reference: str,
    text: str,
    activity: Activity | None,
    budget_line: BudgetLine | None,
) -> Decision:
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = _("Skriv vad styrelsen beslutade.")
    if decided_on > timezone.localdate():
        errors["decided_on"] = _("Ett beslut kan inte vara fattat i framtiden.")
    if activity is not None and activity.association_id != association.pk:
        errors["activity"] = _("Insatsen hör inte till förbundet.")
    if budget_line is not None:
        if budget_line.financial_year.association_id != association.pk:
            errors["budget_line"] = _("Budgetposten hör inte till förbundet.")
        elif activity is None:
            activity = budget_line.activity
        elif budget_line.activity_id not in (None, activity.pk):
            errors["budget_line"] = _("Budgetposten hör till en annan insats.")
    if errors:
        raise ValidationError(errors)
    decision = Decision.objects.create(
        association=association,
        decided_on=decided_on,
        reference=reference.strip(),
        text=text.strip(),
        activity=activity,
        budget_line=budget_line,
        recorded_by=actor,
    )
    _audit(actor, AuditEvent.Action.CREATE, decision, "Styrelsebeslut")
    return decision


@transaction.atomic
def remove_decision(decision: Decision, *, actor: User) -> None:
    _audit(actor, AuditEvent.Action.DELETE, decision, "Styrelsebeslut")
    decision.delete()
