"""The coordinated individual plan (samordnad individuell plan, SIP; docs/domain.md §5C).

One plan per person at a time, made with the person in their own words (R10). Its content is
the goals, the lead organisation, the follow-up date and the actions; changing content of an
agreed plan starts a new revision that every responsible organisation confirms and the person
approves again. Each agreed revision is frozen as a ``PlanVersion``. An action's status and
follow-up note are follow-up of the agreed work, not content: they never start a revision.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from samla.organisations.models import Organisation
from samla.people.models import InformationCategory, Participant


class InvalidTransition(Exception):
    """The plan's state does not allow this step. The message is for the user, in Swedish."""


class PlanQuerySet(models.QuerySet["Plan"]):
    def active(self) -> PlanQuerySet:
        return self.exclude(state=Plan.State.CLOSED)


class Plan(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        INVITED = "invited", _("Skickad för bekräftelse")
        AGREED = "agreed", _("Överenskommen")
        REVISED = "revised", _("Ändrad – väntar på ny överenskommelse")
        CLOSED = "closed", _("Avslutad")

    class Transition(models.TextChoices):
        EDIT = "edit", _("ändra innehållet")
        INVITE = "invite", _("skicka för bekräftelse")
        CONFIRM = "confirm", _("bekräfta")
        APPROVE = "approve", _("registrera personens godkännande")
        AGREE = "agree", _("bli överenskommen")
        FOLLOW_UP = "follow_up", pgettext_lazy("plan", "följa upp insatser")
        CLOSE = "close", _("avsluta")

    class CloseReason(models.TextChoices):
        PERSON = "person", _("Personen vill avsluta planen")
        GOALS_REACHED = "goals_reached", _("Målen är uppnådda")
        NOT_NEEDED = "not_needed", _("Samordning behövs inte längre")
        MOVED = "moved", _("Personen har flyttat")
        OTHER = "other", _("Annat skäl")

    OPEN_STATES = frozenset({State.DRAFT, State.INVITED, State.AGREED, State.REVISED})
    # Which states each step may start from. CLOSE from every open state: the person may end
    # the plan at any time (R10), and so may the coordinator, with a reason.
    ALLOWED = {
        Transition.EDIT: OPEN_STATES,
        Transition.INVITE: frozenset({State.DRAFT, State.REVISED}),
        Transition.CONFIRM: frozenset({State.INVITED}),
        Transition.APPROVE: frozenset({State.INVITED}),
        Transition.AGREE: frozenset({State.INVITED}),
        Transition.FOLLOW_UP: OPEN_STATES,
        Transition.CLOSE: OPEN_STATES,
    }

    participant = models.ForeignKey(
        Participant, verbose_name=_("deltagare"), on_delete=models.PROTECT, related_name="plans"
    )
    state = models.CharField(
        _("läge"), max_length=12, choices=State.choices, default=State.DRAFT, editable=False
    )
    goals = models.TextField(_("Mina mål – med personens egna ord"), max_length=4000)
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("huvudansvarig organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    follow_up_date = models.DateField(_("uppföljningsdatum"))
    revision = models.PositiveIntegerField(
        _("revision"),
        default=1,
        editable=False,
        help_text=_("Den revision som arbetas med; en överenskommen revision blir en version."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    closed_at = models.DateTimeField(_("avslutad"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    close_reason = models.CharField(
        _("skäl till avslut"), max_length=16, choices=CloseReason.choices, blank=True
    )
    close_note = models.TextField(_("kommentar till avslutet"), max_length=1000, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("samordnad plan")
        verbose_name_plural = _("samordnade planer")
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=~Q(state="closed"),
                name="plans_plan_one_active_per_participant",
            ),
            models.CheckConstraint(
                condition=Q(state="closed", closed_at__isnull=False) & ~Q(close_reason="")
                | (~Q(state="closed") & Q(closed_at__isnull=True)),
                name="plans_plan_closed_has_time_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(revision__gte=1), name="plans_plan_revision_positive"
            ),
            models.CheckConstraint(
                condition=~Q(state="revised") | Q(revision__gt=1),
                name="plans_plan_revised_only_after_agreement",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Samordnad plan för %(participant)s") % {"participant": self.participant}

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", kwargs={"pk": self.participant_id})

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED

    @property
    def ended_by_person(self) -> bool:
        return self.close_reason == self.CloseReason.PERSON

    @property
    def was_agreed_before(self) -> bool:
        """A revision after the first exists only because an agreed plan was changed."""
        return self.revision > 1

    def can(self, transition: Plan.Transition) -> bool:
        return self.state in self.ALLOWED[transition]

    def target_state(self, transition: Plan.Transition) -> Plan.State:
        if transition == self.Transition.EDIT:
            if self.state == self.State.DRAFT:
                return self.State.DRAFT
            if self.state == self.State.INVITED and not self.was_agreed_before:
                return self.State.DRAFT  # sent, never agreed: back to a draft
            return self.State.REVISED
        return {
            self.Transition.INVITE: self.State.INVITED,
            self.Transition.AGREE: self.State.AGREED,
            self.Transition.CLOSE: self.State.CLOSED,
        }.get(transition, self.State(self.state))

    def transition(self, transition: Plan.Transition) -> None:
        """Move to the state the step leads to, or raise ``InvalidTransition``. Changing an
        agreed plan starts the next revision. Saving is the caller's business."""
        if not self.can(transition):
            raise InvalidTransition(
                gettext("Det går inte att %(step)s när planen har läget ”%(state)s”.")
                % {"step": transition.label, "state": self.get_state_display()}
            )
        if transition == self.Transition.EDIT and self.state == self.State.AGREED:
            self.revision += 1
        self.state = self.target_state(transition)

    def required_organisation_ids(self, actions: Iterable[PlanAction]) -> set[int]:
        """Who must confirm the working revision: the lead organisation and every organisation
        responsible for an action that is not cancelled."""
        return {self.lead_organisation_id} | {
            a.responsible_organisation_id
            for a in actions
            if a.status != PlanAction.Status.CANCELLED
        }


class PlanActionQuerySet(models.QuerySet["PlanAction"]):
    def open(self) -> PlanActionQuerySet:
        """Work still to do in a plan that organisations have been asked to work from: not
        done or cancelled, in a plan sent for confirmation, agreed or being revised."""
        return self.filter(
            status__in=[PlanAction.Status.PLANNED, PlanAction.Status.ONGOING],
            plan__state__in=[Plan.State.INVITED, Plan.State.AGREED, Plan.State.REVISED],
        )

    def due_by(self, day: date) -> PlanActionQuerySet:
        return self.filter(due_date__lte=day)

    def for_organisation(self, organisation_id: int) -> PlanActionQuerySet:
        return self.filter(responsible_organisation_id=organisation_id)


class PlanAction(models.Model):
    """One need and what an organisation does about it (insats/åtgärd)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planerad")
        ONGOING = "ongoing", _("Pågår")
        DONE = "done", _("Klar")
        CANCELLED = "cancelled", _("Avbruten")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="actions")
    need = models.TextField(_("Behov"), max_length=2000)
    action = models.TextField(pgettext_lazy("plan", "Insats/åtgärd"), max_length=2000)
    responsible_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("ansvarig organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ansvarig person"),
        on_delete=models.PROTECT,
        related_name="plan_actions",
        null=True,
        blank=True,
    )
    due_date = models.DateField(_("klart senast"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    follow_up_note = models.TextField(_("uppföljning"), max_length=1000, blank=True)
    category = models.CharField(
        _("vilken sorts uppgift"),
        max_length=20,
        choices=InformationCategory.choices,
        default=InformationCategory.WORK_STUDIES,
        help_text=pgettext_lazy(
            "plan",
            "Organisationer utanför den ansvariga ser insatsen bara om samtycket omfattar det.",
        ),
    )
    position = models.PositiveIntegerField(default=0, editable=False)
    # Raised by every save of the action, follow-up and content alike: a follow-up made from a
    # page someone else has saved over since is refused (samla.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = PlanActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = pgettext_lazy("plan", "insats i planen")
        verbose_name_plural = pgettext_lazy("plan", "insatser i planen")
        indexes = [
            models.Index(
                fields=["responsible_organisation", "status", "due_date"],
                name="plans_action_org_status_due",
            )
        ]

    def __str__(self) -> str:
        return self.action[:80]

    def get_absolute_url(self) -> str:
        return reverse(
            "plans:action_edit", kwargs={"pk": self.plan.participant_id, "action_pk": self.pk}
        )

    def is_overdue(self, today: date) -> bool:
        return (
            self.due_date is not None
            and self.due_date < today
            and self.status in (self.Status.PLANNED, self.Status.ONGOING)
        )


class PlanConfirmationQuerySet(models.QuerySet["PlanConfirmation"]):
    def current(self) -> PlanConfirmationQuerySet:
        return self.filter(superseded_at__isnull=True)


class PlanConfirmation(models.Model):
    """An organisation confirms that it will do its part of a revision. A change to the
    content while the plan waits for confirmations supersedes the confirmations given."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="confirmations")
    revision = models.PositiveIntegerField()
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = PlanConfirmationQuerySet.as_manager()

    class Meta:
        ordering = ["confirmed_at", "pk"]
        verbose_name = _("bekräftelse")
        verbose_name_plural = _("bekräftelser")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "revision", "organisation"],
                condition=Q(superseded_at__isnull=True),
                name="plans_planconfirmation_one_per_organisation_and_revision",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.confirmed_at:%Y-%m-%d})"


class PlanApprovalQuerySet(models.QuerySet["PlanApproval"]):
    def current(self) -> PlanApprovalQuerySet:
        return self.filter(superseded_at__isnull=True)


class PlanApproval(models.Model):
    """The person's approval of a revision (R10), and how it was given."""

    class Method(models.TextChoices):
        MEETING = "meeting", _("I ett möte")
        PAPER = "paper", _("Undertecknad på papper")
        DIGITAL = "digital", _("Digitalt")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="approvals")
    revision = models.PositiveIntegerField()
    method = models.CharField(
        _("hur godkände personen planen?"), max_length=12, choices=Method.choices
    )
    note = models.TextField(_("anteckning"), max_length=1000, blank=True)
    # Staff who registered it, or the person themself when they approved in Min Samla.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    # The e-ID the person signed with in Min Samla; blank when staff registered the approval
    # (older rows with the method "digital" were ticked by staff and have none).
    acr = models.CharField(_("tillitsnivå"), max_length=200, blank=True, editable=False)
    provider = models.CharField(_("e-legitimation"), max_length=40, blank=True, editable=False)
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = PlanApprovalQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("personens godkännande")
        verbose_name_plural = _("personens godkännanden")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "revision"],
                condition=Q(superseded_at__isnull=True),
                name="plans_planapproval_one_per_revision",
            ),
            models.CheckConstraint(
                condition=Q(acr="") | Q(method="digital"),
                name="plans_planapproval_e_id_only_digital",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} ({self.recorded_at:%Y-%m-%d})"

    @property
    def by_person_with_e_id(self) -> bool:
        """Given by the person themself in Min Samla, signed with e-ID."""
        return bool(self.acr)

    @property
    def assurance_level(self) -> str:
        return assurance_level(self.acr)


def assurance_level(acr: str) -> str:
    """The Swedish assurance level's number ("3") from its URI, or the value as it is."""
    tail = acr.rstrip("/").rsplit("/", 1)[-1]
    return tail.removeprefix("loa") if tail.startswith("loa") else acr


class PlanDeferralQuerySet(models.QuerySet["PlanDeferral"]):
    def current(self) -> PlanDeferralQuerySet:
        return self.filter(superseded_at__isnull=True)


class PlanDeferral(models.Model):
    """The person's answer "not yet, because …" to a revision that waits for their approval,
    given in Min Samla. It stands until the revision changes or the person approves it."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="deferrals")
    revision = models.PositiveIntegerField()
    reason = models.TextField(_("varför inte än"), max_length=2000)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = PlanDeferralQuerySet.as_manager()

    class Meta:
        ordering = ["given_at", "pk"]
        verbose_name = _("personens svar ”inte än”")
        verbose_name_plural = _("personens svar ”inte än”")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "revision"],
                condition=Q(superseded_at__isnull=True),
                name="plans_plandeferral_one_current_per_revision",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="plans_plandeferral_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.reason[:60]} ({self.given_at:%Y-%m-%d})"


class PlanVersion(models.Model):
    """An agreed revision, frozen: what everyone confirmed and the person approved."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    agreed_at = models.DateTimeField(_("överenskommen"))
    snapshot = models.JSONField(editable=False)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("överenskommen version")
        verbose_name_plural = _("överenskomna versioner")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="plans_planversion_unique_number"
            )
        ]

    def __str__(self) -> str:
        return gettext("Version %(number)s") % {"number": self.number}

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("An agreed version is never edited.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "plans:version", kwargs={"pk": self.plan.participant_id, "plan_version": self.number}
        )
