from __future__ import annotations

import pytest

from samla.audit.models import AuditEvent
from samla.audit.record import record


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_that_writes_events_can_be_flushed() -> None:
    """On SQLite Django flushes with DELETE FROM, which the trigger refuses; plugin.py empties
    the log first. Without it this test errors in its teardown."""
    record(actor=None, action=AuditEvent.Action.LOGIN_FAILED, actor_name="x")

    assert AuditEvent.objects.count() == 1
