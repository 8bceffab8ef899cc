from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samla.reports.esf import EsfMonth

FORMATS = [("csv", _("CSV (semikolonseparerad)")), ("xlsx", _("Excel (XLSX)"))]


class OrderReportForm(forms.Form):
    year = forms.TypedChoiceField(label=_("År"), coerce=int)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(year, str(year)) for year in years]
        if years:
            self.initial.setdefault("year", years[1] if len(years) > 1 else years[0])


class EsfFileForm(forms.Form):
    month = forms.ChoiceField(label=_("Månad"))
    format = forms.ChoiceField(
        label=_("Filformat"), choices=FORMATS, initial="csv", widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, months: list[EsfMonth], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["month"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(month), str(month)) for month in months]

    def clean_month(self) -> EsfMonth:
        return EsfMonth.parse(self.cleaned_data["month"])
