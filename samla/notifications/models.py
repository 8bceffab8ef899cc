"""What each user wants to be told by e-mail, and which notices have gone out.

A notice says only that there is something to look at in Samla, with a link: no name, no case
content, no health data, so a misdirected or forwarded mail reveals nothing (R2, R6).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ASSIGNED = "assigned", _("Jag får en ny uppgift")
    DUE_SOON = "due_soon", _("En av mina uppgifter ska snart vara klar")
    OVERDUE = "overdue", _("En av mina uppgifter är försenad")
    SUMMONED = "summoned", _("Jag blir kallad till ett möte")
    INVITED = "invited", _("Jag blir inbjuden till ett möte")
    MEETING_CHANGED = "meeting_changed", _("Ett möte jag är kallad eller inbjuden till ändras")
    MEETING_CANCELLED = "cancelled", _("Ett möte jag är kallad eller inbjuden till ställs in")
    REMINDER = "reminder", _("Jag har inte svarat på en kallelse eller inbjudan")
    REFERRAL_CHANGED = "referral_changed", _("En remiss jag skickat har ändrats")
    REFERRAL_INCOMING = "incoming", _("En ny remiss till en insats vi utför")
    REFERRAL_UNANSWERED = "unanswered", _("En remiss har inte besvarats i tid")
    FOLLOW_UP_DUE = "follow_up_due", _("En uppföljning efter avslut ska göras")
    # To a person who chose it in Min Samla: only that there is something new, nothing else.
    PERSON_NEWS = "person_news", _("Det finns något nytt för mig i Min Samla")
    OUTSIDE_TEAM = (
        "outside_team",
        _("Någon har svarat på en kallelse jag skickat men kan inte läggas till i teamet"),
    )


class Preference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    on_assigned = models.BooleanField(_("När jag får en ny uppgift"), default=True)
    on_due_soon = models.BooleanField(_("När en uppgift snart ska vara klar"), default=True)
    due_soon_days = models.PositiveSmallIntegerField(
        _("Hur många dagar före"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    on_overdue = models.BooleanField(_("När en uppgift är försenad"), default=True)
    # Min Samla: off until the person chooses it (and gives an address) themself.
    on_person_news = models.BooleanField(
        _("Skicka ett meddelande när det finns något nytt för mig i Samla"), default=False
    )

    class Meta:
        verbose_name = _("aviseringsval")
        verbose_name_plural = _("aviseringsval")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_soon_days__gte=1) & models.Q(due_soon_days__lte=30),
                name="notifications_preference_due_soon_days_in_range",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)

    def wants(self, kind: str) -> bool:
        """Summonses, invitations and changes to meetings are always sent: a calendar must not
        keep a meeting that was moved or cancelled."""
        return {
            Kind.ASSIGNED: self.on_assigned,
            Kind.DUE_SOON: self.on_due_soon,
            Kind.OVERDUE: self.on_overdue,
            Kind.PERSON_NEWS: self.on_person_news,
        }.get(Kind(kind), True)


class Notice(models.Model):
    """One notice to one user about one thing. Unique, so nobody is told the same twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=40)
    path = models.CharField(max_length=300)
    # A calendar file sent with the mail (meetings): neutral like the mail itself.
    ics = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "object_type", "object_id"],
                name="notifications_notice_once_per_thing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.user}"
