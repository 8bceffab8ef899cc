from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from samla import form_fields
from samla.activities.models import Activity
from samla.organisations.models import Association, Municipality, Organisation
from samla.people.models import TargetGroup

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AssociationLabelled(form_fields.ModelMultipleChoiceField[TargetGroup]):
    """Names the association beside each choice when the user keeps more than one catalogue."""

    def __init__(self, *args: Any, show_association: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.show_association = show_association

    def label_from_instance(self, obj: TargetGroup) -> str:
        if self.show_association:
            return f"{obj.name} ({obj.association})"
        return str(obj)


class ActivityForm(forms.Form):
    """What the office may change at any time. Kind and ESF co-funding are in CreateActivityForm
    only: they are fixed once the activity exists."""

    name = forms.CharField(label=gettext_lazy("Namn"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Beskrivning"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )
    provider = forms.ModelChoiceField(
        label=gettext_lazy("Utförare"),
        queryset=Organisation.objects.none(),
        help_text=gettext_lazy("En medlem eller samarbetspart i förbundet."),
    )
    target_groups = AssociationLabelled(
        label=gettext_lazy("Målgrupper"),
        queryset=TargetGroup.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    municipalities = form_fields.ModelMultipleChoiceField(
        label=gettext_lazy("Kommuner som insatsen vänder sig till"),
        queryset=Municipality.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    starts_on = form_fields.DateField(label=gettext_lazy("Startar"), widget=DATE_WIDGET)
    ends_on = form_fields.DateField(
        label=gettext_lazy("Slutar"),
        widget=DATE_WIDGET,
        required=False,
        help_text=gettext_lazy("Lämna tomt om insatsen pågår tills vidare."),
    )
    capacity = form_fields.IntegerField(
        label=gettext_lazy("Antal platser"),
        min_value=1,
        required=False,
        help_text=gettext_lazy("Krävs för en individinriktad insats."),
    )
    min_age = forms.IntegerField(
        label=gettext_lazy("Lägsta ålder"),
        min_value=0,
        max_value=120,
        required=False,
        help_text=gettext_lazy(
            "I hela år, den dag personen remitteras. Den som remitterar en yngre person får en "
            "varning. Lämna tomt om insatsen inte har någon lägsta ålder."
        ),
    )
    max_age = forms.IntegerField(
        label=gettext_lazy("Högsta ålder"),
        min_value=0,
        max_value=120,
        required=False,
        help_text=gettext_lazy(
            "Till och med den åldern, till exempel 29 för 16–29 år. Den som remitterar en äldre "
            "person får en varning. Lämna tomt om insatsen inte har någon högsta ålder."
        ),
    )

    def __init__(self, *args: Any, associations: list[Association], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [a.pk for a in associations]
        many = len(ids) > 1
        self.fields["provider"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.filter(association_memberships__association_id__in=ids)
            .distinct()
            .order_by("name")
        )
        target_groups = self.fields["target_groups"]
        assert isinstance(target_groups, AssociationLabelled)
        target_groups.queryset = TargetGroup.objects.filter(association_id__in=ids).select_related(
            "association"
        )
        target_groups.show_association = many
        self.fields["municipalities"].queryset = (  # type: ignore[attr-defined]
            Municipality.objects.filter(
                organisation__association_memberships__association_id__in=ids
            )
            .distinct()
            .order_by("name")
        )


class CreateActivityForm(ActivityForm):
    association = forms.ModelChoiceField(
        label=gettext_lazy("Samordningsförbund"), queryset=Association.objects.none()
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Inriktning"),
        choices=Activity.Kind.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Individinriktad: för deltagare. Strukturövergripande: för personal och "
            "verksamheter. Kan inte ändras när insatsen är skapad."
        ),
    )
    esf_cofunded = forms.BooleanField(
        label=gettext_lazy("Medfinansieras av Europeiska socialfonden (ESF)"),
        required=False,
        help_text=gettext_lazy("Kan inte ändras när insatsen är skapad."),
    )
    field_order = ["association", "name", "description", "kind", "esf_cofunded"]

    def __init__(self, *args: Any, associations: list[Association], **kwargs: Any) -> None:
        super().__init__(*args, associations=associations, **kwargs)
        self.fields["association"].queryset = Association.objects.filter(  # type: ignore[attr-defined]
            pk__in=[a.pk for a in associations]
        )
        if len(associations) == 1:
            self.fields["association"].initial = associations[0].pk
            self.fields["association"].widget = forms.HiddenInput()


class EditActivityForm(ActivityForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ActivityYearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("År"), min_value=2000, max_value=2100)
    planned_participants = form_fields.IntegerField(
        label=gettext_lazy("Planerat antal deltagare"), min_value=0
    )

    def __init__(self, *args: Any, activity: Activity, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("year", _default_year(activity))
        super().__init__(*args, **kwargs)
        if activity.is_structural:
            del self.fields["planned_participants"]


class StaffCountForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.none()
    )
    year = forms.IntegerField(label=gettext_lazy("År"), min_value=2000, max_value=2100)
    staff_count = form_fields.IntegerField(label=gettext_lazy("Antal medarbetare"), min_value=1)

    def __init__(
        self, *args: Any, activity: Activity, organisations: list[Organisation], **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("year", _default_year(activity))
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organisations]
        ).order_by("name")


class ActivityFilterForm(forms.Form):
    association = forms.ModelChoiceField(
        label=gettext_lazy("Samordningsförbund"),
        queryset=Association.objects.none(),
        required=False,
        empty_label=gettext_lazy("Alla"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Inriktning"),
        choices=[("", gettext_lazy("Alla")), *Activity.Kind.choices],
        required=False,
    )
    active = forms.BooleanField(label=gettext_lazy("Bara insatser som pågår i år"), required=False)

    def __init__(self, *args: Any, association_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = Association.objects.filter(  # type: ignore[attr-defined]
            pk__in=association_ids
        ).order_by("short_name")


def _default_year(activity: Activity) -> int:
    this_year = timezone.localdate().year
    if activity.covers_year(this_year):
        return this_year
    return activity.starts_on.year
