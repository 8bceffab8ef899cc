"""Reference data: municipalities, organisations and associations, kept by system administrators."""

from __future__ import annotations

from django.contrib import admin

from samla.organisations.models import Association, AssociationMember, Municipality, Organisation


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin[Municipality]):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "kind", "organisation_number", "municipality", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "organisation_number"]
    autocomplete_fields = ["municipality"]


class AssociationMemberInline(admin.TabularInline[AssociationMember, Association]):
    model = AssociationMember
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin[Association]):
    list_display = ["short_name", "organisation", "suppression_k"]
    search_fields = ["short_name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    inlines = [AssociationMemberInline]
