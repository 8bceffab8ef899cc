from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samla.audit.models import AuditEvent


class ReviewFilterForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("Från och med"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Till och med"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Händelse"),
        required=False,
        choices=[("", gettext_lazy("Alla")), *AuditEvent.Action.choices],
    )
    participant = forms.IntegerField(
        label=gettext_lazy("Deltagarens nummer i Samla"), required=False, min_value=1
    )
    flagged = forms.BooleanField(
        label=gettext_lazy("Bara skyddade personuppgifter"), required=False
    )
    sample = forms.BooleanField(
        label=gettext_lazy("Stickprov: 20 slumpvis valda läsningar"), required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("Slutdatumet kan inte vara före startdatumet."))
        return cleaned
