from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samla import form_fields
from samla.activities.models import Activity
from samla.people.models import Participant, Sex
from samla.referrals.actions import check_can_refer, referable_activities
from samla.referrals.eligibility import warnings_for
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

    # Shown as a checkbox only once the chosen activity has given a warning (eligibility).
    confirm = forms.BooleanField(
        label=_("Jag har läst varningen och vill skicka remissen ändå"),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, participant: Participant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.warnings: list[str] = []
        field = self.fields["activity"]
        assert isinstance(field, forms.ModelChoiceField)
        # Any individual activity of the association is understood, so that an ended one
        # chosen on an old page gets its own message; only those that run today are offered.
        field.queryset = Activity.objects.filter(
            association_id=participant.association_id, kind=Activity.Kind.INDIVIDUAL
        )
        offered = [(a.pk, str(a)) for a in referable_activities(participant)]
        field.choices = [("", "---------"), *offered]
        if not offered:
            field.help_text = _(
                "Förbundet har ingen insats som tar emot remisser i dag, så det går inte att "
                "remittera just nu."
            )

    def clean_activity(self) -> Activity:
        """The activity must run today and the consent must let the referral share the person
        with its provider: refused before any warning is asked about."""
        activity: Activity = self.cleaned_data["activity"]
        check_can_refer(self.participant, activity)
        return activity

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        activity = cleaned.get("activity")
        if activity is None:
            return cleaned
        self.warnings = warnings_for(self.participant, activity)
        if self.warnings:
            self.fields["confirm"].widget = forms.CheckboxInput()
            if not cleaned.get("confirm"):
                self.add_error(
                    "confirm",
                    _("Kryssa i att du har läst varningen om du vill skicka remissen ändå."),
                )
        cleaned.pop("confirm", None)  # the action is not told: the warning is the referrer's
        return cleaned


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
    started_on = form_fields.DateField(
        label=_("Startdatum"), widget=forms.DateInput(attrs={"type": "date"})
    )


class EndForm(OptionalNoteForm):
    ended_on = form_fields.DateField(
        label=_("Slutdatum"), widget=forms.DateInput(attrs={"type": "date"})
    )
    exit_reason = forms.ChoiceField(label=_("Avslutsorsak"), choices=ExitReason.choices)


class DeclineForm(StepForm):
    declined_by = forms.ChoiceField(label=_("Vem tackade nej"), choices=Referral.DeclinedBy.choices)
    reason = forms.CharField(
        label=_("Skäl"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class DayForm(forms.Form):
    day = form_fields.DateField(label=_("Dag"), widget=forms.DateInput(attrs={"type": "date"}))


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
    started_on = form_fields.DateField(
        label=_("Startdatum"), widget=forms.DateInput(attrs={"type": "date"})
    )
