"""The access log in the admin: for looking things up, never for changing them."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from samla.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = (
        "seq",
        "created_at",
        "action",
        "actor_name",
        "organisation_id",
        "role",
        "participant_id",
        "object_type",
        "object_id",
        "flagged",
    )
    list_filter = ("action", "flagged")
    # Exact match on the participant id, so the search uses the (participant_id, created_at)
    # index instead of scanning tens of millions of rows.
    search_fields = ("=participant_id", "actor_name")
    ordering = ("-seq",)
    # COUNT(*) over the whole log is slow at national scale.
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
