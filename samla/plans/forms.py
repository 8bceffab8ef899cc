from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from samla import form_fields
from samla.accounts.models import User
from samla.organisations.models import Organisation
from samla.people.models import InformationCategory
from samla.plans.models import Plan, PlanAction, PlanApproval

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationChoiceField(forms.ModelChoiceField[Organisation]):
    def __init__(self, *, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(
            queryset=Organisation.objects.filter(pk__in=[o.pk for o in organisations]).order_by(
                "name"
            ),
            **kwargs,
        )


def _not_in_the_past(form: forms.Form, name: str) -> date | None:
    """A date the user sets may not lie in the past; one that is kept as it was may."""
    value: date | None = form.cleaned_data.get(name)
    if value is not None and name in form.changed_data and value < timezone.localdate():
        raise ValidationError(_("Datumet har redan passerat. Välj i dag eller ett senare datum."))
    return value


class PlanForm(forms.Form):
    goals = forms.CharField(
        label=gettext_lazy("Mina mål – med personens egna ord"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=gettext_lazy(
            "Skriv som personen själv säger det, till exempel: ”Jag vill kunna jobba halvtid "
            "inom ett år.”"
        ),
    )
    lead_organisation = forms.ModelChoiceField(
        label=gettext_lazy("Huvudansvarig organisation"), queryset=Organisation.objects.none()
    )
    follow_up_date = form_fields.DateField(
        label=gettext_lazy("Uppföljningsdatum"),
        widget=DATE_WIDGET,
        help_text=gettext_lazy("När ska planen följas upp tillsammans med personen?"),
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_organisation"] = OrganisationChoiceField(
            organisations=organisations,
            label=gettext_lazy("Huvudansvarig organisation"),
            help_text=gettext_lazy(
                "Personens ansvariga organisation eller en organisation som samtycket omfattar."
            ),
        )

    def clean_goals(self) -> str:
        goals: str = self.cleaned_data["goals"].strip()
        if not goals:
            raise ValidationError(_("Skriv personens mål."))
        return goals

    def clean_follow_up_date(self) -> date | None:
        return _not_in_the_past(self, "follow_up_date")


class EditPlanForm(PlanForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanActionForm(forms.Form):
    need = forms.CharField(
        label=gettext_lazy("Behov"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy("Vad behöver personen hjälp med?"),
    )
    action = forms.CharField(
        label=pgettext_lazy("plan", "Insats/åtgärd"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy("Vad ska göras?"),
    )
    responsible_organisation = forms.ModelChoiceField(
        label=gettext_lazy("Ansvarig organisation"), queryset=Organisation.objects.none()
    )
    responsible_person = forms.ModelChoiceField(
        label=gettext_lazy("Ansvarig person"),
        queryset=User.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "Någon i personens team som arbetar i den ansvariga organisationen."
        ),
    )
    due_date = form_fields.DateField(
        label=gettext_lazy("Klart senast"), widget=DATE_WIDGET, required=False
    )
    category = forms.ChoiceField(
        label=pgettext_lazy("plan", "Vilken sorts uppgift handlar insatsen om?"),
        choices=InformationCategory.choices,
        initial=InformationCategory.WORK_STUDIES,
        help_text=pgettext_lazy(
            "plan",
            "Andra organisationer ser insatsen bara om personens samtycke omfattar den sortens "
            "uppgifter. En annan organisation kan bara ansvara för insatsen om samtycket gör det.",
        ),
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        candidates: list[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_organisation"] = OrganisationChoiceField(
            organisations=organisations, label=gettext_lazy("Ansvarig organisation")
        )
        person = self.fields["responsible_person"]
        person.queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=[u.pk for u in candidates]
        ).select_related("organisation")
        person.label_from_instance = lambda u: f"{u}, {u.organisation}"  # type: ignore[attr-defined]
        self.order_fields(["need", "action", "responsible_organisation", "responsible_person"])

    def clean_due_date(self) -> date | None:
        return _not_in_the_past(self, "due_date")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("need", "action"):
            if name in cleaned and not cleaned[name].strip():
                self.add_error(name, _("Fyll i fältet."))
        return cleaned

    def content(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in (
                "need",
                "action",
                "responsible_organisation",
                "responsible_person",
                "due_date",
                "category",
            )
        }


class EditPlanActionForm(PlanActionForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    """The version of the plan the user read, so a step taken on an old page is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)


# What staff can register. "Digital" is what the person does themself in Min Samla, with e-ID.
STAFF_APPROVAL_METHODS = [
    (value, label)
    for value, label in PlanApproval.Method.choices
    if value != PlanApproval.Method.DIGITAL
]


class ApprovalForm(VersionForm):
    method = forms.ChoiceField(
        label=gettext_lazy("Hur godkände personen planen?"),
        choices=STAFF_APPROVAL_METHODS,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Anteckning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        help_text=gettext_lazy(
            "Till exempel vilket möte, eller var det undertecknade exemplaret finns."
        ),
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Varför avslutas planen?"),
        choices=Plan.CloseReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Kommentar"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("reason") == Plan.CloseReason.OTHER and not cleaned.get("note", "").strip():
            self.add_error("note", _("Skriv vilket skälet är."))
        return cleaned


class StatusForm(forms.Form):
    """An action's follow-up. ``version`` is the action's as the user read it. The worklist
    row sends the status alone (``with_note=False``): its note is then left as it is."""

    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=PlanAction.Status.choices)
    follow_up_note = forms.CharField(
        label=gettext_lazy("Uppföljning"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, with_note: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_note:
            del self.fields["follow_up_note"]


class CompareForm(forms.Form):
    a = forms.TypedChoiceField(label=gettext_lazy("Jämför"), coerce=int)
    b = forms.TypedChoiceField(label=gettext_lazy("med"), coerce=int)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["a"].choices = choices  # type: ignore[attr-defined]
        self.fields["b"].choices = choices  # type: ignore[attr-defined]


class NotYetForm(VersionForm):
    """The person's "not yet, because …" to a revision waiting for their approval."""

    reason = forms.CharField(
        label=gettext_lazy("Inte än, för att …"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy("Skriv med egna ord vad du vill ändra eller fråga om."),
        error_messages={
            "required": gettext_lazy("Skriv varför du inte vill godkänna planen än."),
        },
    )


class PersonCloseForm(forms.Form):
    """The person ends their plan; saying why is up to them."""

    note = forms.CharField(
        label=gettext_lazy("Vill du berätta varför? (frivilligt)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )
