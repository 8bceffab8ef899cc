from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samla import form_fields
from samla.organisations.models import Organisation
from samla.retention.models import LegalHold, RecordType, RetentionRule
from samla.retention.presets import check_period


class RuleForm(forms.ModelForm[RetentionRule]):
    """One organisation's rule for one record type. ``version`` is empty for a new rule."""

    years = form_fields.IntegerField(
        label=_("Gallras efter (år)"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Lämna tomt om uppgifterna ska bevaras."),
    )
    decided_on = form_fields.DateField(
        label=_("Beslutsdatum"), widget=forms.DateInput(attrs={"type": "date"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = RetentionRule
        fields = ["years", "starts_from", "keeps_research_days", "decision", "decided_on"]
        widgets = {"decision": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self, *args: Any, organisation: Organisation, record_type: RecordType, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation, self.record_type = organisation, record_type
        if self.instance.pk is not None:
            self.fields["version"].initial = self.instance.version

    def clean_years(self) -> int | None:
        years: int | None = self.cleaned_data["years"]
        check_period(self.organisation, self.record_type, years)
        return years


class HoldForm(forms.ModelForm[LegalHold]):
    """A hold on a person's records, or one record of theirs, named by the organisation's
    reference to the person or by their identity number."""

    person = forms.CharField(
        label=_("Personens referens eller personnummer"),
        max_length=40,
        help_text=_(
            "Referensen från loggranskningen, till exempel P-7K3F-Q9XM, eller ÅÅÅÅMMDD-NNNN."
        ),
    )
    object_id = form_fields.IntegerField(
        label=_("Uppgiftens nummer"),
        min_value=1,
        required=False,
        help_text=_("Bara om stoppet gäller en enda uppgift av den valda typen."),
    )

    class Meta:
        model = LegalHold
        fields = ["record_type", "object_id", "reason", "note"]
        labels = {"record_type": _("Vilka uppgifter")}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    field_order = ["person", "record_type", "object_id", "reason", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        record_type = self.fields["record_type"]
        assert isinstance(record_type, forms.ChoiceField)
        record_type.choices = [("", _("Alla personens uppgifter")), *RecordType.choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("object_id") and not data.get("record_type"):
            self.add_error("record_type", _("Välj vilken typ av uppgift numret gäller."))
        return data


class LiftForm(forms.Form):
    hold = forms.IntegerField(widget=forms.HiddenInput)
    lift_note = forms.CharField(
        label=_("Skäl att häva stoppet"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PresetForm(forms.Form):
    preset = forms.CharField(widget=forms.HiddenInput)


class CullingSettingsForm(forms.Form):
    automatic = forms.BooleanField(
        label=_("Gallra automatiskt, utan förhandsgranskning"),
        required=False,
        help_text=_(
            "Då gallras det som är gallringsbart vid nattens körning, och protokollet visar "
            "vad som gallrades. Annars gör nattens körning bara en förhandsgranskning, som du "
            "godkänner."
        ),
    )
