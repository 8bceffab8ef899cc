"""Gallring: how long each organisation keeps each kind of record about a person, and the holds
(gallringsstopp) that keep a person's records whatever the rules say (docs/domain.md R8).

Each organisation that controls records decides its own rules in its information management
plan (informationshanteringsplan); Samla keeps them per record type, with the decision or the
provision of law they rest on. No rule for a record type means that Samla culls nothing of it
for that organisation. A hold is placed by the organisation's administrator, with a reason, and
is never deleted: lifting it is recorded beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samla.organisations.models import Organisation
from samla.people.models import Participant

# The days of the month whose people a municipality's social services keep for research
# (socialtjänstförordningen 2001:937 7 kap. 2 §).
RESEARCH_DAYS = (5, 15, 25)


class RecordType(models.TextChoices):
    PARTICIPANT = "participant", _("Personuppgifter och deltagande")
    CONSENT = "consent", _("Samtycken")
    STORY = "story", _("Berättelsen")
    PLAN = "plan", _("Samordnad plan")
    MEETING = "meeting", _("Möten och minnesanteckningar")
    REFERRAL = "referral", _("Remisser")
    MEASUREMENT = "measurement", _("Mätningar")
    ACCESS_EXTRACT = "access_extract", _("Personens loggutdrag")
    AUDIT_LOG = "audit_log", _("Åtkomstloggen")


class StartsFrom(models.TextChoices):
    LAST_ENTRY = "last_entry", _("den sista anteckningen om personen")
    PARTICIPATION_END = "participation_end", _("det avslutade deltagandet")
    CONSENT_END = "consent_end", _("samtyckets slut")
    WRITTEN = "written", _("att uppgiften skrevs")


class RetentionRule(models.Model):
    """How long ``organisation`` keeps one type of record: ``years`` after ``starts_from``, or
    for ever when ``years`` is empty (bevaras)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="retention_rules"
    )
    record_type = models.CharField(_("uppgifter"), max_length=32, choices=RecordType.choices)
    years = models.PositiveSmallIntegerField(
        _("gallras efter (år)"),
        null=True,
        blank=True,
        help_text=_("Lämna tomt om uppgifterna ska bevaras."),
    )
    starts_from = models.CharField(
        _("räknat från"), max_length=32, choices=StartsFrom.choices, default=StartsFrom.LAST_ENTRY
    )
    keeps_research_days = models.BooleanField(
        _("bevara personer födda den 5, 15 och 25"),
        default=False,
        help_text=_("Undantaget för forskningens behov i socialtjänstförordningen 7 kap. 2 §."),
    )
    decision = models.TextField(
        _("beslut eller lagrum"),
        max_length=2000,
        help_text=_("Gallringsbeslutet i informationshanteringsplanen, eller lagen det följer."),
    )
    decided_on = models.DateField(_("beslutsdatum"))
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "record_type"]
        verbose_name = _("gallringsregel")
        verbose_name_plural = _("gallringsregler")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "record_type"], name="retention_one_rule_per_type"
            ),
            models.CheckConstraint(
                condition=Q(years__isnull=True) | Q(years__gte=1, years__lte=100),
                name="retention_years_between_1_and_100",
            ),
            models.CheckConstraint(
                condition=Q(record_type__in=RecordType.values), name="retention_known_record_type"
            ),
            models.CheckConstraint(
                condition=Q(starts_from__in=StartsFrom.values), name="retention_known_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_record_type_display()}"


class HoldReason(models.TextChoices):
    COMPLAINT = "complaint", _("Klagomål")
    SUPERVISION = "supervision", _("Tillsyn (IVO eller JO)")
    COURT = "court", _("Domstolsprocess")
    PUBLIC_ACCESS = "public_access", _("Begäran om allmän handling (tryckfrihetsförordningen)")
    OTHER = "other", _("Annat")


class LegalHoldQuerySet(models.QuerySet["LegalHold"]):
    def in_force(self) -> LegalHoldQuerySet:
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """Gallringsstopp: the person's records (``record_type`` empty) or one record of theirs are
    not culled while the hold is in force, whatever any rule says."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="legal_holds", editable=False
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="legal_holds", editable=False
    )
    record_type = models.CharField(
        _("uppgifter"),
        max_length=32,
        choices=RecordType.choices,
        blank=True,
        help_text=_("Tomt: alla personens uppgifter."),
    )
    object_id = models.PositiveBigIntegerField(_("uppgiftens nummer"), null=True, blank=True)
    reason = models.CharField(_("skäl"), max_length=32, choices=HoldReason.choices)
    note = models.TextField(_("beskrivning"), max_length=2000)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    lifted_at = models.DateTimeField(null=True, blank=True, editable=False)
    lift_note = models.TextField(_("skäl att häva"), max_length=2000, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-pk"]
        verbose_name = _("gallringsstopp")
        verbose_name_plural = _("gallringsstopp")
        constraints = [
            models.CheckConstraint(
                condition=Q(object_id__isnull=True) | ~Q(record_type=""),
                name="retention_hold_record_has_a_type",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True, lift_note="")
                | (Q(lifted_at__isnull=False, lifted_by__isnull=False) & ~Q(lift_note="")),
                name="retention_hold_lifted_by_someone_with_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=HoldReason.values), name="retention_hold_known_reason"
            ),
            models.CheckConstraint(condition=~Q(note=""), name="retention_hold_has_a_note"),
        ]

    def __str__(self) -> str:
        return str(_("Gallringsstopp från %(date)s") % {"date": self.placed_at.date().isoformat()})

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None


class CullingSettings(models.Model):
    """How an organisation's culling runs are approved: by its administrator, run by run, after
    a preview (the default), or automatically."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="culling_settings"
    )
    automatic = models.BooleanField(
        _("gallra automatiskt"),
        default=False,
        help_text=_(
            "Utan förhandsgranskning: det som är gallringsbart gallras vid nattens körning."
        ),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inställning för gallring")
        verbose_name_plural = _("inställningar för gallring")

    def __str__(self) -> str:
        return str(self.organisation)


class CullingRunQuerySet(models.QuerySet["CullingRun"]):
    def open(self) -> CullingRunQuerySet:
        return self.filter(state__in=[CullingRun.State.PREVIEW, CullingRun.State.APPROVED])


class CullingRun(models.Model):
    """One culling of an organisation's records under its rule for people's records
    (``RecordType.PARTICIPANT``): first a preview of who is due, which the administrator
    approves, then the deletion, one person at a time. Once done it is the gallringsprotokoll:
    the rule as it stood, the counts, who approved and when. It names nobody: the preview's
    sample is the organisation's own references, and the people's ids are forgotten when the
    run is done or discarded."""

    class State(models.TextChoices):
        PREVIEW = "preview", _("Väntar på godkännande")
        APPROVED = "approved", _("Godkänd, gallring pågår")
        DONE = "done", _("Genomförd")
        DISCARDED = "discarded", _("Avbruten")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="culling_runs", editable=False
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.PREVIEW)
    # The rules as they stood at the preview: [{"record_type", "years", "starts_from",
    # "keeps_research_days", "decision", "decided_on", "due_on_or_before"}], people's first.
    rules = models.JSONField(default=list, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )  # empty: the nightly run
    # Who is due at the preview, by participant id, and {record type: [ids]} of the records
    # due under the other types' rules in people who stay; both emptied when the run ends.
    due = models.JSONField(default=list, editable=False)
    records_due = models.JSONField(default=dict, editable=False)
    # {record type: how many records} at the preview, and the sample (the organisation's
    # references to at most ten of the people).
    counts = models.JSONField(default=dict, editable=False)
    sample = models.JSONField(default=list, editable=False)
    people_due = models.PositiveIntegerField(default=0)
    kept_on_hold = models.PositiveIntegerField(default=0)
    kept_for_research = models.PositiveIntegerField(default=0)
    automatic = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    # While it runs and when done: people culled, people no longer due when their turn came (a
    # new entry or a hold since the preview), and {record type: records culled}.
    people_culled = models.PositiveIntegerField(default=0)
    people_skipped = models.PositiveIntegerField(default=0)
    culled_counts = models.JSONField(default=dict, editable=False)
    # {association id: people culled}: what each association's protocol shows.
    by_association = models.JSONField(default=dict, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    objects = CullingRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("gallringskörning")
        verbose_name_plural = _("gallringskörningar")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(state__in=["preview", "approved"]),
                name="retention_one_open_run_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["preview", "approved", "done", "discarded"]),
                name="retention_run_known_state",
            ),
            models.CheckConstraint(
                condition=Q(state="preview")
                | Q(state="discarded")
                | Q(approved_at__isnull=False) & (Q(approved_by__isnull=False) | Q(automatic=True)),
                name="retention_run_approved_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["preview", "approved"], finished_at__isnull=True)
                | Q(state__in=["done", "discarded"], finished_at__isnull=False),
                name="retention_run_finished_when_ended",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Gallring %(date)s") % {"date": self.created_at.date().isoformat()})

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.PREVIEW, self.State.APPROVED)

    @property
    def records_due_count(self) -> int:
        return sum(len(ids) for ids in self.records_due.values())

    def rule_rows(self) -> list[RuleAsRun]:
        return [RuleAsRun.of(rule) for rule in self.rules]


@dataclass(frozen=True)
class RuleAsRun:
    """One rule as a run applied it (``CullingRun.rules``)."""

    record_type: RecordType
    years: int
    starts_from: StartsFrom
    keeps_research_days: bool
    decision: str
    decided_on: str
    due_on_or_before: str

    @classmethod
    def of(cls, rule: dict[str, Any]) -> RuleAsRun:
        return cls(
            RecordType(rule["record_type"]),
            rule["years"],
            StartsFrom(rule["starts_from"]),
            rule["keeps_research_days"],
            rule["decision"],
            rule["decided_on"],
            rule["due_on_or_before"],
        )
