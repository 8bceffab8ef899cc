"""What is measured of one participation (a referral that started): at entry, at exit, and one
and six months after exit, as ESF asks (docs/domain.md §5F, code lists §6).

A participation has at most one measurement per occasion. The code lists are fixed choices; the
association's own questions are versioned, so an answer keeps the wording it was given under:
changing a question adds a ``QuestionVersion`` and never rewrites an old one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samla.organisations.models import Association
from samla.referrals.models import Referral


class Occasion(models.TextChoices):
    ENTRY = "entry", _("Vid start")
    EXIT = "exit", _("Vid avslut")
    AFTER_1_MONTH = "after_1", _("En månad efter avslut")
    AFTER_6_MONTHS = "after_6", _("Sex månader efter avslut")


class IncomeSourceKind(models.TextChoices):
    SALARY = "salary", _("Lön")
    SICKNESS_BENEFIT = "sickness_benefit", _("Sjukpenning")
    SICKNESS_COMPENSATION = "sickness_compensation", _("Sjuk- eller aktivitetsersättning")
    SOCIAL_ASSISTANCE = "social_assistance", _("Ekonomiskt bistånd")
    PROGRAMME_BENEFIT = (
        "programme_benefit",
        _(
            "Ersättning vid arbetsmarknadsprogram (aktivitetsstöd, utvecklings- eller "
            "etableringsersättning)"
        ),
    )
    UNEMPLOYMENT_INSURANCE = "unemployment_insurance", _("Arbetslöshetsersättning")
    STUDENT_AID = "student_aid", _("Studiemedel")
    OTHER = "other", _("Annan inkomst")
    NONE = "none", _("Ingen inkomst")
    UNKNOWN = "unknown", _("Okänt")


class Occupation(models.TextChoices):
    EMPLOYED_UNSUBSIDISED = "employed_unsubsidised", _("Anställd utan subvention")
    EMPLOYED_SUBSIDISED = "employed_subsidised", _("Anställd med subvention")
    STUDYING = "studying", _("Studerar")
    JOB_SEEKING = "job_seeking", _("Arbetssökande")
    PREPARATORY = "preparatory", _("I förberedande insats")
    SICK_LEAVE = "sick_leave", _("Sjukskriven, arbetar inte")
    OTHER = "other", _("Annat")


class Education(models.TextChoices):
    COMPULSORY_UNDER_9 = "compulsory_under_9", _("Förgymnasial, kortare än 9 år")
    COMPULSORY_9_10 = "compulsory_9_10", _("Förgymnasial, 9–10 år")
    UPPER_SECONDARY = "upper_secondary", _("Gymnasial")
    POST_SECONDARY_UNDER_3 = "post_secondary_under_3", _("Eftergymnasial, kortare än 3 år")
    POST_SECONDARY_3_PLUS = "post_secondary_3_plus", _("Eftergymnasial, 3 år eller längre")
    UNKNOWN = "unknown", _("Okänt")


class SupportTime(models.TextChoices):
    """Time on public support before entry."""

    UNDER_1 = "under_1", _("Kortare än 1 år")
    FROM_1_TO_2 = "1_2", _("1–2 år")
    FROM_2_TO_5 = "2_5", _("2–5 år")
    OVER_5 = "over_5", _("Längre än 5 år")


class Wellbeing(models.IntegerChoices):
    """Self-rated: 'Hur mår du just nu?'"""

    VERY_BAD = 1, _("1 – Mycket dåligt")
    BAD = 2, _("2 – Ganska dåligt")
    NEITHER = 3, _("3 – Varken bra eller dåligt")
    GOOD = 4, _("4 – Ganska bra")
    VERY_GOOD = 5, _("5 – Mycket bra")


class Closeness(models.IntegerChoices):
    """Self-rated: 'Hur nära känner du dig ett arbete eller studier?'"""

    VERY_FAR = 1, _("1 – Mycket långt ifrån")
    FAR = 2, _("2 – Ganska långt ifrån")
    NEITHER = 3, _("3 – Varken nära eller långt ifrån")
    CLOSE = 4, _("4 – Ganska nära")
    VERY_CLOSE = 5, _("5 – Mycket nära")


class Measurement(models.Model):
    referral = models.ForeignKey(
        Referral,
        verbose_name=_("deltagande"),
        on_delete=models.PROTECT,
        related_name="measurements",
    )
    occasion = models.CharField(_("tillfälle"), max_length=8, choices=Occasion.choices)
    measured_on = models.DateField(_("datum"))
    occupation = models.CharField(
        _("sysselsättning"), max_length=24, choices=Occupation.choices, blank=True
    )
    education = models.CharField(
        _("utbildningsnivå"), max_length=24, choices=Education.choices, blank=True
    )
    support_time = models.CharField(
        _("tid med offentlig försörjning före start"),
        max_length=8,
        choices=SupportTime.choices,
        blank=True,
    )
    wellbeing = models.PositiveSmallIntegerField(
        _("hur personen mår"), choices=Wellbeing.choices, null=True, blank=True
    )
    closeness = models.PositiveSmallIntegerField(
        _("hur nära arbete eller studier personen känner sig"),
        choices=Closeness.choices,
        null=True,
        blank=True,
    )
    ocn_modules = models.PositiveSmallIntegerField(_("OCN-moduler"), default=0)
    ocn_points = models.PositiveSmallIntegerField(_("OCN-poäng"), default=0)
    recorded_at = models.DateTimeField(_("registrerad"), default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerad av"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["referral", "measured_on", "pk"]
        verbose_name = _("mätning")
        verbose_name_plural = _("mätningar")
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "occasion"], name="measurements_measurement_one_per_occasion"
            ),
            models.CheckConstraint(
                condition=Q(occasion__in=["entry", "exit", "after_1", "after_6"]),
                name="measurements_measurement_occasion_known",
            ),
            models.CheckConstraint(
                condition=Q(wellbeing__isnull=True) | Q(wellbeing__gte=1, wellbeing__lte=5),
                name="measurements_measurement_wellbeing_on_scale",
            ),
            models.CheckConstraint(
                condition=Q(closeness__isnull=True) | Q(closeness__gte=1, closeness__lte=5),
                name="measurements_measurement_closeness_on_scale",
            ),
            # Support time before entry is asked at entry only.
            models.CheckConstraint(
                condition=Q(occasion="entry") | Q(support_time=""),
                name="measurements_measurement_support_time_at_entry_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} {self.measured_on}"


class IncomeSource(models.Model):
    """One of the person's income sources at a measurement, with its extent in per cent of
    full time (empty for 'none' and 'unknown')."""

    measurement = models.ForeignKey(
        Measurement, on_delete=models.CASCADE, related_name="income_sources"
    )
    source = models.CharField(_("inkomstkälla"), max_length=24, choices=IncomeSourceKind.choices)
    extent = models.PositiveSmallIntegerField(_("omfattning (%)"), null=True, blank=True)

    class Meta:
        ordering = ["measurement", "source"]
        verbose_name = _("inkomstkälla")
        verbose_name_plural = _("inkomstkällor")
        constraints = [
            models.UniqueConstraint(
                fields=["measurement", "source"], name="measurements_incomesource_once_each"
            ),
            models.CheckConstraint(
                condition=Q(extent__isnull=True) | Q(extent__gte=1, extent__lte=100),
                name="measurements_incomesource_extent_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=~Q(source__in=["none", "unknown"]) | Q(extent__isnull=True),
                name="measurements_incomesource_none_has_no_extent",
            ),
        ]

    def __str__(self) -> str:
        extent = f" {self.extent} %" if self.extent else ""
        return f"{self.get_source_display()}{extent}"


# For annotating referrals (participations) with what was measured, in the figures and files.


def measured_at(occasion: str, field: str) -> Subquery:
    """The participation's value of ``field`` at the occasion, NULL when not measured.

    Unordered: there is at most one measurement per occasion (a constraint), and the model's
    default ordering (by referral, which orders by the referral's own ordering) would join the
    referral again in every one of the dashboard's correlated subqueries (issue 17)."""
    return Subquery(
        Measurement.objects.filter(referral_id=OuterRef("pk"), occasion=occasion)
        .order_by()
        .values(field)[:1]
    )


def main_income_at(occasion: str) -> Subquery:
    """The income source with the largest extent at the occasion (ties by code)."""
    return Subquery(
        IncomeSource.objects.filter(
            measurement__referral_id=OuterRef("pk"), measurement__occasion=occasion
        )
        .order_by(F("extent").desc(nulls_last=True), "source")
        .values("source")[:1]
    )


class LocalQuestion(models.Model):
    """One of the association's own questions. Its wording lives in its versions."""

    class AnswerKind(models.TextChoices):
        SCALE = "scale", _("Skala 1–5")
        YES_NO = "yes_no", _("Ja eller nej")
        TEXT = "text", _("Fritext")

    association = models.ForeignKey(
        Association,
        verbose_name=_("samordningsförbund"),
        on_delete=models.PROTECT,
        related_name="local_questions",
    )
    answer_kind = models.CharField(_("svarstyp"), max_length=8, choices=AnswerKind.choices)
    occasions = models.CharField(
        _("ställs vid"),
        max_length=40,
        default="entry,exit",
        help_text=_("Tillfällen, kommaseparerade: entry, exit, after_1, after_6."),
    )
    active = models.BooleanField(_("ställs nu"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["association", "pk"]
        verbose_name = _("egen fråga")
        verbose_name_plural = _("egna frågor")

    def __str__(self) -> str:
        current = self.versions.order_by("-number").first()
        return current.wording if current else str(self.pk)

    def asked_at(self, occasion: str) -> bool:
        return occasion in self.occasions.split(",")


class QuestionVersion(models.Model):
    """A question's wording as it was asked. Never changed: a new wording is a new version."""

    question = models.ForeignKey(LocalQuestion, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    wording = models.CharField(_("frågan"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["question", "number"]
        verbose_name = _("frågeversion")
        verbose_name_plural = _("frågeversioner")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="measurements_questionversion_unique_number"
            )
        ]

    def __str__(self) -> str:
        return self.wording

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("A question's wording is never changed: add a new version.")
        super().save(*args, **kwargs)


class Answer(models.Model):
    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="answers")
    question_version = models.ForeignKey(
        QuestionVersion, on_delete=models.PROTECT, related_name="answers"
    )
    value = models.CharField(_("svar"), max_length=1000)

    class Meta:
        ordering = ["measurement", "question_version"]
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        constraints = [
            models.UniqueConstraint(
                fields=["measurement", "question_version"],
                name="measurements_answer_once_per_question",
            )
        ]

    def __str__(self) -> str:
        return self.value[:80]
