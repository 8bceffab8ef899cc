"""Anonymous questionnaires (docs/domain.md §5F): fixed, versioned wording, answered from one shared
link per round, with nothing that ties an answer to a person (R1, R7).

A questionnaire belongs to an association and speaks to one respondent group. Its wording lives in
versions: a version is a draft until the office publishes it, and from then on its introduction
and its questions never change (``save()`` and ``delete()`` refuse, and database triggers refuse
an UPDATE or INSERT from anywhere else, migration 0002). New wording is a new version, so every
answer keeps the wording it was given under.

A round is one link (``/enkat/<token>/``) that the association hands out, the same for everyone
in it. What an answer stores is chosen so that it cannot be traced back:

- a ``Response`` names its round and nothing else: no user, participant, session, IP address,
  user agent, time or even date. The round already gives the year; a date beside it would let
  whoever holds the web server's access log (time and address of each request) pick out the one
  request that made a response on a quiet day.
- ``Response`` and ``AnswerValue`` have random UUID keys, not counters, so the order in which
  answers arrived cannot be read from their ids and matched against that log either.
- there is no free-text answer. Whatever Samla promised, a sentence can name its writer ("as the
  only one from Nynäshamn...") or a third person, and then the association would hold person data
  it has no legal basis for (R1). Scales and yes/no answers can be counted and suppressed (R7);
  a sentence cannot.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samla.activities.models import Activity
from samla.organisations.models import Association

STANDARD_LOW = _("Instämmer inte alls")
STANDARD_HIGH = _("Instämmer helt")
SCALE = range(1, 6)
AGREES = (4, 5)  # the two top steps of the scale count as agreeing
YES, NO = 1, 0


class PublishedVersionIsFixed(ValueError):
    """Someone tried to change the wording of a published version: make a new version instead."""


def new_token() -> str:
    """32 URL-safe characters from 24 random bytes: not guessable, not derived from anything."""
    return secrets.token_urlsafe(24)


class Questionnaire(models.Model):
    class Group(models.TextChoices):
        PARTICIPANT_ONGOING = "participant_ongoing", _("Deltagare under insatsen")
        PARTICIPANT_EXIT = "participant_exit", _("Deltagare vid avslut")
        ACTIVITY_STAFF = "activity_staff", _("Insatspersonal")
        BOARD = "board", _("Styrelseledamöter")
        MANAGER = "manager", _("Chefer")
        REFERRER = "referrer", _("Remittenter/handläggare")

    association = models.ForeignKey(
        Association,
        verbose_name=_("samordningsförbund"),
        on_delete=models.PROTECT,
        related_name="questionnaires",
    )
    group = models.CharField(_("vem som svarar"), max_length=32, choices=Group.choices)
    name = models.CharField(_("namn"), max_length=200)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        ordering = ["association", "name"]
        verbose_name = _("enkät")
        verbose_name_plural = _("enkäter")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    group__in=[
                        "participant_ongoing",
                        "participant_exit",
                        "activity_staff",
                        "board",
                        "manager",
                        "referrer",
                    ]
                ),
                name="surveys_questionnaire_group_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("surveys:questionnaire", args=[self.pk])


class QuestionnaireVersion(models.Model):
    """A questionnaire's wording as it is asked. Fixed once published."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    introduction = models.TextField(
        _("inledning"),
        max_length=1000,
        blank=True,
        help_text=_("Visas överst i enkäten. Skriv kort och på lätt svenska."),
    )
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        ordering = ["questionnaire", "number"]
        verbose_name = _("enkätversion")
        verbose_name_plural = _("enkätversioner")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"],
                name="surveys_questionnaireversion_unique_number",
            ),
            # One draft at a time: two would compete to become the next wording.
            models.UniqueConstraint(
                fields=["questionnaire"],
                condition=Q(published_at__isnull=True),
                name="surveys_questionnaireversion_one_draft",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(published_by__isnull=False),
                name="surveys_questionnaireversion_published_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return _("%(name)s, version %(number)s") % {
            "name": self.questionnaire.name,
            "number": self.number,
        }

    def save(self, *args: Any, **kwargs: Any) -> None:
        stored_published = (
            not self._state.adding
            and self.pk is not None
            and QuestionnaireVersion.objects.filter(pk=self.pk, published_at__isnull=False).exists()
        )
        if stored_published:
            raise PublishedVersionIsFixed(f"Version {self.pk} is published and fixed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("surveys:version", args=[self.pk])

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_published:
            raise PublishedVersionIsFixed(f"Version {self.pk} is published and fixed.")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Skala 1–5")
        YES_NO = "yes_no", _("Ja eller nej")

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("ordning"))
    wording = models.CharField(_("frågan"), max_length=500)
    kind = models.CharField(_("svarssätt"), max_length=16, choices=Kind.choices)
    low_anchor = models.CharField(
        _("text vid 1"),
        max_length=100,
        blank=True,
        help_text=_("Lämna tomt för ”Instämmer inte alls”."),
    )
    high_anchor = models.CharField(
        _("text vid 5"),
        max_length=100,
        blank=True,
        help_text=_("Lämna tomt för ”Instämmer helt”."),
    )
    required = models.BooleanField(_("måste besvaras"), default=True)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("fråga")
        verbose_name_plural = _("frågor")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "order"], name="surveys_question_unique_order"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["scale", "yes_no"]), name="surveys_question_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.wording

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_if_published()
        return super().delete(*args, **kwargs)

    def _refuse_if_published(self) -> None:
        if QuestionnaireVersion.objects.filter(
            pk=self.version_id, published_at__isnull=False
        ).exists():
            raise PublishedVersionIsFixed(
                f"Version {self.version_id} is published: its questions are fixed."
            )

    @property
    def is_scale(self) -> bool:
        return self.kind == self.Kind.SCALE

    @property
    def low(self) -> str:
        return self.low_anchor or str(STANDARD_LOW)

    @property
    def high(self) -> str:
        return self.high_anchor or str(STANDARD_HIGH)

    def choices(self) -> list[tuple[str, str]]:
        """The answers a respondent picks from, as (stored value, label)."""
        if self.is_scale:
            ends = {1: f"1 – {self.low}", 5: f"5 – {self.high}"}
            return [(str(step), ends.get(step, str(step))) for step in SCALE]
        return [(str(YES), str(_("Ja"))), (str(NO), str(_("Nej")))]

    def allowed_values(self) -> set[int]:
        return set(SCALE) if self.is_scale else {YES, NO}


