"""The association's catalogue of activities (docs/domain.md §5E, §5H).

An activity is not person data (R1): the association office keeps it, and everyone with a role in
the association reads it. Whether it is individual or structural, and whether ESF co-funds it,
decide how it is reported to FK's national follow-up for its whole life, so both are fixed once
it is created: the edit form does not offer them, ``Activity.save()`` refuses a change, and a
database trigger refuses one from anywhere else (migration 0002).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samla.organisations.models import Association, Municipality, Organisation
from samla.people.models import TargetGroup

FIXED_FIELDS = ("kind", "esf_cofunded")


class FixedOnceCreated(ValueError):
    """Someone tried to change an activity's kind or ESF co-funding after it was created."""


class ActivityQuerySet(models.QuerySet["Activity"]):
    def in_associations(self, association_ids: set[int]) -> ActivityQuerySet:
        return self.filter(association_id__in=association_ids)

    def running_on(self, day: date) -> ActivityQuerySet:
        """Activities that run on the day: begun, and not ended before it. Only they take
        referrals (``samla.referrals.eligibility``)."""
        return self.filter(Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day)))

    def active_in(self, year: int) -> ActivityQuerySet:
        """Activities whose period touches the calendar year."""
        return self.filter(
            Q(starts_on__lte=date(year, 12, 31))
            & (Q(ends_on__isnull=True) | Q(ends_on__gte=date(year, 1, 1)))
        )


class Activity(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individinriktad")
        STRUCTURAL = "structural", _("Strukturövergripande")

    association = models.ForeignKey(
        Association,
        verbose_name=_("samordningsförbund"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    name = models.CharField(_("namn"), max_length=200)
    description = models.TextField(_("beskrivning"), max_length=4000, blank=True)
    kind = models.CharField(_("inriktning"), max_length=16, choices=Kind.choices)
    esf_cofunded = models.BooleanField(_("medfinansieras av ESF"), default=False)
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("målgrupper"), blank=True, related_name="activities"
    )
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("utförare"),
        on_delete=models.PROTECT,
        related_name="provided_activities",
    )
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("kommuner"), blank=True, related_name="activities"
    )
    starts_on = models.DateField(_("startar"))
    ends_on = models.DateField(_("slutar"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("antal platser"), null=True, blank=True)
    # Whole years on the day of referral. Like the target groups, the provider's to weigh: a
    # person outside the range is referred after a warning (samla.referrals.eligibility).
    min_age = models.PositiveSmallIntegerField(_("lägsta ålder"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("högsta ålder"), null=True, blank=True)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["association", "name"]
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["individual", "structural"]),
                name="activities_activity_kind_known",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="activities_activity_ends_after_start",
            ),
            # Spelled out with isnull: a CHECK lets NULL through, and an individual activity
            # without places cannot take referrals.
            models.CheckConstraint(
                condition=Q(kind="structural") | (Q(capacity__isnull=False) & Q(capacity__gt=0)),
                name="activities_activity_individual_has_capacity",
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=F("max_age")),
                name="activities_activity_age_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.pk is not None:
            stored = Activity.objects.filter(pk=self.pk).values(*FIXED_FIELDS).first()
            if stored is not None:
                changed = [f for f in FIXED_FIELDS if stored[f] != getattr(self, f)]
                if changed:
                    raise FixedOnceCreated(
                        f"Activity {self.pk}: {', '.join(changed)} cannot change once created."
                    )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("activities:detail", args=[self.pk])

    @property
    def is_structural(self) -> bool:
        return self.kind == self.Kind.STRUCTURAL

    def runs_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def covers_year(self, year: int) -> bool:
        return self.starts_on.year <= year and (self.ends_on is None or year <= self.ends_on.year)

    @property
    def has_age_range(self) -> bool:
        return self.min_age is not None or self.max_age is not None

    def admits_age(self, age: int) -> bool:
        return (self.min_age is None or self.min_age <= age) and (
            self.max_age is None or age <= self.max_age
        )

    @property
    def age_range_label(self) -> str:
        """The range as the activity page and the referrer's warning say it: "16–29 år", "från
        16 år", "till och med 29 år"; "" when the activity has none."""
        if self.min_age is not None and self.max_age is not None:
            return gettext("%(min)s–%(max)s år") % {"min": self.min_age, "max": self.max_age}
        if self.min_age is not None:
            return gettext("från %(min)s år") % {"min": self.min_age}
        if self.max_age is not None:
            return gettext("till och med %(max)s år") % {"max": self.max_age}
        return ""


class ActivityYear(models.Model):
    """One year of an activity and, for an individual one, its planned participants. What the year
    costs is kept by the finance app, as the activity's budget lines of the year."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("år"))
    planned_participants = models.PositiveIntegerField(
        _("planerat antal deltagare"), null=True, blank=True
    )

    class Meta:
        ordering = ["activity", "year"]
        verbose_name = _("år")
        verbose_name_plural = _("år")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "year"], name="activities_activityyear_unique_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.year}"


class StructuralParticipation(models.Model):
    """How many of an organisation's staff take part in a structural activity in a year."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="staff_participations"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("år"))
    staff_count = models.PositiveIntegerField(_("antal medarbetare"))

    class Meta:
        ordering = ["activity", "year", "organisation__name"]
        verbose_name = _("deltagande personal")
        verbose_name_plural = _("deltagande personal")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "organisation", "year"],
                name="activities_structuralparticipation_unique_organisation_year",
            ),
            models.CheckConstraint(
                condition=Q(staff_count__gt=0),
                name="activities_structuralparticipation_staff_count_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}: {self.staff_count}"
