from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory

from samla.audit.admin import AuditEventAdmin
from samla.audit.models import AppendOnlyError, AuditEvent
from samla.audit.record import record
from samla.audit.tests.conftest import StubActor
from samla.audit.tests.tampering import triggers_disabled

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table


@pytest.fixture
def event(alice: StubActor) -> AuditEvent:
    return record(actor=alice, action=AuditEvent.Action.VIEW, participant_id=5, summary="Plan")


def test_saving_a_written_event_is_refused(event: AuditEvent) -> None:
    event.summary = "något annat"

    with pytest.raises(AppendOnlyError):
        event.save()

    event.refresh_from_db()
    assert event.summary == "Plan"


def test_deleting_an_event_is_refused(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "bulk_write",
    [
        lambda qs: qs.update(summary="x"),
        lambda qs: qs.delete(),
        lambda qs: qs.bulk_update(list(qs), ["summary"]),
        lambda qs: qs.bulk_create([AuditEvent(seq=99, hash="f" * 64)]),
        lambda qs: qs.model.objects.update(summary="x"),
        lambda qs: qs.model.objects.all().delete(),
    ],
    ids=["update", "delete", "bulk_update", "bulk_create", "manager_update", "manager_delete"],
)
def test_queryset_writes_are_refused(event: AuditEvent, bulk_write) -> None:
    with pytest.raises(AppendOnlyError):
        bulk_write(AuditEvent.objects.filter(pk=event.pk))

    assert AuditEvent.objects.get(pk=event.pk).summary == "Plan"


def test_events_are_only_written_through_record() -> None:
    with pytest.raises(AppendOnlyError, match="record"):
        AuditEvent.objects.create(seq=1, action=AuditEvent.Action.VIEW)


@pytest.mark.parametrize(
    "sql",
    [f"UPDATE {TABLE} SET summary = 'x'", f"DELETE FROM {TABLE}"],  # noqa: S608
    ids=["update", "delete"],
)
def test_the_database_refuses_raw_update_and_delete(event: AuditEvent, sql: str) -> None:
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)

    assert AuditEvent.objects.get(pk=event.pk).summary == "Plan"


def test_the_tampering_helper_puts_the_triggers_back(event: AuditEvent) -> None:
    with triggers_disabled(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET summary = 'x'")  # noqa: S608

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608


def test_the_admin_shows_the_log_read_only(event: AuditEvent) -> None:
    from django.contrib import admin

    model_admin = AuditEventAdmin(AuditEvent, admin.site)
    request = RequestFactory().get("/admin/audit/auditevent/")

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    found, _ = model_admin.get_search_results(request, AuditEvent.objects.all(), "5")
    assert list(found) == [event]
    found, _ = model_admin.get_search_results(request, AuditEvent.objects.all(), "Alice")
    assert list(found) == [event]


def test_nobody_can_be_granted_more_than_viewing_the_log() -> None:
    codenames = Permission.objects.filter(content_type__app_label="audit").values_list(
        "codename", flat=True
    )

    assert list(codenames) == ["view_auditevent"]
