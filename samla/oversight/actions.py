"""The log reviewer's own record: each documented check writes an audit row in its transaction."""

from __future__ import annotations

from django.db import transaction

from samla.accounts.models import User
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.oversight.models import LogReview


def document_check(*, actor: User, check: LogReview) -> LogReview:
    """Save ``check`` (period, finding, note) as the actor's, for the actor's organisation."""
    assert actor.organisation_id is not None
    with transaction.atomic():
        check.organisation_id, check.reviewer = actor.organisation_id, actor
        check.save()
        record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=check,
            summary=f"Loggkontroll dokumenterad ({check.period_from}–{check.period_to})",
        )
    return check
