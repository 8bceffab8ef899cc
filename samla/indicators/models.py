"""Programmes and their targets (docs/domain.md §5G, seed 003).

A programme (SAMS 2010–2013) groups activities over a period; a target belongs to a programme or
to one activity. Targets are association-level data, not person data (R1): the association
office sets them, and everyone with a role in the association reads them with the dashboards.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samla.activities.models import Activity
from samla.organisations.models import Association, Municipality
from samla.people.models import Participant, Sex, TargetGroup
from samla.referrals.models import Referral


class Programme(models.Model):
    association = models.ForeignKey(
        Association,
        verbose_name=_("samordningsförbund"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    name = models.CharField(_("namn"), max_length=200)
    description = models.TextField(_("beskrivning"), max_length=4000, blank=True)
    starts_on = models.DateField(_("startar"))
    ends_on = models.DateField(_("slutar"))
    activities = models.ManyToManyField(
        Activity, verbose_name=_("insatser"), related_name="programmes"
    )
    created_at = models.DateTimeField(_("skapat"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        ordering = ["association", "-starts_on", "name"]
        verbose_name = _("program")
        verbose_name_plural = _("program")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="indicators_programme_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("indicators:programme", args=[self.pk])


class Target(models.Model):
    """One target: a count of participations or a share, for the whole period or one year,
    optionally broken down by sex and by target group or municipality (seed 003, delmål 1–5)."""

    class Kind(models.TextChoices):
        PARTICIPANTS = "participants", _("Antal deltagare")
        FEEL_BETTER = "feel_better", _("Andel som mår bättre")
        CLOSER = "closer", _("Andel som står närmare arbete eller studier")
        WORK_OR_STUDIES = "work_or_studies", _("Andel som avslutas till arbete eller studier")
        LEARNING_GOALS = "learning_goals", _("Antal som når lärandemål (OCN)")

    SHARE_KINDS = (Kind.FEEL_BETTER, Kind.CLOSER, Kind.WORK_OR_STUDIES)

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="targets"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="targets"
    )
    kind = models.CharField(_("sorts mål"), max_length=20, choices=Kind.choices)
    value = models.PositiveIntegerField(
        _("målvärde"), help_text=_("Ett antal, eller för en andel procent (0–100).")
    )
    year = models.PositiveSmallIntegerField(_("år"), null=True, blank=True)
    sex = models.CharField(_("kön"), max_length=1, choices=Sex.choices, blank=True)
    target_group = models.ForeignKey(
        TargetGroup,
        verbose_name=_("målgrupp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommun"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["kind", "year", "municipality__name", "target_group__name", "sex"]
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        constraints = [
            models.CheckConstraint(
                condition=Q(programme__isnull=True, activity__isnull=False)
                | Q(programme__isnull=False, activity__isnull=True),
                name="indicators_target_programme_or_activity",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["feel_better", "closer", "work_or_studies"])
                | Q(value__lte=100),
                name="indicators_target_share_is_percent",
            ),
            # Breakdowns are for participant counts, and by one of target group or municipality.
            models.CheckConstraint(
                condition=Q(kind="participants")
                | Q(sex="", target_group__isnull=True, municipality__isnull=True),
                name="indicators_target_breakdown_only_for_participants",
            ),
            models.CheckConstraint(
                condition=Q(target_group__isnull=True) | Q(municipality__isnull=True),
                name="indicators_target_one_row_breakdown",
            ),
            models.CheckConstraint(
                condition=Q(sex__in=["", "F", "M", "X"]), name="indicators_target_sex_known"
            ),
            models.UniqueConstraint(
                Coalesce("programme", Value(0)),
                Coalesce("activity", Value(0)),
                "kind",
                Coalesce("year", Value(0)),
                "sex",
                Coalesce("target_group", Value(0)),
                Coalesce("municipality", Value(0)),
                name="indicators_target_unique_breakdown",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.breakdown_label}".strip()

    @property
    def is_share(self) -> bool:
        return self.kind in self.SHARE_KINDS

    @property
    def breakdown_label(self) -> str:
        parts = [
            str(self.year) if self.year else "",
            self.municipality.name if self.municipality else "",
            self.target_group.name if self.target_group else "",
            str(self.get_sex_display()).lower() if self.sex else "",
        ]
        return ", ".join(p for p in parts if p)

    def period(self, starts_on: date, ends_on: date) -> tuple[date, date]:
        """The part of the programme's or activity's period the target speaks of."""
        if self.year is None:
            return starts_on, ends_on
        return max(starts_on, date(self.year, 1, 1)), min(ends_on, date(self.year, 12, 31))


class ReleaseQuerySet(models.QuerySet["Release"]):
    def current(self, association: Association) -> Release | None:
        """The association's newest finished release: what its figures show."""
        return (
            self.filter(association=association, state=Release.State.DONE)
            .order_by("-finished_at", "-pk")
            .first()
        )

    def failed_since(self, release: Release | None, association: Association) -> Release | None:
        """The newest release of the association that failed after ``release`` was asked for:
        the office must be told, not shown the old figures as if nothing happened."""
        failed = self.filter(association=association, state=Release.State.FAILED)
        if release is not None:
            failed = failed.filter(requested_at__gt=release.requested_at)
        return failed.order_by("-requested_at").first()

    def pending(self, association: Association) -> Release | None:
        return self.filter(
            association=association, state__in=[Release.State.QUEUED, Release.State.RUNNING]
        ).first()


