from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from samla.accounts.models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline[RoleAssignment, User]):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["association"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Person"),
            {"fields": ("first_name", "last_name", "email", "title", "phone", "organisation")},
        ),
        (
            _("Behörigheter"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (
            _("Inloggning"),
            {"fields": ("last_login", "date_joined")},
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "organisation", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]
    list_display = ["username", "first_name", "last_name", "organisation", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["organisation"]
    inlines = [RoleAssignmentInline]
