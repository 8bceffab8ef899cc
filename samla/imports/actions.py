"""Writes of an import that a person makes: the job an upload creates, in one transaction with
its audit row, and the task that checks it queued when that commits. What the task writes is
in writing.py.
"""

from __future__ import annotations

import hashlib

from django.db import transaction

from samla.accounts.models import User
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.imports.models import ImportJob
from samla.imports.tasks import run_import
from samla.organisations.models import Association


@transaction.atomic
def create_job(
    *, actor: User, association: Association, file_name: str, content: bytes
) -> ImportJob:
    """Store the upload and queue the task that checks it, once this transaction commits."""
    assert actor.organisation_id is not None
    job = ImportJob.objects.create(
        created_by=actor,
        organisation_id=actor.organisation_id,
        association=association,
        file_name=file_name[: ImportJob._meta.get_field("file_name").max_length or 255],
        content=content,
        content_sha256=hashlib.sha256(content).hexdigest(),
    )
    # The file name is the user's own and may name a person: it stays out of the log.
    record(actor=actor, action=AuditEvent.Action.CREATE, obj=job, summary="Import: fil uppladdad")
    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job
