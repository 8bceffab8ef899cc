"""The association's money, year by year (docs/domain.md §5H, seed 002).

A financial year holds what the members contribute (the state through Försäkringskassan, the
region and the municipalities, 50/25/25 unless agreed otherwise, the municipalities' part split
by an agreed key kept with the year), other income (ESF, grants), the own capital carried over,
and the budget lines: administration, and per activity its activity cost and ESF activity cost,
each with a budget and an actual. The board's decisions are kept in a register.

None of this is person data (R1): the association office keeps it, the board reads it, nobody
else. Money is ``Decimal`` with two decimals (``samla.money``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samla.activities.models import Activity
from samla.organisations.models import Association, Organisation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def money(verbose_name: StrOrPromise, **options: Any) -> models.DecimalField[Decimal, Decimal]:
    """Kronor with öre: below ``samla.money.TOO_LARGE``, two decimals."""
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **options)


class MunicipalKey(models.TextChoices):
    POPULATION = "population", _("Efter folkmängd")
    FIXED = "fixed", _("Fasta andelar")


class FinancialYearQuerySet(models.QuerySet["FinancialYear"]):
    def read(self) -> FinancialYearQuerySet:
        """With what a ``Statement`` reads of each year: its lines and their activities, and its
        other income, in three queries however many years."""
        return self.prefetch_related(
            models.Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("activity")),
            "other_incomes",
        )


class FinancialYear(models.Model):
    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="financial_years"
    )
    year = models.PositiveSmallIntegerField(_("år"))
    contributions = money(
        _("medlemmarnas bidrag (kr)"),
        default=Decimal(0),
        help_text=_("Det som staten, regionen och kommunerna tillsammans skjuter till under året."),
    )
    state_share = models.DecimalField(
        _("statens andel (%)"), max_digits=5, decimal_places=2, default=Decimal(50)
    )
    region_share = models.DecimalField(
        _("regionens andel (%)"), max_digits=5, decimal_places=2, default=Decimal(25)
    )
    municipal_share = models.DecimalField(
        _("kommunernas andel (%)"), max_digits=5, decimal_places=2, default=Decimal(25)
    )
    municipal_key = models.CharField(
        _("fördelning mellan kommunerna"),
        max_length=12,
        choices=MunicipalKey.choices,
        default=MunicipalKey.POPULATION,
    )
    carried_over = money(_("eget kapital från föregående år (kr)"), default=Decimal(0))
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = FinancialYearQuerySet.as_manager()

    class Meta:
        ordering = ["association", "-year"]
        verbose_name = _("räkenskapsår")
        verbose_name_plural = _("räkenskapsår")
        constraints = [
            models.UniqueConstraint(
                fields=["association", "year"], name="finance_financialyear_unique_year"
            ),
            models.CheckConstraint(
                condition=Q(state_share__gte=0)
                & Q(region_share__gte=0)
                & Q(municipal_share__gte=0),
                name="finance_financialyear_shares_not_negative",
            ),
            # Within half a hundredth of 100, which with two decimals is 100 exactly: SQLite
            # keeps decimals as floating point, where 100 - 0 - 8.71 is not 91.29.
            models.CheckConstraint(
                condition=Q(
                    state_share__gt=Decimal("99.995") - F("region_share") - F("municipal_share")
                )
                & Q(state_share__lt=Decimal("100.005") - F("region_share") - F("municipal_share")),
                name="finance_financialyear_shares_add_up",
            ),
            models.CheckConstraint(
                condition=Q(contributions__gte=0),
                name="finance_financialyear_contributions_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.association} {self.year}"


class MunicipalShare(models.Model):
    """One member municipality's place in the year's key: its population or its fixed share."""

    financial_year = models.ForeignKey(
        FinancialYear, on_delete=models.CASCADE, related_name="municipal_shares"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("kommun"), on_delete=models.PROTECT, related_name="+"
    )
    population = models.PositiveIntegerField(_("folkmängd"), null=True, blank=True)
    share = models.DecimalField(
        _("andel (%)"), max_digits=7, decimal_places=4, null=True, blank=True
    )

    class Meta:
        ordering = ["financial_year", "organisation__name"]
        verbose_name = _("kommunandel")
        verbose_name_plural = _("kommunandelar")
        constraints = [
            models.UniqueConstraint(
                fields=["financial_year", "organisation"],
                name="finance_municipalshare_unique_municipality",
            ),
            models.CheckConstraint(
                condition=Q(share__isnull=True) | (Q(share__gte=0) & Q(share__lte=100)),
                name="finance_municipalshare_share_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.financial_year.year}"


class OtherIncome(models.Model):
    class Kind(models.TextChoices):
        ESF = "esf", _("ESF")
        GRANT = "grant", _("Annat bidrag")
        OTHER = "other", _("Övrig intäkt")

    financial_year = models.ForeignKey(
        FinancialYear, on_delete=models.CASCADE, related_name="other_incomes"
    )
    kind = models.CharField(_("slag"), max_length=8, choices=Kind.choices)
    description = models.CharField(_("från vem och för vad"), max_length=200)
    amount = money(_("belopp (kr)"))

    class Meta:
        ordering = ["financial_year", "kind", "description"]
        verbose_name = _("övrig intäkt")
        verbose_name_plural = _("övriga intäkter")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="finance_otherincome_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.description


class BudgetLine(models.Model):
    """A cost with its budget and, once known, its actual: administration, or one activity's
    activity cost or ESF activity cost. The code is the one the accounting system uses
    (a cost centre or project number); an import of actuals finds the line by it."""

    class Kind(models.TextChoices):
        ADMINISTRATION = "administration", _("Administration")
        ACTIVITY = "activity", _("Insatskostnad")
        ESF_ACTIVITY = "esf_activity", _("ESF-insatskostnad")

    financial_year = models.ForeignKey(
        FinancialYear, on_delete=models.PROTECT, related_name="budget_lines"
    )
    kind = models.CharField(_("slag"), max_length=16, choices=Kind.choices)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("insats"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
    )
    name = models.CharField(_("benämning"), max_length=120, blank=True)
    code = models.CharField(
        _("kod i bokföringen"),
        max_length=20,
        help_text=_("Kostnadsställe eller projektnummer, som i filen från ekonomisystemet."),
    )
    budget = money(_("budget (kr)"))
    actual = models.DecimalField(
        _("utfall (kr)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["financial_year", "kind", "activity__name", "name"]
        verbose_name = _("budgetpost")
        verbose_name_plural = _("budgetposter")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["administration", "activity", "esf_activity"]),
                name="finance_budgetline_kind_known",
            ),
            models.CheckConstraint(
                condition=(Q(kind="administration") & Q(activity__isnull=True) & ~Q(name=""))
                | (~Q(kind="administration") & Q(activity__isnull=False)),
                name="finance_budgetline_activity_unless_administration",
            ),
            models.UniqueConstraint(
                fields=["financial_year", "code"], name="finance_budgetline_unique_code"
            ),
            models.UniqueConstraint(
                fields=["financial_year", "activity", "kind"],
                condition=Q(activity__isnull=False),
                name="finance_budgetline_one_per_activity_and_kind",
            ),
            models.UniqueConstraint(
                fields=["financial_year", "name"],
                condition=Q(kind="administration"),
                name="finance_budgetline_unique_administration_name",
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0), name="finance_budgetline_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(actual__isnull=True) | Q(actual__gte=0),
                name="finance_budgetline_actual_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.activity_id is None:
            return self.name
        return f"{self.activity} – {self.get_kind_display()}"

    @property
    def variance(self) -> Decimal | None:
        """Budget minus actual: positive when the line spent less than budgeted."""
        return None if self.actual is None else self.budget - self.actual


class Decision(models.Model):
    """One decision of the association's board, as its minutes record it."""

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="decisions")
    decided_on = models.DateField(_("beslutsdatum"))
    reference = models.CharField(
        _("paragraf"), max_length=30, blank=True, help_text=_("Till exempel § 12 eller 2026:12.")
    )
    text = models.TextField(_("beslut"), max_length=4000)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("insats"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    budget_line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("budgetpost"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("styrelsebeslut")
        verbose_name_plural = _("styrelsebeslut")

    def __str__(self) -> str:
        return f"{self.decided_on} {self.reference}".strip()
