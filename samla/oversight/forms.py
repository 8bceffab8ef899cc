from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samla import form_fields
from samla.audit.models import AuditEvent
from samla.oversight.models import LogReview
from samla.oversight.references import normalised


class ReferenceField(forms.CharField):
    """A person's reference in the log review (ADR 0013), as typed; cleaned to its spelling."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("Deltagarens referens"))
        kwargs.setdefault("help_text", gettext_lazy("Till exempel P-7K3F-Q9XM."))
        super().__init__(max_length=20, **kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        reference = normalised(text)
        if reference is None:
            raise forms.ValidationError(
                _("Det är ingen referens. En referens ser ut som P-7K3F-Q9XM.")
            )
        return reference


class PeriodForm(forms.Form):
    """From and to which day to show the access log: the log review's, the person's extract's."""

    date_from = form_fields.DateField(
        label=gettext_lazy("Från och med"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = form_fields.DateField(
        label=gettext_lazy("Till och med"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("Slutdatumet kan inte vara före startdatumet."))
        return cleaned


class ReviewFilterForm(PeriodForm):
    action = forms.ChoiceField(
        label=gettext_lazy("Händelse"),
        required=False,
        choices=[("", gettext_lazy("Alla")), *AuditEvent.Action.choices],
    )
    reference = ReferenceField(required=False)
    flagged = forms.BooleanField(
        label=gettext_lazy("Bara skyddade personuppgifter"), required=False
    )
    sample = forms.BooleanField(
        label=gettext_lazy("Stickprov: 20 slumpvis valda läsningar"), required=False
    )


class LogReviewForm(forms.ModelForm[LogReview]):
    """The reviewer's record of a review: the period checked, the finding, what was done."""

    period_from = form_fields.DateField(
        label=gettext_lazy("Granskad period från och med"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    period_to = form_fields.DateField(
        label=gettext_lazy("Till och med"), widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = LogReview
        fields = ["period_from", "period_to", "finding", "note"]
        widgets = {"finding": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 4})}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", _("Slutdatumet kan inte vara före startdatumet."))
        finding = cleaned.get("finding")
        if finding and finding != LogReview.Finding.NONE and not cleaned.get("note"):
            self.add_error("note", _("Beskriv avvikelserna och vad som görs åt dem."))
        return cleaned


class ReferenceForm(forms.Form):
    reference = ReferenceField()
