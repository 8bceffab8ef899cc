"""Meetings around one person (docs/domain.md §5D): a multi-party meeting the person asked for, a
resource council, a SIP meeting, a follow-up, and the staff's preparatory meeting before one.

A meeting goes from a request, through preparation (the question, who comes, what each party
needs to know) and a summons with a calendar file, to the meeting itself, where the person
speaks first, and its minutes, whose decisions become plan actions in the same step. Every
invited organisation other than the controlling one must be named by the person's consent (R2);
the minutes and each decision carry an information category, as the story does.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from samla.organisations.models import Association, Municipality, Organisation
from samla.people.models import InformationCategory, Participant

LONGEST_MEETING_MINUTES = 8 * 60
MAX_MINUTES_LENGTH = 10000
MAX_PREFERRED_TIMES_LENGTH = 500


def new_token() -> str:
    return secrets.token_urlsafe(24)


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def not_cancelled(self) -> MeetingQuerySet:
        return self.exclude(state=Meeting.State.CANCELLED)

    def overlapping(self, starts_at: datetime, ends_at: datetime) -> MeetingQuerySet:
        """Booked meetings that share some of the time [starts_at, ends_at)."""
        return self.not_cancelled().filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class Meeting(models.Model):
    class Kind(models.TextChoices):
        MULTI_PARTY = "multi_party", _("Flerpartsamtal (på personens begäran)")
        RESOURCE_COUNCIL = "resource_council", _("Resursråd")
        SIP = "sip", _("SIP-möte")
        FOLLOW_UP = "follow_up", _("Uppföljningsmöte")
        PREPARATORY = "preparatory", _("Förmöte (bara personal)")

    class RequestedBy(models.TextChoices):
        PERSON = "person", _("Personen själv")
        HANDLER = "handler", _("En handläggare")

    class State(models.TextChoices):
        REQUESTED = "requested", _("Begärt – förbereds")
        PLANNED = "planned", _("Kallat")
        HELD = "held", _("Hållet")
        CANCELLED = "cancelled", _("Inställt")

    class Mode(models.TextChoices):
        PHYSICAL = "physical", _("På plats")
        DIGITAL = "digital", _("Digitalt (video)")

    participant = models.ForeignKey(
        Participant, verbose_name=_("deltagare"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("sorts möte"), max_length=20, choices=Kind.choices)
    prepares = models.ForeignKey(
        "self",
        verbose_name=_("förbereder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="preparations",
    )
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("följer upp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    requested_by = models.CharField(
        _("vem begärde mötet?"), max_length=10, choices=RequestedBy.choices
    )
    # The person's own account, when they asked for the meeting themselves in Min Samla (R10);
    # empty when a member of staff recorded the request.
    requested_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("begärt i Min Samla av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    request_note = models.TextField(_("Vad personen vill med mötet"), max_length=2000, blank=True)
    preferred_times = models.TextField(
        _("Tider som passar personen"), max_length=MAX_PREFERRED_TIMES_LENGTH, blank=True
    )
    question = models.TextField(_("Frågan mötet ska besvara"), max_length=2000, blank=True)
    state = models.CharField(
        _("läge"), max_length=12, choices=State.choices, default=State.REQUESTED, editable=False
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sammankallande"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("börjar"), null=True, blank=True)
    ends_at = models.DateTimeField(_("slutar"), null=True, blank=True, editable=False)
    duration_minutes = models.PositiveSmallIntegerField(_("längd i minuter"), null=True, blank=True)
    mode = models.CharField(_("mötesform"), max_length=10, choices=Mode.choices, blank=True)
    place = models.CharField(_("plats"), max_length=200, blank=True)
    video_url = models.URLField(_("videolänk"), max_length=300, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    minutes = models.TextField(_("protokoll"), max_length=MAX_MINUTES_LENGTH, blank=True)
    minutes_category = models.CharField(
        _("protokollet räknas som"),
        max_length=20,
        choices=InformationCategory.choices,
        default=InformationCategory.PLANS_MEETINGS,
    )
    person_present = models.BooleanField(_("personen var med"), null=True, blank=True)
    created_at = models.DateTimeField(_("begärt"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    cancelled_at = models.DateTimeField(_("inställt"), null=True, blank=True, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("möte")
        verbose_name_plural = _("möten")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="preparatory") & Q(prepares__isnull=False))
                | (~Q(kind="preparatory") & Q(prepares__isnull=True)),
                name="meetings_meeting_preparatory_prepares_another",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["requested", "cancelled"])
                | (
                    Q(starts_at__isnull=False)
                    & Q(ends_at__isnull=False)
                    & Q(duration_minutes__isnull=False)
                    & ~Q(mode="")
                ),
                name="meetings_meeting_summoned_has_time_and_form",
            ),
            models.CheckConstraint(
                condition=Q(requested_by_user__isnull=True) | Q(requested_by="person"),
                name="meetings_meeting_asked_in_min_samla_by_the_person",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True)
                | (Q(duration_minutes__gte=1) & Q(duration_minutes__lte=LONGEST_MEETING_MINUTES)),
                name="meetings_meeting_duration_in_range",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="meetings_meeting_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(mode="")
                | (Q(mode="physical", video_url="") & ~Q(place=""))
                | (Q(mode="digital", place="") & ~Q(video_url="")),
                name="meetings_meeting_place_fits_form",
            ),
        ]
        indexes = [
            models.Index(fields=["starts_at", "ends_at"], name="meetings_meeting_time"),
        ]

    def __str__(self) -> str:
        when = (
            timezone.localtime(self.starts_at).strftime("%Y-%m-%d %H:%M") if self.starts_at else ""
        )
        return f"{self.get_kind_display()} {when}".strip()

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", kwargs={"pk": self.participant_id, "meeting_pk": self.pk})

    @property
    def is_preparatory(self) -> bool:
        return self.kind == self.Kind.PREPARATORY

    @property
    def is_open(self) -> bool:
        """Still to be held: requested or summoned."""
        return self.state in (self.State.REQUESTED, self.State.PLANNED)

    @property
    def is_asked_by_person(self) -> bool:
        """The person asked for it themselves, in Min Samla."""
        return self.requested_by_user_id is not None

    @property
    def is_digital(self) -> bool:
        return self.mode == self.Mode.DIGITAL

    @property
    def where(self) -> str:
        return self.video_url if self.is_digital else self.place

    def has_begun(self, now: datetime | None = None) -> bool:
        return self.starts_at is not None and self.starts_at <= (now or timezone.now())

    def schedule(
        self, *, starts_at: datetime, duration_minutes: int, mode: str, place: str, video_url: str
    ) -> list[str]:
        """Set the time and place; returns the fields that changed. A summons sent before is
        replaced by the next one, which the calendar knows by the same UID and a higher
        SEQUENCE (RFC 5545). Meetings start on the minute. Saving is the caller's business."""
        starts_at = starts_at.replace(second=0, microsecond=0)
        values = {
            "starts_at": starts_at,
            "duration_minutes": duration_minutes,
            "ends_at": starts_at + timedelta(minutes=duration_minutes),
            "mode": mode,
            "place": place if mode == self.Mode.PHYSICAL else "",
            "video_url": video_url if mode == self.Mode.DIGITAL else "",
        }
        changed = [name for name, value in values.items() if getattr(self, name) != value]
        for name in changed:
            setattr(self, name, values[name])
        return changed


