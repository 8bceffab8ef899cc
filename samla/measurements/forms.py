"""The measurement form and the own-question forms.

Income sources are a fixed list: a checkbox per source and, beside it, the extent in per cent of
full time ('none' and 'unknown' have no extent). That is one tab stop per control and a label for
each, which keyboard and screen-reader users find easier than rows added and removed by script.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samla import form_fields
from samla.measurements.actions import ALONE, check_income_sources
from samla.measurements.models import (
    Closeness,
    Education,
    IncomeSourceKind,
    LocalQuestion,
    Measurement,
    Occasion,
    Occupation,
    QuestionVersion,
    SupportTime,
    Wellbeing,
)
from samla.measurements.questions import (
    NOT_ANSWERED,
    SCALE_CHOICES,
    YES_NO_CHOICES,
    Asked,
)
from samla.organisations.models import Association

EXTENT_MESSAGE = _("Ange en siffra mellan 1 och 100.")
INCOME_LABEL = _("Inkomstkällor")


@dataclass(frozen=True)
class IncomeRow:
    source: forms.BoundField
    extent: forms.BoundField | None


@dataclass(frozen=True)
class ErrorLink:
    anchor: str
    label: str
    message: str


class MeasurementForm(forms.Form):
    template_name = "measurements/measurement_fields.html"

    version = forms.IntegerField(widget=forms.HiddenInput)
    measured_on = form_fields.DateField(
        label=_("Datum för mätningen"), widget=forms.DateInput(attrs={"type": "date"})
    )
    occupation = forms.ChoiceField(
        label=_("Sysselsättning"), choices=Occupation.choices, widget=forms.RadioSelect
    )
    education = forms.ChoiceField(
        label=_("Utbildningsnivå"), choices=Education.choices, widget=forms.RadioSelect
    )
    support_time = forms.ChoiceField(
        label=_("Tid med offentlig försörjning före start"),
        choices=[NOT_ANSWERED, *SupportTime.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    wellbeing = forms.TypedChoiceField(
        label=_("Hur mår du just nu?"),
        label_suffix="",
        help_text=_("Personen svarar själv."),
        choices=[NOT_ANSWERED, *Wellbeing.choices],
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
    )
    closeness = forms.TypedChoiceField(
        label=_("Hur nära känner du dig ett arbete eller studier?"),
        label_suffix="",
        help_text=_("Personen svarar själv."),
        choices=[NOT_ANSWERED, *Closeness.choices],
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
    )
    ocn_modules = forms.IntegerField(
        label=_("OCN-moduler"),
        help_text=_("Hur många moduler personen har fått intyg på."),
        min_value=0,
        max_value=100,
    )
    ocn_points = forms.IntegerField(
        label=_("OCN-poäng"), help_text=_("Poängen för modulerna."), min_value=0, max_value=1000
    )

    def __init__(self, *args: Any, occasion: str, asked: Sequence[Asked], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.occasion = occasion
        self.asked = list(asked)
        if occasion != Occasion.ENTRY:
            del self.fields["support_time"]
        for kind in IncomeSourceKind:
            self.fields[f"income_{kind.value}"] = forms.BooleanField(
                label=kind.label, required=False
            )
            if kind not in ALONE:
                self.fields[f"extent_{kind.value}"] = forms.IntegerField(
                    label=_("%(source)s: omfattning i procent") % {"source": kind.label},
                    min_value=1,
                    max_value=100,
                    required=False,
                    error_messages={"min_value": EXTENT_MESSAGE, "max_value": EXTENT_MESSAGE},
                    widget=forms.NumberInput(attrs={"class": "extent"}),
                )
        for item in self.asked:
            self.fields[item.name] = self._answer_field(item)

    @staticmethod
    def _answer_field(item: Asked) -> forms.Field:
        label = item.version.wording
        kind = item.question.answer_kind
        if kind == LocalQuestion.AnswerKind.TEXT:
            return forms.CharField(
                label=label,
                label_suffix="",
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        choices = SCALE_CHOICES if kind == LocalQuestion.AnswerKind.SCALE else YES_NO_CHOICES
        return forms.ChoiceField(
            label=label,
            label_suffix="",
            choices=[NOT_ANSWERED, *choices],
            required=False,
            widget=forms.RadioSelect,
        )

    @classmethod
    def initial_for(cls, measurement: Measurement | None, asked: Sequence[Asked]) -> dict[str, Any]:
        if measurement is None:
            return {
                "version": 0,
                "measured_on": timezone.localdate(),
                "support_time": "",
                "wellbeing": "",
                "closeness": "",
                "ocn_modules": 0,
                "ocn_points": 0,
            } | {item.name: "" for item in asked}
        initial: dict[str, Any] = {
            name: getattr(measurement, name)
            for name in (
                "version",
                "measured_on",
                "occupation",
                "education",
                "support_time",
                "ocn_modules",
                "ocn_points",
            )
        }
        initial["wellbeing"] = measurement.wellbeing or ""
        initial["closeness"] = measurement.closeness or ""
        for source in measurement.income_sources.all():
            initial[f"income_{source.source}"] = True
            initial[f"extent_{source.source}"] = source.extent
        answers = {a.question_version_id: a.value for a in measurement.answers.all()}
        for item in asked:
            initial[item.name] = answers.get(item.version.pk, "")
        return initial

    def income_rows(self) -> list[IncomeRow]:
        return [
            IncomeRow(
                source=self[f"income_{kind.value}"],
                extent=self[f"extent_{kind.value}"] if kind not in ALONE else None,
            )
            for kind in IncomeSourceKind
        ]

    def plain_fields(self) -> list[forms.BoundField]:
        """The fields shown one after the other, before the income sources."""
        names = ["measured_on", "occupation", "education", "support_time"]
        return [self[name] for name in names if name in self.fields]

    def scale_fields(self) -> list[forms.BoundField]:
        return [self["wellbeing"], self["closeness"]]

    def ocn_fields(self) -> list[forms.BoundField]:
        return [self["ocn_modules"], self["ocn_points"]]

    def question_fields(self) -> list[forms.BoundField]:
        return [self[item.name] for item in self.asked]

    def error_links(self) -> list[ErrorLink]:
        """Each field's errors, linked to the field (the first option of a group of choices)."""
        links = []
        for name, errors in self.errors.items():
            if name == NON_FIELD_ERRORS:
                continue
            bound = self[name]
            grouped = isinstance(bound.field.widget, forms.RadioSelect)
            anchor = bound.auto_id + ("_0" if grouped else "")
            label = INCOME_LABEL if name.startswith("income_") else bound.label
            for message in errors:
                links.append(ErrorLink(anchor=anchor, label=str(label), message=str(message)))
        return links

    def income_errors(self) -> list[str]:
        """Errors about the income sources as a whole (shown above the list)."""
        return [
            str(message)
            for name, errors in self.errors.items()
            if name.startswith("income_")
            for message in errors
        ]

    def clean_measured_on(self) -> Any:
        measured_on = self.cleaned_data["measured_on"]
        if measured_on > timezone.localdate():
            raise ValidationError(_("Datumet kan inte ligga i framtiden."))
        return measured_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for kind in IncomeSourceKind:
            if kind in ALONE:
                continue
            checked = data.get(f"income_{kind.value}")
            extent_name = f"extent_{kind.value}"
            extent = data.get(extent_name)
            if extent_name in self.errors:
                continue
            if checked and extent is None:
                self.add_error(extent_name, _("Ange omfattningen i procent, 1–100."))
            elif not checked and extent is not None:
                self.add_error(extent_name, _("Kryssa i inkomstkällan, eller töm rutan."))
        if not any(name.startswith(("income_", "extent_")) for name in self.errors):
            try:
                check_income_sources(self.income_sources())
            except ValidationError as error:
                self.add_error(f"income_{IncomeSourceKind.SALARY.value}", error)
        return data

    def income_sources(self) -> list[tuple[str, int | None]]:
        return [
            (kind.value, self.cleaned_data.get(f"extent_{kind.value}"))
            for kind in IncomeSourceKind
            if self.cleaned_data.get(f"income_{kind.value}")
        ]

    def answers(self) -> dict[QuestionVersion, str]:
        return {item.version: self.cleaned_data.get(item.name) or "" for item in self.asked}

    def measurement_data(self) -> dict[str, Any]:
        """What ``actions.save_measurement`` takes, from the cleaned form."""
        data = self.cleaned_data
        return {
            "version": data["version"],
            "measured_on": data["measured_on"],
            "occupation": data["occupation"],
            "education": data["education"],
            "support_time": data.get("support_time") or "",
            "wellbeing": data.get("wellbeing"),
            "closeness": data.get("closeness"),
            "ocn_modules": data["ocn_modules"],
            "ocn_points": data["ocn_points"],
            "income_sources": self.income_sources(),
            "answers": self.answers(),
        }


class QuestionForm(forms.Form):
    association = forms.ModelChoiceField(
        queryset=Association.objects.none(), label=_("Samordningsförbund")
    )
    wording = forms.CharField(
        label=_("Frågan"),
        help_text=_("Skriv frågan som den ställs till personen, på enkel svenska."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    answer_kind = forms.ChoiceField(
        label=_("Svarstyp"), choices=LocalQuestion.AnswerKind.choices, widget=forms.RadioSelect
    )
    occasions = forms.MultipleChoiceField(
        label=_("Ställs vid"), choices=Occasion.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, associations: Sequence[Association], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["association"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Association.objects.filter(pk__in=[a.pk for a in associations])
        if len(associations) == 1:
            field.initial = associations[0]
            field.widget = forms.HiddenInput()


class WordingForm(forms.Form):
    seen_number = forms.IntegerField(widget=forms.HiddenInput)
    wording = forms.CharField(
        label=_("Ny formulering"),
        help_text=_(
            "Den nya formuleringen gäller nya svar. Svar som redan är givna behåller den "
            "formulering de gavs under. Ändra bara ordalydelsen: en fråga om något annat är en "
            "ny fråga."
        ),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
