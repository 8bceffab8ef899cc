from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samla import form_fields
from samla.accounts.models import User
from samla.activities.models import Activity
from samla.meetings.models import (
    LONGEST_MEETING_MINUTES,
    MAX_MINUTES_LENGTH,
    MAX_PREFERRED_TIMES_LENGTH,
    Invitation,
    Meeting,
)
from samla.organisations.models import Organisation
from samla.people.models import InformationCategory
from samla.plans.forms import DATE_WIDGET, OrganisationChoiceField

SHARED_HELP = gettext_lazy(
    "Alla inbjudna organisationer läser det här. Skriv inget som personens samtycke inte "
    "låter dem veta."
)


def _person_field(candidates: list[User], **kwargs: Any) -> forms.ModelChoiceField[User]:
    field: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        queryset=User.objects.filter(pk__in=[u.pk for u in candidates]).select_related(
            "organisation"
        ),
        required=False,
        **kwargs,
    )
    field.label_from_instance = lambda obj: f"{obj}, {obj.organisation}"  # type: ignore[method-assign]
    return field


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Vilket sorts möte?"),
        choices=[(k.value, k.label) for k in Meeting.Kind if k != Meeting.Kind.PREPARATORY],
        widget=forms.RadioSelect,
    )
    requested_by = forms.ChoiceField(
        label=gettext_lazy("Vem begärde mötet?"),
        choices=Meeting.RequestedBy.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Personen har rätt att samla alla sina handläggare till ett möte."),
    )
    request_note = forms.CharField(
        label=gettext_lazy("Vad personen vill med mötet"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy(
            "Med personens egna ord. Alla inbjudna organisationer läser det här. Skriv inget "
            "som personens samtycke inte låter dem veta."
        ),
    )
    question = forms.CharField(
        label=gettext_lazy("Frågan mötet ska besvara"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("Kan skrivas nu eller när mötet förbereds."),
    )

    def clean_request_note(self) -> str:
        note: str = self.cleaned_data["request_note"].strip()
        if not note:
            raise ValidationError(_("Skriv vad personen vill med mötet."))
        return note


class PersonRequestForm(forms.Form):
    """The person calls a meeting themselves in Min Samla: which sort, who comes (only the
    organisations offered: the controlling one and those the consent names), and in their own
    words what they want and what the meeting should answer."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Vilket sorts möte vill du ha?"),
        choices=[
            (
                Meeting.Kind.MULTI_PARTY.value,
                gettext_lazy("Ett möte med dina handläggare från flera organisationer"),
            ),
            (
                Meeting.Kind.RESOURCE_COUNCIL.value,
                gettext_lazy("Ett resursråd, där ni tillsammans planerar ditt stöd"),
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Välj vilket sorts möte du vill ha.")},
    )
    organisations = forms.MultipleChoiceField(
        label=gettext_lazy("Vilka ska vara med?"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Välj minst en organisation som ska vara med."),
            "invalid_choice": gettext_lazy(
                "Du kan bara bjuda in organisationer som ditt samtycke gäller för."
            ),
        },
    )
    request_note = forms.CharField(
        label=gettext_lazy("Vad vill du ta upp på mötet?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=gettext_lazy("Alla som bjuds in till mötet läser det du skriver här."),
        error_messages={"required": gettext_lazy("Skriv vad du vill ta upp på mötet.")},
    )
    question = forms.CharField(
        label=gettext_lazy("Vilken fråga vill du att mötet ska svara på?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=gettext_lazy("Till exempel: Hur kan jag få stöd att börja arbeta igen?"),
        error_messages={"required": gettext_lazy("Skriv vilken fråga mötet ska svara på.")},
    )
    preferred_times = forms.CharField(
        label=gettext_lazy("När passar det dig? (frivilligt)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_PREFERRED_TIMES_LENGTH,
        required=False,
        help_text=gettext_lazy("Till exempel: förmiddagar, men inte på fredagar."),
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered = {str(o.pk): o for o in organisations}
        field = self.fields["organisations"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(key, str(o)) for key, o in self.offered.items()]

    def clean_organisations(self) -> list[Organisation]:
        return [self.offered[key] for key in self.cleaned_data["organisations"]]


class PreparationForm(forms.Form):
    question = forms.CharField(
        label=gettext_lazy("Frågan mötet ska besvara"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=SHARED_HELP,
    )
    request_note = forms.CharField(
        label=gettext_lazy("Vad personen vill med mötet"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class InviteForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.none()
    )
    user = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    obliged = forms.BooleanField(
        label=gettext_lazy("Skyldig att delta: skicka en kallelse i stället för en inbjudan"),
        required=False,
    )
    need_to_know = forms.CharField(
        label=gettext_lazy("Det här behöver vi veta från er"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("Bara den inbjudna organisationen och ni själva ser det."),
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        candidates: list[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = OrganisationChoiceField(
            organisations=organisations,
            label=gettext_lazy("Organisation"),
            help_text=gettext_lazy(
                "En annan organisation än personens ansvariga kan bjudas in bara om personens "
                "samtycke omfattar den."
            ),
        )
        self.fields["user"] = _person_field(
            candidates,
            label=gettext_lazy("Person (valfritt)"),
            help_text=gettext_lazy(
                "Någon i personens team. Utan namn går inbjudan till organisationens personer "
                "i teamet, och finns ingen där, till organisationens mottagare av kallelser."
            ),
        )
        self.order_fields(["organisation", "user", "obliged", "need_to_know"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        user, organisation = cleaned.get("user"), cleaned.get("organisation")
        if (
            user is not None
            and organisation is not None
            and user.organisation_id != organisation.pk
        ):
            self.add_error(
                "user", _("%(name)s arbetar inte på %(org)s.") % {"name": user, "org": organisation}
            )
        return cleaned


class ScheduleForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Dag och tid"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Längd i minuter"),
        min_value=1,
        max_value=LONGEST_MEETING_MINUTES,
        initial=60,
        help_text=gettext_lazy("Högst 8 timmar (480 minuter)."),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Mötesform"),
        choices=Meeting.Mode.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Ett digitalt möte får ett eget videorum med en länk."),
    )
    place = forms.CharField(
        label=gettext_lazy("Plats (vid möte på plats)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "Ett mötesrum, till exempel ”Tyresö kommunhus, rum Ekorren”. Skriv aldrig "
            "personens adress."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_starts_at(self) -> Any:
        starts_at = self.cleaned_data["starts_at"]
        if starts_at <= timezone.now():
            raise ValidationError(_("Tiden har redan passerat. Välj en tid framåt."))
        if starts_at > timezone.now() + timedelta(days=2 * 365):
            raise ValidationError(_("Välj en tid inom två år."))
        return starts_at

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        place = cleaned.get("place", "").strip()
        cleaned["place"] = place
        if cleaned.get("mode") == Meeting.Mode.PHYSICAL and not place:
            self.add_error("place", _("Skriv var mötet hålls."))
        return cleaned


class AnswerForm(forms.Form):
    response = forms.ChoiceField(
        choices=[
            (Invitation.Response.ACCEPTED.value, Invitation.Response.ACCEPTED.label),
            (Invitation.Response.DECLINED.value, Invitation.Response.DECLINED.label),
        ]
    )


class FollowUpForm(forms.Form):
    question = forms.CharField(
        label=gettext_lazy("Vad ska följas upp?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=SHARED_HELP,
    )


PAST_DATE = gettext_lazy("Datumet har redan passerat. Välj i dag eller ett senare datum.")
YES_NO = [("yes", gettext_lazy("Ja")), ("no", gettext_lazy("Nej"))]


class MinutesForm(forms.Form):
    person_present = forms.ChoiceField(
        label=gettext_lazy("Var personen med?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    minutes = forms.CharField(
        label=gettext_lazy("Protokoll"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_MINUTES_LENGTH,
        required=False,
        help_text=gettext_lazy("Vad personen berättade, vad som sades och vad ni kom fram till."),
    )
    minutes_category = forms.ChoiceField(
        label=gettext_lazy("Vilken sorts uppgifter står i protokollet?"),
        choices=InformationCategory.choices,
        help_text=gettext_lazy(
            "Andra organisationer ser protokollet bara om personens samtycke omfattar den "
            "sortens uppgifter, som för berättelsen."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    goals = forms.CharField(
        label=gettext_lazy("Personens mål – med egna ord"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
        help_text=gettext_lazy(
            "Personen har ingen plan. Besluten blir en ny plan med de här målen."
        ),
    )
    follow_up_date = form_fields.DateField(
        label=gettext_lazy("När ska planen följas upp?"), widget=DATE_WIDGET, required=False
    )

    def __init__(
        self,
        *args: Any,
        invitations: list[Invitation],
        preparatory: bool,
        needs_plan: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.invitations = invitations
        self.needs_plan = needs_plan
        if preparatory:
            del self.fields["person_present"]
        if not needs_plan:
            del self.fields["goals"]
            del self.fields["follow_up_date"]
        for invitation in invitations:
            self.fields[f"attended_{invitation.pk}"] = forms.BooleanField(
                label=str(invitation), label_suffix="", required=False
            )

    def attendance_fields(self) -> list[forms.BoundField]:
        return [self[f"attended_{i.pk}"] for i in self.invitations]

    def clean_follow_up_date(self) -> date | None:
        value: date | None = self.cleaned_data.get("follow_up_date")
        if value is not None and value < timezone.localdate():
            raise ValidationError(
                _("Datumet har redan passerat. Välj i dag eller ett senare datum.")
            )
        return value

    def attended(self) -> dict[int, bool]:
        return {i.pk: bool(self.cleaned_data.get(f"attended_{i.pk}")) for i in self.invitations}

    def was_person_present(self) -> bool | None:
        value = self.cleaned_data.get("person_present")
        return None if value is None else value == "yes"


class ActivitySelect(forms.Select):
    """The activities to refer to, those the consent (or anything else) rules out now shown but
    not selectable, with the reason in their label."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused: dict[str, str] = {}

    def create_option(
        self,
        name: str,
        value: Any,
        label: Any,
        selected: Any,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        reason = self.refused.get(str(value))
        if reason:
            option["label"] = _("%(activity)s – går inte: %(reason)s") % {
                "activity": label,
                "reason": reason,
            }
            option["attrs"]["disabled"] = True
        return option


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Beslut: vad ska göras?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    need = forms.CharField(
        label=gettext_lazy("Behov (valfritt)"),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("Tomt: vilket möte som beslutade det, och när."),
    )
    responsible_organisation = forms.ModelChoiceField(
        label=gettext_lazy("Ansvarig organisation"), queryset=Organisation.objects.none()
    )
    responsible_person = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    due_date = form_fields.DateField(
        label=gettext_lazy("Klart senast"), widget=DATE_WIDGET, required=False
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Vilken sorts uppgift handlar beslutet om?"),
        choices=InformationCategory.choices,
        initial=InformationCategory.WORK_STUDIES,
    )
    activity = forms.ModelChoiceField(
        label=gettext_lazy("Remiss till en insats (valfritt)"),
        queryset=Activity.objects.none(),
        required=False,
        widget=ActivitySelect,
        help_text=gettext_lazy(
            "Välj en insats om mötet beslutade att remittera personen dit. Remissen skickas när "
            "protokollet sparas, och utföraren ser personens namn och beslutet, inget annat. "
            "Insatser som personens samtycke inte medger går inte att välja."
        ),
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        candidates: list[User],
        activities: QuerySet[Activity] | None = None,
        refused: dict[int, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        activity_field = self.fields["activity"]
        assert isinstance(activity_field, forms.ModelChoiceField)
        activity_field.queryset = activities if activities is not None else Activity.objects.none()
        self.refused = refused or {}
        assert isinstance(activity_field.widget, ActivitySelect)
        activity_field.widget.refused = {str(pk): reason for pk, reason in self.refused.items()}
        self.fields["responsible_organisation"] = OrganisationChoiceField(
            organisations=organisations, label=gettext_lazy("Ansvarig organisation")
        )
        self.fields["responsible_person"] = _person_field(
            candidates, label=gettext_lazy("Ansvarig person")
        )
        self.order_fields(
            ["text", "need", "responsible_organisation", "responsible_person", "due_date"]
        )

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Fyll i fältet."))
        return text

    def clean_due_date(self) -> date | None:
        value: date | None = self.cleaned_data.get("due_date")
        if value is not None and value < timezone.localdate():
            raise ValidationError(
                _("Datumet har redan passerat. Välj i dag eller ett senare datum.")
            )
        return value

    def clean_activity(self) -> Activity | None:
        """Refused here, while the minutes are still on the page, not when they are saved."""
        activity: Activity | None = self.cleaned_data.get("activity")
        if activity is not None and activity.pk in self.refused:
            raise ValidationError(self.refused[activity.pk])
        return activity


# Rows left empty are no decision.
DecisionFormSet = forms.formset_factory(DecisionForm, extra=3, max_num=10, validate_max=True)
