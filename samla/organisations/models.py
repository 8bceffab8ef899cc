"""The parties of samverkan: organisations, the associations they finance, and municipalities.

An organisation is the data controller for the person records it creates (R1); an association
(samordningsförbund) pools its members' money and never holds person-level data.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum.se import orgnr


def validate_organisation_number(value: str) -> None:
    """Organisationsnummer NNNNNN-NNNN with a valid Luhn check digit (Bolagsverket's format)."""
    if not orgnr.is_valid(value):
        raise ValidationError(
            gettext("Organisationsnumret är inte giltigt. Skriv det som NNNNNN-NNNN."),
            code="invalid_organisation_number",
        )


def normalise_organisation_number(value: str) -> str:
    return orgnr.format(value)


class Municipality(models.Model):
    """A Swedish municipality by its four-digit kommunkod (SCB)."""

    code = models.CharField(_("kommunkod"), max_length=4, unique=True)
    name = models.CharField(_("namn"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{4}$"),
                name="organisations_municipality_code_four_digits",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        SOCIAL_INSURANCE = "social_insurance", _("Försäkringskassan")
        EMPLOYMENT_SERVICE = "employment_service", _("Arbetsförmedlingen")
        MUNICIPALITY = "municipality", _("Kommun")
        REGION = "region", _("Region")
        PROVIDER = "provider", _("Utförare")
        ASSOCIATION = "association", _("Samordningsförbund")
        OTHER = "other", _("Annan")

    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=32, choices=Kind.choices)
    organisation_number = models.CharField(
        _("organisationsnummer"),
        max_length=11,
        unique=True,
        validators=[validate_organisation_number],
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommun"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("För en kommun: vilken kommun den är."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="municipality") | Q(municipality__isnull=False),
                name="organisations_organisation_municipality_has_code",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.organisation_number and orgnr.is_valid(self.organisation_number):
            self.organisation_number = normalise_organisation_number(self.organisation_number)


class Association(models.Model):
    """A samordningsförbund: its members finance it, and it sees only aggregates (R1, R7)."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="association",
        limit_choices_to={"kind": Organisation.Kind.ASSOCIATION},
    )
    short_name = models.CharField(_("kortnamn"), max_length=60)
    members: models.ManyToManyField[Organisation, AssociationMember] = models.ManyToManyField(
        Organisation,
        through="AssociationMember",
        related_name="member_of",
        verbose_name=_("medlemmar"),
    )
    suppression_k = models.PositiveSmallIntegerField(
        _("minsta redovisade antal"),
        default=5,
        validators=[MinValueValidator(3), MaxValueValidator(50)],
        help_text=_("Antal under detta visas aldrig i statistiken."),
    )

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("samordningsförbund")
        verbose_name_plural = _("samordningsförbund")

    def __str__(self) -> str:
        return self.short_name

    @property
    def name(self) -> str:
        return self.organisation.name

    def organisation_ids(self) -> set[int]:
        """Every organisation that works in this association, the association's own included."""
        ids = set(self.memberships.values_list("organisation_id", flat=True))
        ids.add(self.organisation_id)
        return ids


class AssociationMember(models.Model):
    """An organisation taking part in the association: a financing member party (FK, kommun,
    region) with its share in per cent, or a partner such as a provider, with no share."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("Medlem")
        PARTNER = "partner", _("Samarbetspart")

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="association_memberships"
    )
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices, default=Kind.MEMBER)
    financing_share = models.DecimalField(
        _("andel av finansieringen (%)"),
        max_digits=6,
        decimal_places=3,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        ordering = ["association", "-financing_share", "organisation__name"]
        verbose_name = _("medlem")
        verbose_name_plural = _("medlemmar")
        constraints = [
            models.UniqueConstraint(
                fields=["association", "organisation"],
                name="organisations_associationmember_unique_member",
            ),
            models.CheckConstraint(
                condition=Q(financing_share__gte=0) & Q(financing_share__lte=100),
                name="organisations_associationmember_share_in_range",
            ),
            models.CheckConstraint(
                condition=Q(kind="member") | Q(financing_share=0),
                name="organisations_associationmember_partner_has_no_share",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)
