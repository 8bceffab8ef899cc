from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samla import form_fields
from samla.activities.models import Activity
from samla.indicators import dimensions
from samla.indicators.figures import Filters, Scope
from samla.indicators.models import Programme, Target
from samla.organisations.models import Association, Municipality
from samla.people.models import Sex, TargetGroup

# At most this many filters at once (ADR 0012): with more, nearly every group is under k or can
# be worked out from the coarser views, so protection hides nearly all of it; a release does not
# publish such views at all, and the form says why instead of showing a page of "–".
MOST_FILTERS = 2


class FilterForm(forms.Form):
    """The dashboard's filters: year, activity, municipality and sex (issue 6 part 3), at most
    ``MOST_FILTERS`` of them at once."""

    year = forms.TypedChoiceField(label=_("År"), coerce=int, required=False, empty_value=None)
    activity = forms.ModelChoiceField(
        label=_("Insats"), queryset=Activity.objects.none(), required=False, empty_label=_("Alla")
    )
    municipality = forms.ModelChoiceField(
        label=_("Kommun"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("Alla"),
    )
    sex = forms.ChoiceField(label=_("Kön"), required=False)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        years = [("", _("Hela perioden"))] + [(y, str(y)) for y in reversed(scope.years)]
        self.fields["year"].choices = years  # type: ignore[attr-defined]
        self.fields["activity"].queryset = Activity.objects.filter(pk__in=scope.activity_ids)  # type: ignore[attr-defined]
        self.fields["municipality"].queryset = Municipality.objects.filter(  # type: ignore[attr-defined]
            pk__in=[m.pk for m in dimensions.municipalities_of(scope.association)]
        )
        self.fields["sex"].choices = [("", _("Alla")), *Sex.choices]  # type: ignore[attr-defined]
        if len(scope.activity_ids) < 2:
            del self.fields["activity"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [name for name in ("year", "activity", "municipality", "sex") if data.get(name)]
        if len(chosen) > MOST_FILTERS:
            raise ValidationError(
                _(
                    "Välj högst två urval åt gången. Med fler blir grupperna så små att "
                    "siffrorna ändå inte kan visas utan att någon kan räknas fram."
                )
            )
        return data

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        activity = data.get("activity")
        return Filters(
            year=data["year"],
            activity=activity.pk if activity else None,
            municipality=data["municipality"].pk if data["municipality"] else None,
            sex=data["sex"],
        )


class ProgrammeForm(forms.ModelForm[Programme]):
    class Meta:
        model = Programme
        fields = ["name", "description", "starts_on", "ends_on", "activities"]
        field_classes = {
            "activities": form_fields.ModelMultipleChoiceField,
            "starts_on": form_fields.DateField,
            "ends_on": form_fields.DateField,
        }
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "activities": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, association: Association, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activities"].queryset = Activity.objects.filter(  # type: ignore[attr-defined]
            association=association, kind=Activity.Kind.INDIVIDUAL
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if isinstance(starts, date) and isinstance(ends, date) and ends < starts:
            raise ValidationError({"ends_on": _("Programmet kan inte sluta innan det startar.")})
        return data


class TargetForm(forms.Form):
    kind = forms.ChoiceField(label=_("Sorts mål"), choices=Target.Kind.choices)
    value = forms.IntegerField(
        label=_("Målvärde"),
        min_value=0,
        max_value=1_000_000,
        help_text=_("Ett antal, eller för en andel procent (0–100)."),
    )
    year = forms.IntegerField(label=_("År"), required=False, help_text=_("Tomt: hela perioden."))
    sex = forms.ChoiceField(label=_("Kön"), required=False)
    target_group = forms.ModelChoiceField(
        label=_("Målgrupp"), queryset=TargetGroup.objects.none(), required=False
    )
    municipality = forms.ModelChoiceField(
        label=_("Kommun"), queryset=Municipality.objects.none(), required=False
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["sex"].choices = [("", _("Alla")), *Sex.choices]  # type: ignore[attr-defined]
        self.fields["target_group"].queryset = TargetGroup.objects.filter(  # type: ignore[attr-defined]
            association=scope.association
        )
        self.fields["municipality"].queryset = Municipality.objects.filter(  # type: ignore[attr-defined]
            pk__in=[m.pk for m in dimensions.municipalities_of(scope.association)]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, value, year = data.get("kind"), data.get("value"), data.get("year")
        breakdown = data.get("sex") or data.get("target_group") or data.get("municipality")
        if kind in Target.SHARE_KINDS and value is not None and value > 100:
            self.add_error("value", _("En andel anges i procent, högst 100."))
        if kind != Target.Kind.PARTICIPANTS and breakdown:
            self.add_error(
                None, _("Bara mål för antal deltagare kan delas upp på kön, målgrupp eller kommun.")
            )
        if data.get("target_group") and data.get("municipality"):
            self.add_error("municipality", _("Välj målgrupp eller kommun, inte båda."))
        if year is not None and year not in self.scope.years:
            first, last = self.scope.years[0], self.scope.years[-1]
            self.add_error(
                "year",
                _("Året ska ligga inom perioden, %(first)s–%(last)s.")
                % {"first": first, "last": last},
            )
        return data
