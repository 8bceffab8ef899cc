"""Closed-loop referrals to an individual activity (docs/domain.md §5E).

sent → received → accepted or waitlisted → started → ended (with an exit reason), or declined
(by the person or by the provider), or withdrawn. A waitlisted referral is offered a freed place
(offered, with a date to answer by) and goes on to accepted, or to declined when the person says
no or lets the date pass; nobody jumps the list (``actions.offer_free_places``). A closed
referral can be reopened with a note: a declined or withdrawn one is sent again, an ended one
goes back to started (ended by mistake).

``Referral.ALLOWED`` is the one table of legal steps; ``transition()`` refuses any other, check
constraints refuse a row whose state lacks what it needs (an ended referral without exit reason
and end date, a declined one without who declined, a started one without a start date, an
offered one without its date to answer by), and a database trigger refuses a step outside the
table from anywhere else (migration 0003). Every step leaves a ``ReferralEvent``: the history
is append-only.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samla.activities.models import Activity
from samla.organisations.models import Organisation
from samla.people.models import Consent, Participant


class InvalidTransition(Exception):
    """The referral's state does not allow this step. The message is for the user, in Swedish."""


class ExitReason(models.TextChoices):
    """docs/domain.md §6."""

    WORK_UNSUBSIDISED = "work_unsubsidised", _("Arbete utan subvention")
    WORK_SUBSIDISED = "work_subsidised", _("Arbete med subvention")
    STUDIES = "studies", _("Studier")
    JOB_SEEKING_AF = "job_seeking_af", _("Arbetssökande via Arbetsförmedlingen")
    OTHER_ACTIVITY = "other_activity", _("Annan insats eller aktör")
    ILL_HEALTH = "ill_health", _("Ohälsa")
    MOVED = "moved", _("Flyttat")
    BY_PERSON = "by_person", _("Avslutat av personen")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Samtycket återkallat")
    DIED = "died", _("Avliden")
    IN_ERROR = "in_error", _("Felaktigt registrerad")
    OTHER = "other", _("Annat skäl")


def answer_deadline(now: datetime | None = None) -> datetime:
    """A referral sent before this has waited too long for the provider's answer."""
    return (now or timezone.now()) - timedelta(days=settings.SAMLA_REFERRAL_ANSWER_DAYS)


def is_participation() -> Q:
    """The condition ``ReferralQuerySet.participations`` filters by, on any model with the
    referral's state, start date and exit reason (the dashboards' rollup has them too)."""
    return Q(
        state__in=[Referral.State.STARTED, Referral.State.ENDED], started_on__isnull=False
    ) & ~Q(exit_reason=ExitReason.IN_ERROR)


def is_under_way(first: date, last: date) -> Q:
    """Of participations: started by the last day, and not ended before the first."""
    return Q(started_on__lte=last) & (Q(ended_on__isnull=True) | Q(ended_on__gte=first))


class ReferralQuerySet(models.QuerySet["Referral"]):
    def unanswered(self, now: datetime | None = None) -> ReferralQuerySet:
        """Sent (or received) longer ago than ``SAMLA_REFERRAL_ANSWER_DAYS`` and still without
        the provider's answer: accepted, waitlisted or declined."""
        return self.filter(
            state__in=Referral.AWAITING_ANSWER,
            sent_at__lt=answer_deadline(now),
        )

    def holding_places(self) -> ReferralQuerySet:
        return self.filter(state__in=Referral.PLACE_STATES)

    def in_line(self) -> ReferralQuerySet:
        """A fair waitlist: first come within priority."""
        return self.order_by("-priority", "waitlisted_at", "pk")

    def participations(self) -> ReferralQuerySet:
        """Referrals that became participations: started, or ended after starting. One ended as
        registered in error never was a participation, and counts in no figure or file."""
        return self.filter(is_participation())

    def with_sharing(self, on: date | None = None) -> ReferralQuerySet:
        """Annotate ``shares``: whether the referral still shares the person's name and the note
        with the provider. It does while the provider is the controlling organisation, or while
        the identity is not protected and a consent in force names the provider (R2, R6); once
        that consent is withdrawn or has run out, the provider keeps only its own record of the
        participation (attendance, measurements), and a referral not yet started is withdrawn
        (``actions.withdraw_after_consent``)."""
        consent = Consent.objects.in_force(on or timezone.localdate()).filter(
            participant=OuterRef("participant"), organisations=OuterRef("activity__provider")
        )
        return self.annotate(
            shares=Q(participant__controlling_organisation=F("activity__provider"))
            | (Q(participant__protection=Participant.Protection.NONE) & Exists(consent))
        )

    def under_way(self, first: date, last: date) -> ReferralQuerySet:
        """Participations under way at some time from the first day to the last: started by
        the last, and not ended before the first."""
        return self.filter(is_participation(), is_under_way(first, last))


class Referral(models.Model):
    class State(models.TextChoices):
        SENT = "sent", _("Skickad")
        RECEIVED = "received", _("Mottagen")
        ACCEPTED = "accepted", _("Antagen")
        WAITLISTED = "waitlisted", _("På väntelista")
        OFFERED = "offered", _("Erbjuden plats")
        STARTED = "started", _("Påbörjad")
        ENDED = "ended", _("Avslutad")
        DECLINED = "declined", _("Avböjd")
        WITHDRAWN = "withdrawn", _("Återkallad")

    class DeclinedBy(models.TextChoices):
        PERSON = "person", _("Personen tackade nej")
        PROVIDER = "provider", _("Utföraren tackade nej")

    CLOSED_STATES = frozenset({State.ENDED, State.DECLINED, State.WITHDRAWN})
    # A referral in one of these holds one of the activity's places.
    PLACE_STATES = frozenset({State.OFFERED, State.ACCEPTED, State.STARTED})
    # Still waiting for the provider's answer (accepted, waitlisted or declined).
    AWAITING_ANSWER = frozenset({State.SENT, State.RECEIVED})
    # Open, and the participation not yet under way: withdrawn when its consent is.
    BEFORE_START = frozenset(
        {State.SENT, State.RECEIVED, State.ACCEPTED, State.WAITLISTED, State.OFFERED}
    )
    # From each state, the states one step may lead to. Reopening is the step out of a closed
    # state: declined or withdrawn → sent again, ended → started (it was ended by mistake).
    ALLOWED: dict[str, frozenset[str]] = {
        State.SENT: frozenset({State.RECEIVED, State.DECLINED, State.WITHDRAWN}),
        State.RECEIVED: frozenset(
            {State.ACCEPTED, State.WAITLISTED, State.DECLINED, State.WITHDRAWN}
        ),
        State.ACCEPTED: frozenset({State.STARTED, State.DECLINED, State.WITHDRAWN}),
        State.WAITLISTED: frozenset({State.OFFERED, State.DECLINED, State.WITHDRAWN}),
        State.OFFERED: frozenset({State.ACCEPTED, State.DECLINED, State.WITHDRAWN}),
        State.STARTED: frozenset({State.ENDED}),
        State.ENDED: frozenset({State.STARTED}),
        State.DECLINED: frozenset({State.SENT}),
        State.WITHDRAWN: frozenset({State.SENT}),
    }

    participant = models.ForeignKey(
        Participant, verbose_name=_("deltagare"), on_delete=models.PROTECT, related_name="referrals"
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("insats"), on_delete=models.PROTECT, related_name="referrals"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("remitterad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    referring_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("remitterande organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("läge"), max_length=12, choices=State.choices, default=State.SENT, editable=False
    )
    priority = models.PositiveSmallIntegerField(_("prioritet"), default=0)
    note = models.TextField(
        _("Det här delar remissen med utföraren"),
        max_length=2000,
        help_text=_("Utföraren ser personens namn och den här texten, inget annat."),
    )
    sent_at = models.DateTimeField(_("skickad"), default=timezone.now, editable=False)
    waitlisted_at = models.DateTimeField(_("på väntelistan sedan"), null=True, blank=True)
    answer_by = models.DateField(_("svara senast"), null=True, blank=True)
    started_on = models.DateField(_("startdatum"), null=True, blank=True)
    ended_on = models.DateField(_("slutdatum"), null=True, blank=True)
    exit_reason = models.CharField(
        _("avslutsorsak"), max_length=20, choices=ExitReason.choices, blank=True
    )
    declined_by = models.CharField(
        _("vem tackade nej"), max_length=8, choices=DeclinedBy.choices, blank=True
    )
    decline_reason = models.TextField(_("skäl"), max_length=1000, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("remiss")
        verbose_name_plural = _("remisser")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "sent",
                        "received",
                        "accepted",
                        "waitlisted",
                        "offered",
                        "started",
                        "ended",
                        "declined",
                        "withdrawn",
                    ]
                ),
                name="referrals_referral_state_known",
            ),
            # Spelled out with isnull: a CHECK lets NULL through.
            models.CheckConstraint(
                condition=(Q(state="ended") & Q(ended_on__isnull=False) & ~Q(exit_reason=""))
                | (~Q(state="ended") & Q(ended_on__isnull=True) & Q(exit_reason="")),
                name="referrals_referral_ended_has_date_and_exit_reason",
            ),
            models.CheckConstraint(
                condition=(Q(state="declined") & ~Q(declined_by=""))
                | (~Q(state="declined") & Q(declined_by="")),
                name="referrals_referral_declined_says_who",
            ),
            models.CheckConstraint(
                condition=(Q(state="offered") & Q(answer_by__isnull=False))
                | (~Q(state="offered") & Q(answer_by__isnull=True)),
                name="referrals_referral_offer_has_answer_date",
            ),
            models.CheckConstraint(
                condition=~Q(state="waitlisted") | Q(waitlisted_at__isnull=False),
                name="referrals_referral_waitlisted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["started", "ended"]) | Q(started_on__isnull=False),
                name="referrals_referral_started_has_start_date",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="referrals_referral_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Remiss till %(activity)s") % {"activity": self.activity}

    def get_absolute_url(self) -> str:
        return reverse("referrals:detail", args=[self.participant_id, self.pk])

    @property
    def is_closed(self) -> bool:
        return self.state in self.CLOSED_STATES

    @property
    def shown_to_provider(self) -> str:
        """How the provider's pages name the person: by name while the referral shares it
        (``shares``, annotated by ``ReferralQuerySet.with_sharing``), else by the referral's
        number only. A referral read without the annotation shows no name."""
        if getattr(self, "shares", False):
            return str(self.participant)
        return gettext("Remiss %(number)s (namnet visas inte: inget gällande samtycke)") % {
            "number": self.pk
        }

    @property
    def is_unanswered(self) -> bool:
        """The provider has not answered within ``SAMLA_REFERRAL_ANSWER_DAYS``: shown to both
        sides."""
        return self.state in self.AWAITING_ANSWER and (self.sent_at < answer_deadline())

    def waitlist_position(self) -> int | None:
        """1 for the next in line, or None when not on the waitlist."""
        if self.state != self.State.WAITLISTED:
            return None
        same = Q(activity_id=self.activity_id, state=self.State.WAITLISTED)
        ahead = (
            Q(priority__gt=self.priority)
            | Q(priority=self.priority, waitlisted_at__lt=self.waitlisted_at)
            | Q(priority=self.priority, waitlisted_at=self.waitlisted_at, pk__lt=self.pk)
        )
        return Referral.objects.filter(same & ahead).count() + 1

    @property
    def days_waiting(self) -> int:
        return (timezone.now() - self.sent_at).days

    def can(self, to_state: str) -> bool:
        return to_state in self.ALLOWED[self.state]

    def transition(self, to_state: str, **fields: Any) -> None:
        """Move to ``to_state`` and set what that state needs (``fields``), or raise
        ``InvalidTransition``. Leaving ended or declined clears what belonged to it. Saving is
        the caller's business."""
        if not self.can(to_state):
            raise InvalidTransition(
                gettext("Det går inte att gå från ”%(state)s” till ”%(to)s”.")
                % {"state": self.get_state_display(), "to": self.State(to_state).label}
            )
        if self.state == self.State.ENDED:
            self.ended_on, self.exit_reason = None, ""
        if self.state == self.State.DECLINED:
            self.declined_by, self.decline_reason = "", ""
        if self.state == self.State.OFFERED:
            self.answer_by = None
        if to_state == self.State.SENT:
            self.started_on, self.sent_at = None, timezone.now()
        if to_state == self.State.WAITLISTED:
            self.waitlisted_at = timezone.now()
        for name, value in fields.items():
            setattr(self, name, value)
        self.state = to_state
        self.version += 1


