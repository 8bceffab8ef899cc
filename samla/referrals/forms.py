from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samla.activities.models import Activity
from samla.people.models import Participant, Sex
from samla.referrals.actions import referable_activities
from samla.referrals.models import Attendance, ExitReason, Referral


class SendForm(forms.Form):
    activity = forms.ModelChoiceField(queryset=Activity.objects.none(), label=_("Insats"))
    priority = forms.IntegerField(label=_("Prioritet"), min_value=0, max_value=100, initial=0)
    note = forms.CharField(
        label=_("Det här delar remissen med utföraren"),
        help_text=_("Utföraren ser personens namn och den här texten, inget annat."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )

    def __init__(self, *args: Any, participant: Participant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["activity"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = referable_activities(participant)


class StepForm(forms.Form):
    """Every step carries the version of the referral the user saw: a step taken on a page that
    someone else's step has made stale is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class NoteForm(StepForm):
    note = forms.CharField(
        label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class OptionalNoteForm(StepForm):
    note = forms.CharField(
        label=_("Anteckning"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )


class StartForm(OptionalNoteForm):
    started_on = forms.DateField(
        label=_("Startdatum"), widget=forms.DateInput(attrs={"type": "date"})
    )


class EndForm(OptionalNoteForm):
    ended_on = forms.DateField(label=_("Slutdatum"), widget=forms.DateInput(attrs={"type": "date"}))
    exit_reason = forms.ChoiceField(label=_("Avslutsorsak"), choices=ExitReason.choices)


class DeclineForm(StepForm):
    declined_by = forms.ChoiceField(label=_("Vem tackade nej"), choices=Referral.DeclinedBy.choices)
    reason = forms.CharField(
        label=_("Skäl"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class DayForm(forms.Form):
    day = forms.DateField(label=_("Dag"), widget=forms.DateInput(attrs={"type": "date"}))


class AttendanceForm(forms.Form):
    """One radio group per person taking part that day; an empty answer records nothing."""

    def __init__(self, *args: Any, register: list[tuple[Referral, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register = register
        for referral, status in register:
            self.fields[f"r{referral.pk}"] = forms.ChoiceField(
                label=referral.shown_to_provider,
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=status,
            )

    def statuses(self) -> dict[int, str]:
        return {referral.pk: self.cleaned_data[f"r{referral.pk}"] for referral, _s in self.register}


class AnonymousParticipationForm(forms.Form):
    sex = forms.ChoiceField(label=_("Kön"), choices=Sex.choices, widget=forms.RadioSelect)
    start_year = forms.IntegerField(label=_("Startår"), min_value=1990, max_value=2200)
    started_on = forms.DateField(
        label=_("Startdatum"), widget=forms.DateInput(attrs={"type": "date"})
    )
