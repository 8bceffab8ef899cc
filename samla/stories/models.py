"""The person's story (min berättelse): told once, in their words, shared as their consent allows.

A story is a row of versions. A version is never edited: saving writes a new version with every
section, so the controlling organisation can always read what was written before (docs/domain.md
§5B). Each section carries an information category, the same categories a consent includes or
excludes, so that another organisation sees exactly the sections the person agreed to share
(R2); a section without a category stays with the controlling organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from samla.people.models import InformationCategory, Participant

MAX_SECTION_LENGTH = 5000


class Story(models.Model):
    """One per participant. ``version`` is the number of the latest version (0 before the
    first), and the row is locked while a new version is saved, so that a save based on an
    older version is refused instead of overwriting it."""

    participant = models.OneToOneField(
        Participant, verbose_name=_("deltagare"), on_delete=models.PROTECT, related_name="story"
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("berättelse")
        verbose_name_plural = _("berättelser")

    def __str__(self) -> str:
        return str(_("Berättelse för deltagare %(pk)s") % {"pk": self.participant_id})

    def get_absolute_url(self) -> str:
        return reverse("stories:story", kwargs={"pk": self.participant_id})


class StoryVersion(models.Model):
    class Written(models.TextChoices):
        WITH_PERSON = "with_person", _("Tillsammans med personen")
        BY_PERSON = "by_person", _("Av personen själv")
        IN_THEIR_WORDS = "in_their_words", _("Personens ord, nedskrivna av koordinatorn")

    story = models.ForeignKey(Story, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skriven av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sparad"), default=timezone.now)
    written = models.CharField(_("hur texten kom till"), max_length=16, choices=Written.choices)
    note = models.TextField(_("anteckning om versionen"), max_length=1000, blank=True)

    class Meta:
        ordering = ["story", "-number"]
        verbose_name = _("version av berättelsen")
        verbose_name_plural = _("versioner av berättelsen")
        constraints = [
            models.UniqueConstraint(
                fields=["story", "number"], name="stories_storyversion_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="stories_storyversion_number_from_one"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Version %(number)s") % {"number": self.number})

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A story version is never edited: save a new version instead.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "stories:version",
            kwargs={"pk": self.story.participant_id, "story_version": self.number},
        )

    def contents(self) -> dict[str, SectionContent]:
        """What each section says, by kind (the sections must be fetched or prefetched)."""
        return {
            section.kind: SectionContent(section.text, section.category)
            for section in self.sections.all()
        }


@dataclass(frozen=True)
class SectionContent:
    """A section's text and category, as written or as proposed in a form."""

    text: str
    category: str  # an InformationCategory value, or "" for the controlling organisation only


class StorySection(models.Model):
    class Kind(models.TextChoices):
        LIFE_SITUATION = "life_situation", _("Min livssituation")
        WHAT_MATTERS = "what_matters", _("Vad är viktigt för dig?")
        NEEDS = "needs", _("Det här behöver jag hjälp med")
        STRENGTHS = "strengths", _("Det här är jag bra på")
        NOT_SHARED = "not_shared", _("Det här vill jag inte att ni delar")

    version = models.ForeignKey(StoryVersion, on_delete=models.PROTECT, related_name="sections")
    kind = models.CharField(_("avsnitt"), max_length=16, choices=Kind.choices)
    category = models.CharField(
        _("räknas som"),
        max_length=20,
        choices=InformationCategory.choices,
        blank=True,
        help_text=_("Tomt: bara den ansvariga organisationen ser avsnittet."),
    )
    text = models.TextField(_("text"), max_length=MAX_SECTION_LENGTH)

    class Meta:
        verbose_name = _("avsnitt")
        verbose_name_plural = _("avsnitt")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "kind"], name="stories_storysection_one_per_kind"
            ),
            models.CheckConstraint(
                condition=~Q(kind="not_shared") | Q(category=""),
                name="stories_storysection_not_shared_stays_with_controller",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A story section is never edited: save a new version instead.")
        super().save(*args, **kwargs)


KIND_ORDER = list(StorySection.Kind)

# What a section counts as unless the writer chooses otherwise.
DEFAULT_CATEGORY: dict[str, str] = {
    StorySection.Kind.LIFE_SITUATION: InformationCategory.LIFE_SITUATION,
    StorySection.Kind.WHAT_MATTERS: InformationCategory.LIFE_SITUATION,
    StorySection.Kind.NEEDS: InformationCategory.WORK_STUDIES,
    StorySection.Kind.STRENGTHS: InformationCategory.WORK_STUDIES,
    StorySection.Kind.NOT_SHARED: "",
}


def category_label(category: str) -> StrOrPromise:
    if not category:
        return _("Bara den ansvariga organisationen")
    return InformationCategory(category).label


MAX_SUGGESTION_LENGTH = 4000


class StorySuggestionQuerySet(models.QuerySet["StorySuggestion"]):
    def open(self) -> StorySuggestionQuerySet:
        return self.filter(state=StorySuggestion.State.OPEN)


class StorySuggestion(models.Model):
    """What the person wrote in Min Samla about their story: a correction to a section, or
    something in their own words. It changes nothing by itself: the coordinator takes it in
    (saving a new version of the story, the story still told once) or answers it."""

    class State(models.TextChoices):
        OPEN = "open", _("Väntar på koordinatorn")
        TAKEN_IN = "taken_in", _("Inlagt i berättelsen")
        ANSWERED = "answered", _("Besvarat")

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("deltagare"),
        on_delete=models.PROTECT,
        related_name="story_suggestions",
    )
    kind = models.CharField(
        _("avsnitt"),
        max_length=16,
        choices=StorySection.Kind.choices,
        blank=True,
        help_text=_("Tomt: något nytt, som koordinatorn lägger där det passar."),
    )
    text = models.TextField(_("förslag"), max_length=MAX_SUGGESTION_LENGTH)
    created_at = models.DateTimeField(_("skickat"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skrivet av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("läge"), max_length=8, choices=State.choices, default=State.OPEN, editable=False
    )
    answer = models.TextField(_("svar"), max_length=MAX_SUGGESTION_LENGTH, blank=True)
    taken_in_version = models.ForeignKey(
        StoryVersion,
        verbose_name=_("inlagt i version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hanterat av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("hanterat"), null=True, blank=True)

    objects = StorySuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("förslag till berättelsen")
        verbose_name_plural = _("förslag till berättelsen")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    state="open",
                    handled_by__isnull=True,
                    handled_at__isnull=True,
                    taken_in_version__isnull=True,
                    answer="",
                )
                | Q(
                    state="taken_in",
                    handled_by__isnull=False,
                    handled_at__isnull=False,
                    taken_in_version__isnull=False,
                )
                | (
                    Q(
                        state="answered",
                        handled_by__isnull=False,
                        handled_at__isnull=False,
                        taken_in_version__isnull=True,
                    )
                    & ~Q(answer="")
                ),
                name="stories_storysuggestion_state_consistent",
            ),
            models.CheckConstraint(
                condition=~Q(text=""), name="stories_storysuggestion_text_required"
            ),
        ]
        indexes = [models.Index(fields=["participant", "state"])]

    def __str__(self) -> str:
        return str(_("Förslag till berättelsen, %(date)s") % {"date": self.created_at.date()})

    @property
    def heading(self) -> StrOrPromise:
        return StorySection.Kind(self.kind).label if self.kind else _("Något nytt")

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN
