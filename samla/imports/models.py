"""One import of history: the uploaded file, how far the background task has got, and what came
of it (docs/import-format.md).

The job belongs to the user who uploaded it and to nobody else: the file holds person data of
their organisation (R1), so no other user, not even a colleague or the association office, sees
the job (``imports.access``). The file itself is kept only until the task has finished with it;
the report keeps row numbers, column names and messages, never a name or an identity number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samla.organisations.models import Association, Organisation


class ImportJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("I kö")
        VALIDATING = "validating", _("Kontrolleras")
        IMPORTING = "importing", _("Sparas")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Avvisad")

    FINISHED_STATES = frozenset({State.DONE, State.FAILED})
    # A file with every row wrong would otherwise store a report as large as the file.
    MAX_STORED_ERRORS = 10_000

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uppladdad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("personuppgiftsansvarig organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    association = models.ForeignKey(
        Association,
        verbose_name=_("samordningsförbund"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("fil"), max_length=255)
    # Emptied when the task has finished: the rows live on as participants, or not at all.
    content = models.BinaryField(editable=False)
    content_sha256 = models.CharField(max_length=64, editable=False)
    state = models.CharField(
        _("läge"), max_length=12, choices=State.choices, default=State.QUEUED, editable=False
    )
    total_rows = models.PositiveIntegerField(_("rader"), default=0)
    rows_checked = models.PositiveIntegerField(_("kontrollerade rader"), default=0)
    # Written while the write's own transaction is still open (tasks.progress_of_write).
    rows_written = models.PositiveIntegerField(_("skrivna rader"), default=0)
    # [{"row": 14, "column": "startdatum", "message": "..."}]; at most MAX_STORED_ERRORS.
    errors = models.JSONField(_("fel"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("antal fel"), default=0)
    participants_created = models.PositiveIntegerField(_("nya deltagare"), default=0)
    participants_matched = models.PositiveIntegerField(_("befintliga deltagare"), default=0)
    participations_created = models.PositiveIntegerField(_("deltaganden"), default=0)
    measurements_created = models.PositiveIntegerField(_("mätningar"), default=0)
    income_sources_created = models.PositiveIntegerField(_("inkomstkällor"), default=0)
    created_at = models.DateTimeField(_("uppladdad"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("påbörjad"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("avslutad"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("importer")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["queued", "validating", "importing", "done", "failed"]),
                name="imports_importjob_state_known",
            ),
            models.CheckConstraint(
                condition=Q(rows_checked__lte=F("total_rows")),
                name="imports_importjob_checked_within_total",
            ),
            models.CheckConstraint(
                condition=Q(rows_written__lte=F("total_rows")),
                name="imports_importjob_written_within_total",
            ),
            # All or nothing: a job that wrote anything had no errors.
            models.CheckConstraint(
                condition=~Q(state="done") | Q(error_count=0),
                name="imports_importjob_done_has_no_errors",
            ),
        ]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="imports_job_by_user")]

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("imports:job", kwargs={"job_pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED_STATES

    @property
    def errors_not_shown(self) -> int:
        return self.error_count - len(self.errors)