class ReferralEvent(models.Model):
    """One step of a referral, as it happened. Never changed or deleted."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(
        _("från"), max_length=12, choices=Referral.State.choices, blank=True
    )
    to_state = models.CharField(_("till"), max_length=12, choices=Referral.State.choices)
    # None: Samla itself took the step (a freed place offered, an offer that lapsed).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("av"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    at = models.DateTimeField(_("tidpunkt"), default=timezone.now, editable=False)
    note = models.TextField(_("anteckning"), max_length=1000, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("remisshändelse")
        verbose_name_plural = _("remisshändelser")

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_state} → {self.to_state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("A referral's history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("A referral's history is append-only.")


class Attendance(models.Model):
    """Whether a participant came to the activity on a day, as the provider records it."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Närvarande")
        ABSENT_NOTIFIED = "notified", _("Frånvarande, hade meddelat")
        ABSENT = "absent", _("Frånvarande utan att meddela")

    referral = models.ForeignKey(
        Referral, verbose_name=_("deltagande"), on_delete=models.PROTECT, related_name="attendance"
    )
    on = models.DateField(_("dag"))
    status = models.CharField(_("närvaro"), max_length=8, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["on", "referral"]
        verbose_name = _("närvaro")
        verbose_name_plural = _("närvaro")
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "on"], name="referrals_attendance_once_a_day"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["present", "notified", "absent"]),
                name="referrals_attendance_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on}: {self.get_status_display()}"