def new_room_url() -> str:
    """A video room from the configured pattern: no API, a random name that says nothing of the
    person. A meeting keeps its room when it is moved."""
    return str(settings.SAMLA_MEETING_ROOM_URL_PATTERN).format(token=secrets.token_urlsafe(12))


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(response=Invitation.Response.PENDING)


class Invitation(models.Model):
    """One organisation, and perhaps one named person of it, asked to come. A party obliged
    to attend is summoned (kallelse), anyone else invited (inbjudan)."""

    class Response(models.TextChoices):
        PENDING = "pending", _("Har inte svarat")
        ACCEPTED = "accepted", _("Kommer")
        DECLINED = "declined", _("Kommer inte")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="invitations")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_invitations",
    )
    obliged = models.BooleanField(_("skyldig att delta (kallelse)"), default=False)
    need_to_know = models.TextField(
        _("Det här behöver vi veta från er"), max_length=2000, blank=True
    )
    response = models.CharField(
        _("svar"), max_length=10, choices=Response.choices, default=Response.PENDING
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    responded_at = models.DateTimeField(_("svarade"), null=True, blank=True)
    # Who answered: the invited person, or one of the organisation's people or receivers.
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("svarade"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    attended = models.BooleanField(_("närvarade"), null=True, blank=True)
    sent_sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "-obliged", "organisation__name", "pk"]
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="meetings_invitation_one_per_person",
            ),
            models.UniqueConstraint(
                fields=["meeting", "organisation"],
                condition=Q(user__isnull=True),
                name="meetings_invitation_one_unnamed_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(response="pending", responded_at__isnull=True)
                | (~Q(response="pending") & Q(responded_at__isnull=False)),
                name="meetings_invitation_answer_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}{', ' + str(self.user) if self.user_id else ''}"

    def get_absolute_url(self) -> str:
        return reverse("mymeetings:answer", kwargs={"token": self.token})

    @property
    def wording(self) -> str:
        return gettext("Kallelse") if self.obliged else gettext("Inbjudan")


class Decision(models.Model):
    """What the meeting decided. A decision that someone is to act on becomes a plan action in
    the same transaction, and a decision to refer the person to an activity also sends the
    referral; its category decides who else sees it, as for the action."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField(_("beslut"), max_length=2000)
    category = models.CharField(
        _("vilken sorts uppgift"), max_length=20, choices=InformationCategory.choices
    )
    plan_action = models.OneToOneField(
        "plans.PlanAction",
        verbose_name=pgettext_lazy("plan", "insats i planen"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
    )
    # A decision to refer the person to an activity: the referral is sent in the same step, and
    # its page links back to this meeting.
    referral = models.OneToOneField(
        "referrals.Referral",
        verbose_name=_("remiss"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        ordering = ["meeting", "created_at", "pk"]
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")

    def __str__(self) -> str:
        return self.text[:80]


class CulledMeeting(models.Model):
    """A held meeting about a participant who has since been culled (gallrad,
    ``samla.retention.culling``): only what the association's figures count it by
    (``samla.meetings.figures``), under the meeting's own id, so that the figures of past years
    stay as they were. Nothing of the person but their sex and home municipality, the two
    filters of the figures; nothing of what was said."""

    meeting_id = models.BigIntegerField(primary_key=True)
    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Meeting.Kind.choices)
    held_on = models.DateField()
    home_municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, related_name="+"
    )
    sex = models.CharField(max_length=1)

    class Meta:
        indexes = [
            models.Index(fields=["association", "held_on"], name="meetings_culled_held_on"),
        ]

    def __str__(self) -> str:
        return f"culled meeting {self.meeting_id}"
