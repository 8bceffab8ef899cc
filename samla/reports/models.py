"""The annual report (verksamhetsberättelse) of an association for one year, made in the
background because it renders every table and chart of the year to PDF.

The report holds aggregates only, every figure suppressed by the statistics layer (R7), so it is
the association's document: its office and its board order and read it (R1). The finished PDF is
kept in the database, so that it is there on every server and survives a clean checkout; a new
report for the same year is a new row, and the old ones stay as they were printed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from samla.organisations.models import Association


class AnnualReport(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("I kö")
        RUNNING = "running", _("Skapas")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")

    class Step(models.TextChoices):
        """How far the task has got, shown beside the progress bar."""

        WAITING = "waiting", _("Väntar på att börja")
        ACTIVITIES = "activities", _("Räknar deltagare per insats")
        TARGETS = "targets", _("Jämför mål och utfall")
        STATISTICS = "statistics", _("Tar fram tabeller och diagram")
        PDF = "pdf", _("Skapar PDF-filen")
        FINISHED = "finished", _("Klar")

    FINISHED_STATES = frozenset({State.DONE, State.FAILED})

    association = models.ForeignKey(
        Association,
        verbose_name=_("samordningsförbund"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    year = models.PositiveSmallIntegerField(_("år"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beställd av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("beställd"), default=timezone.now, editable=False)
    state = models.CharField(
        _("läge"), max_length=8, choices=State.choices, default=State.QUEUED, editable=False
    )
    progress = models.PositiveSmallIntegerField(_("klart (%)"), default=0, editable=False)
    step = models.CharField(
        _("steg"), max_length=12, choices=Step.choices, default=Step.WAITING, editable=False
    )
    started_at = models.DateTimeField(_("påbörjad"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("färdig"), null=True, blank=True, editable=False)
    pdf = models.BinaryField(_("PDF"), default=bytes, editable=False)
    pdf_size = models.PositiveIntegerField(_("storlek (byte)"), default=0, editable=False)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("verksamhetsberättelse")
        verbose_name_plural = _("verksamhetsberättelser")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "done", "failed"]),
                name="reports_annualreport_state_known",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="reports_annualreport_progress_is_percent"
            ),
            models.CheckConstraint(
                condition=~Q(state="done") | (Q(pdf_size__gt=0) & Q(finished_at__isnull=False)),
                name="reports_annualreport_done_has_pdf",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990) & Q(year__lte=2200),
                name="reports_annualreport_year_plausible",
            ),
        ]
        indexes = [
            models.Index(fields=["association", "-requested_at"], name="reports_annual_by_assoc")
        ]

    def __str__(self) -> str:
        return f"{_('Verksamhetsberättelse')} {self.year}, {self.association}"

    def get_absolute_url(self) -> str:
        return reverse("reports:annual_report", kwargs={"report_pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED_STATES

    @property
    def is_done(self) -> bool:
        return self.state == self.State.DONE

    @property
    def filename(self) -> str:
        return f"verksamhetsberattelse-{slugify(self.association.short_name)}-{self.year}.pdf"
