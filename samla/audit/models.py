"""The access log (docs/domain.md R3, R4): one row per read or change of person-level data, and per
sign-in event.

The log must outlive everything it describes and prove that nobody has rewritten it. So:

- it stores plain ids, never foreign keys: a deleted user, participant or consent must not take
  its log rows with it, and this app stays a leaf that imports no other Samla app;
- rows are only ever appended. The model refuses updates and deletes, and database triggers
  (migration 0002) refuse them from any other client too;
- each row carries an HMAC over its own content from the moment it is written (``mac``), and
  once sealed an HMAC over its content and the previous row's HMAC (``chain.py``), so a change
  made by someone who got round the triggers is found by ``manage.py verify_audit``.

Rows are written only by ``samla.audit.record.record()``, which takes no lock: any number of
transactions append at once. The sealer (``sealing.py``, run every few seconds by the scheduler)
then gives the committed rows their place in the chain, in the order it finds them (ADR 0017).
The triggers let exactly that one update through: an unsealed row's ``seq``, ``prev_hash`` and
``hash`` set once, nothing else changed.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of the first event: a fixed value, so the first row is checked like any."""


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit event. The log is append-only."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Bulk writes are refused: they would bypass the chain (create) or rewrite it (the rest)."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be updated.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be deleted.")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events are appended one at a time by audit.record.record().")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be updated.")

    def for_participant(self, participant_id: int) -> AuditEventQuerySet:
        """Who did what with one person's data: the person's own extract (R4)."""
        return self.filter(participant_id=participant_id)


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("Läste")
        CREATE = "create", _("Skapade")
        UPDATE = "update", _("Ändrade")
        DELETE = "delete", _("Tog bort")
        EXPORT = "export", _("Exporterade")
        PRINT = "print", _("Skrev ut")
        LOGIN = "login", _("Loggade in")
        LOGIN_FAILED = "login_failed", _("Misslyckad inloggning")
        LOGOUT = "logout", _("Loggade ut")
        LOCKOUT = "lockout", _("Kontot låstes")
        MFA_ENROLLED = "mfa_enrolled", _("Aktiverade tvåstegsverifiering")

    seq = models.PositiveBigIntegerField(
        _("löpnummer"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Händelsens plats i kedjan, från 1 utan luckor. Tom tills händelsen har förseglats."
        ),
    )
    created_at = models.DateTimeField(_("tidpunkt"), editable=False)
    actor_id = models.PositiveBigIntegerField(_("användarens id"), null=True, blank=True)
    actor_name = models.CharField(_("användare"), max_length=255, blank=True)
    organisation_id = models.PositiveBigIntegerField(_("organisationens id"), null=True, blank=True)
    role = models.CharField(
        _("roll"),
        max_length=100,
        blank=True,
        help_text=_("Rollen som gav åtkomsten, till exempel koordinator."),
    )
    participant_id = models.PositiveBigIntegerField(_("deltagarens id"), null=True, blank=True)
    action = models.CharField(_("händelse"), max_length=32, choices=Action.choices)
    object_type = models.CharField(_("typ av uppgift"), max_length=100, blank=True)
    object_id = models.CharField(_("uppgiftens id"), max_length=64, blank=True)
    consent_id = models.PositiveBigIntegerField(
        _("samtyckets id"),
        null=True,
        blank=True,
        help_text=_(
            "Samtycket som gav åtkomsten, när användaren inte arbetar för den "
            "personuppgiftsansvariga organisationen."
        ),
    )
    referral_id = models.PositiveBigIntegerField(
        _("remissens id"),
        null=True,
        blank=True,
        help_text=_("Remissen som gav utförarens personal åtkomsten."),
    )
    request_id = models.CharField(_("anropets id"), max_length=64, blank=True)
    flagged = models.BooleanField(
        _("markerad för granskning"),
        default=False,
        help_text=_("Till exempel åtkomst till skyddade personuppgifter."),
    )
    summary = models.CharField(_("sammanfattning"), max_length=255, blank=True)
    mac = models.CharField(
        _("händelsens egen kontrollsumma"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_(
            "HMAC över händelsens innehåll, skriven med händelsen. Tom på händelser skrivna "
            "innan loggen förseglades i efterhand."
        ),
    )
    prev_hash = models.CharField(
        _("föregående kontrollsumma"), max_length=64, blank=True, editable=False
    )
    hash = models.CharField(_("kontrollsumma"), max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("granskningshändelse")
        verbose_name_plural = _("granskningshändelser")
        # Nobody may be granted add, change or delete: the log is written by record() only.
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["seq"], name="audit_auditevent_seq_unique"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="audit_auditevent_seq_from_one"),
        ]
        # The lookups log review and the person's extract make, at tens of millions of rows.
        # (participant_id, created_at) also serves plain participant_id lookups, so that column
        # has no index of its own.
        indexes = [
            models.Index(
                fields=["participant_id", "created_at"], name="audit_event_participant_idx"
            ),
            models.Index(fields=["actor_id", "created_at"], name="audit_event_actor_idx"),
            models.Index(fields=["organisation_id", "created_at"], name="audit_event_org_idx"),
            models.Index(
                fields=["created_at"], condition=Q(flagged=True), name="audit_event_flagged_idx"
            ),
            # What the sealer looks for every few seconds: a handful of rows among millions.
            models.Index(fields=["id"], condition=Q(seq=None), name="audit_event_unsealed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.action} {self.object_type}:{self.object_id}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only, and only a row that record() has signed (it sets ``mac``)."""
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed once written.")
        if not self.mac:
            raise AppendOnlyError("Write audit events with samla.audit.record.record().")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be deleted.")


class ChainHead(models.Model):
    """The end of the chain: the last sequence number and hash handed out.

    There is exactly one row. Only the sealer locks it (``SELECT ... FOR UPDATE``), for one short
    batch, so two sealers never hand out the same sequence number or predecessor; writers of
    events never touch it. It also lets verify_chain() notice rows removed from the end of the
    chain.
    """

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("granskningskedjans huvud")
        verbose_name_plural = _("granskningskedjans huvud")
        default_permissions = ()
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="audit_chainhead_single_row"),
        ]

    def __str__(self) -> str:
        return f"{self.last_seq} {self.last_hash[:12]}"
