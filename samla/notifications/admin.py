from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from samla.notifications.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin[Notice]):
    list_display = ["created_at", "user", "kind", "object_type", "sent_at"]
    list_filter = ["kind"]
    readonly_fields = ["user", "kind", "object_type", "object_id", "path", "created_at", "sent_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