class Release(models.Model):
    """One release of an association's statistics (ADR 0012): every figure its users can
    obtain, protected together so that no hidden small group can be worked out from the rest.
    What it approved is kept as one ``ReleasedGroup`` per group of people shown; a page shows
    a figure only if the group it counts is among them."""

    class State(models.TextChoices):
        QUEUED = "queued", _("I kö")
        RUNNING = "running", _("Sammanställs")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")

    class Step(models.TextChoices):
        WAITING = "waiting", _("Väntar på att börja")
        COLLECTING = "collecting", _("Tar fram alla tabeller och filter")
        PROTECTING = "protecting", _("Skyddar små grupper mot att räknas fram")
        FINISHED = "finished", _("Klar")

    association = models.ForeignKey(
        Association,
        verbose_name=_("samordningsförbund"),
        on_delete=models.CASCADE,
        related_name="releases",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beställd av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("beställd"), default=timezone.now, editable=False)
    state = models.CharField(
        _("läge"), max_length=8, choices=State.choices, default=State.QUEUED, editable=False
    )
    step = models.CharField(
        _("steg"), max_length=12, choices=Step.choices, default=Step.WAITING, editable=False
    )
    progress = models.PositiveSmallIntegerField(_("klart (%)"), default=0, editable=False)
    started_at = models.DateTimeField(_("påbörjad"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("färdig"), null=True, blank=True, editable=False)
    figures = models.PositiveIntegerField(_("siffror"), default=0, editable=False)
    shown_before = models.PositiveIntegerField(
        _("visade med skydd per tabell"), default=0, editable=False
    )
    shown = models.PositiveIntegerField(_("visade"), default=0, editable=False)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("sammanställning av statistik")
        verbose_name_plural = _("sammanställningar av statistik")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "done", "failed"]),
                name="indicators_release_state_known",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="indicators_release_progress_is_percent"
            ),
            models.CheckConstraint(
                condition=Q(shown__lte=F("shown_before"), shown_before__lte=F("figures")),
                name="indicators_release_shown_within_figures",
            ),
            # One release at a time per association: a second request joins the first.
            models.UniqueConstraint(
                fields=["association"],
                condition=Q(state__in=["queued", "running"]),
                name="indicators_release_one_pending_per_association",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.association} {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def hidden_share(self) -> Decimal | None:
        """The share of the figures per-table suppression would show that the release hid."""
        if not self.shown_before:
            return None
        hidden = self.shown_before - self.shown
        return (Decimal(100 * hidden) / self.shown_before).quantize(Decimal("0.1"))


class ReleasedGroup(models.Model):
    """A group of people a release approved to be shown: the digest of their records
    (``recording.digest``), never who they are."""

    release = models.ForeignKey(
        Release, verbose_name=_("sammanställning"), on_delete=models.CASCADE, related_name="groups"
    )
    digest = models.CharField(_("fingeravtryck"), max_length=32)

    class Meta:
        verbose_name = _("godkänd grupp")
        verbose_name_plural = _("godkända grupper")
        constraints = [
            models.UniqueConstraint(
                fields=["release", "digest"], name="indicators_releasedgroup_once"
            )
        ]

    def __str__(self) -> str:
        return self.digest


class Rollup(models.Model):
    """One referral as the dashboards count it (issue 17 item 2): the key each dimension gives
    it (``dimensions.py``, column ``by_<slug>``), the dates and flags the figures filter on, and
    two 40-bit parts of a hash of its id, whose sums over a group fingerprint the group
    (``recording.Tally``) without its ids leaving the database.

    Nothing here is typed by anyone: ``rollups.py`` computes each row from the referral, its
    participant and its measurements with the dimensions' own expressions, whenever a database
    trigger has marked the participant stale (``StaleParticipant``). Person-level data, but never
    shown: only counts over it leave Samla, through the statistics layer (R7)."""

    # Without a foreign key constraint, and left in place when what they point to is deleted:
    # the trigger's mark brings ``refresh`` to the participant, which subtracts the old rows
    # from ``YearCount`` before it removes them.
    referral = models.OneToOneField(
        Referral,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="+",
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    state = models.CharField(max_length=10)
    exit_reason = models.CharField(max_length=20, blank=True)
    sent_on = models.DateField()
    started_on = models.DateField(null=True)
    ended_on = models.DateField(null=True)
    by_sex = models.CharField(max_length=32)
    by_age = models.CharField(max_length=32)
    by_target_group = models.CharField(max_length=32)
    by_municipality = models.CharField(max_length=32)
    by_activity = models.CharField(max_length=32)
    by_organisation = models.CharField(max_length=32)
    by_quarter = models.CharField(max_length=32)
    by_exit_reason = models.CharField(max_length=32)
    by_state = models.CharField(max_length=32)
    by_duration = models.CharField(max_length=32)
    by_waiting = models.CharField(max_length=32)
    by_occupation_entry = models.CharField(max_length=32)
    by_occupation_exit = models.CharField(max_length=32)
    by_income_entry = models.CharField(max_length=32)
    by_income_exit = models.CharField(max_length=32)
    # Rated at entry and at exit: whether the exit's rating is higher. NULL when not rated both.
    wellbeing_better = models.BooleanField(null=True)
    closeness_better = models.BooleanField(null=True)
    learned = models.BooleanField()  # OCN points at some measurement
    hash_high = models.BigIntegerField()
    hash_low = models.BigIntegerField()
    # Culled (gallrad, samla.retention.culling): the referral and its participant are gone,
    # and this row is all that is left of them, so that past years' figures stay as they were.
    # A refresh neither computes nor removes it again. The participant's target groups, which
    # the figures per target group read through the participant while there is one, are kept
    # beside it, and nothing else of the person.
    culled = models.BooleanField(default=False)
    culled_target_groups = models.ManyToManyField(TargetGroup, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["activity", "started_on"], name="indicators_rollup_started"),
            models.Index(fields=["activity", "ended_on"], name="indicators_rollup_ended"),
            models.Index(fields=["activity", "sent_on"], name="indicators_rollup_sent"),
        ]

    def __str__(self) -> str:
        return f"rollup of referral {self.referral_id}"


# What a year count is kept by: one row for each.
YEAR_COUNT_KEY = (
    "event",
    "columns",
    "activity_id",
    "year",
    "until",
    "by_municipality",
    "by_sex",
    "first",
    "second",
)


class YearCount(models.Model):
    """The rollup counted per calendar year (ADR 0019, its second level; ``year_counts.py``):
    for one kind of count (``event``: started, ended, …) and one set of the rollup's columns
    (``columns``, their values in ``first`` and ``second``), how many referrals of an activity
    fall in a year, per municipality and sex, with the sums of their hash parts. Additive: a
    refresh subtracts a participant's old rollup rows and adds their new ones, in the same
    transaction, so a dashboard over whole years adds up these rows instead of reading every
    referral. The under-way count is kept by the years of start (``year``) and of end
    (``until``, ``STILL_UNDER_WAY`` while not ended); every other count has ``until = year``."""

    STILL_UNDER_WAY = 9999

    event = models.CharField(max_length=10)
    columns = models.CharField(max_length=64)
    activity_id = models.BigIntegerField()
    year = models.SmallIntegerField()
    until = models.SmallIntegerField()
    by_municipality = models.CharField(max_length=32)
    by_sex = models.CharField(max_length=32)
    first = models.CharField(max_length=32)
    second = models.CharField(max_length=32)
    count = models.IntegerField()
    hash_high = models.BigIntegerField()
    hash_low = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=YEAR_COUNT_KEY, name="indicators_yearcount_once"),
            models.CheckConstraint(
                condition=models.Q(count__gte=0), name="indicators_yearcount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.columns} {self.year}: {self.count}"


class StaleParticipant(models.Model):
    """A participant whose rows in ``Rollup`` must be computed again: written by database
    triggers on every change to their referrals, measurements, target groups or the fields of
    theirs the dashboards count by, read and removed by ``rollups.refresh``. The same participant
    may be marked many times before a refresh."""

    participant_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"participant {self.participant_id}"
