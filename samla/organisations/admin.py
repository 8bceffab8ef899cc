"""Reference data: municipalities, organisations and associations, kept by system administrators."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _

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


class AssociationMemberFormSet(BaseInlineFormSet[AssociationMember, Association, Any]):
    """The members' financing shares must add up to exactly 100 % (Finsam: state, region and
    municipalities together finance the whole association)."""

    def clean(self) -> None:
        super().clean()
        shares = [
            form.cleaned_data.get("financing_share") or Decimal(0)
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("kind") == AssociationMember.Kind.MEMBER
        ]
        if shares and sum(shares) != Decimal(100):
            raise ValidationError(
                _("Medlemmarnas andelar ska tillsammans bli exakt 100 %%, nu %(sum)s %%.")
                % {"sum": sum(shares)}
            )


class AssociationMemberInline(admin.TabularInline[AssociationMember, Association]):
    model = AssociationMember
    formset = AssociationMemberFormSet
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin[Association]):
    list_display = ["short_name", "organisation", "suppression_k"]
    search_fields = ["short_name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    inlines = [AssociationMemberInline]
