"""The reviewer's own record of a log review (kontroll dokumenterad): who checked which period of
the organisation's access log, what they found and when (HSLF-FS 2016:40 4 kap. 9 §)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from samla.organisations.models import Organisation


class LogReview(models.Model):
    class Finding(models.TextChoices):
        NONE = "none", _("Inga avvikelser")
        FOLLOWED_UP = "followed_up", _("Avvikelser som har följts upp")
        INVESTIGATING = "investigating", _("Avvikelser som utreds")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="log_reviews", editable=False
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    period_from = models.DateField(_("granskad period från och med"))
    period_to = models.DateField(_("till och med"))
    finding = models.CharField(_("bedömning"), max_length=32, choices=Finding.choices)
    note = models.TextField(
        _("iakttagelser och åtgärder"),
        max_length=4000,
        blank=True,
        help_text=_("Vad du kontrollerade, vad du fann och vad som görs. Skriv inga namn."),
    )
    reviewed_at = models.DateTimeField(_("dokumenterad"), auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        verbose_name = _("dokumenterad loggkontroll")
        verbose_name_plural = _("dokumenterade loggkontroller")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_from__lte=F("period_to")), name="oversight_review_period_order"
            ),
            models.CheckConstraint(
                condition=Q(finding="none") | ~Q(note=""),
                name="oversight_review_findings_described",
            ),
            models.CheckConstraint(
                condition=Q(finding__in=["none", "followed_up", "investigating"]),
                name="oversight_review_known_finding",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_from}–{self.period_to}"