class SurveyRoundQuerySet(models.QuerySet["SurveyRound"]):
    def in_associations(self, association_ids: set[int]) -> SurveyRoundQuerySet:
        return self.filter(association_id__in=association_ids)

    def closed_by(self, day: date) -> SurveyRoundQuerySet:
        """Rounds nobody can answer any more: closed early, or past their last day."""
        return self.filter(Q(closed_early_on__isnull=False) | Q(closes_on__lt=day))


class SurveyRound(models.Model):
    """One link, handed out by the association to everyone the round is for.

    Results are shown only once the round is closed (see ``results_ready``): while answers still
    come in, two looks at the figures a day apart would show what the one new respondent
    answered, and the office may know who that was.
    """

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Inte öppnad än")
        OPEN = "open", _("Öppen")
        CLOSED = "closed", _("Stängd")

    association = models.ForeignKey(
        Association,
        verbose_name=_("samordningsförbund"),
        on_delete=models.PROTECT,
        related_name="survey_rounds",
    )
    version = models.ForeignKey(
        QuestionnaireVersion,
        verbose_name=_("enkätversion"),
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("insats"),
        on_delete=models.PROTECT,
        related_name="survey_rounds",
        null=True,
        blank=True,
    )
    year = models.PositiveSmallIntegerField(_("år"))
    opens_on = models.DateField(_("öppnar"))
    closes_on = models.DateField(_("sista svarsdag"))
    closed_early_on = models.DateField(_("stängdes i förtid"), null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = SurveyRoundQuerySet.as_manager()

    class Meta:
        ordering = ["association", "-opens_on", "pk"]
        verbose_name = _("enkätomgång")
        verbose_name_plural = _("enkätomgångar")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="surveys_surveyround_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="surveys_surveyround_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        where = f", {self.activity}" if self.activity_id else ""
        return f"{self.version.questionnaire.name}{where} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:round", args=[self.pk])

    def answer_path(self) -> str:
        return reverse("survey_answer:answer", args=[self.token])

    def is_open(self, day: date) -> bool:
        return self.closed_early_on is None and self.opens_on <= day <= self.closes_on

    def has_opened(self, day: date) -> bool:
        return self.opens_on <= day

    def results_ready(self, day: date) -> bool:
        return self.closed_early_on is not None or self.closes_on < day

    def status(self, day: date) -> SurveyRound.Status:
        if self.results_ready(day):
            return self.Status.CLOSED
        return self.Status.OPEN if self.has_opened(day) else self.Status.UPCOMING


class Response(models.Model):
    """One person's answers to one round. Deliberately nothing but the round (see the module)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="responses")

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")

    def __str__(self) -> str:
        return str(_("Svar"))


class AnswerValue(models.Model):
    """The answer to one question: a step of the scale (1–5), or 1 for yes and 0 for no."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="values")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(_("svar"))

    class Meta:
        verbose_name = _("svar på en fråga")
        verbose_name_plural = _("svar på frågor")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="surveys_answervalue_one_per_question"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0) & Q(value__lte=5), name="surveys_answervalue_in_range"
            ),
        ]

    def __str__(self) -> str:
        return str(self.value)
