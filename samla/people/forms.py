from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samla import form_fields, idnumbers
from samla.accounts.models import Role, User
from samla.organisations.models import Association, Municipality, Organisation
from samla.people.actions import Identity
from samla.people.models import Consent, InformationCategory, Participant, Sex, TargetGroup


class IdNumberField(forms.CharField):
    """Personnummer, samordningsnummer or reserve number, cleaned to an ``IdNumber``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "help_text",
            gettext_lazy("ÅÅÅÅMMDD-NNNN. Samordningsnummer och reservnummer går också bra."),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> idnumbers.IdNumber | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return idnumbers.parse(text)
        except idnumbers.InvalidIdNumber as error:
            raise ValidationError(error.message, code="invalid_id_number") from error


def current_year() -> int:
    return timezone.localdate().year


class ParticipantDetailsForm(forms.ModelForm[Participant]):
    """What can be recorded about an identified person besides their identity."""

    class Meta:
        model = Participant
        fields = [
            "home_municipality",
            "target_groups",
            "protection",
            "interpreter_language",
            "sign_language",
            "accessibility_needs",
            "phone",
            "email",
            "street_address",
            "postal_code",
            "city",
        ]
        field_classes = {"target_groups": form_fields.ModelMultipleChoiceField}
        widgets = {
            "target_groups": forms.CheckboxSelectMultiple,
            "accessibility_needs": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, association: Association | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        target_groups = TargetGroup.objects.select_related("association")
        if association is not None:
            target_groups = target_groups.filter(association=association)
        self.fields["target_groups"].queryset = target_groups  # type: ignore[attr-defined]
        self.fields["home_municipality"].queryset = Municipality.objects.all()  # type: ignore[attr-defined]

    def clean_postal_code(self) -> str:
        code = "".join(self.cleaned_data["postal_code"].split())
        if code and not (len(code) == 5 and code.isdigit()):
            raise ValidationError(_("Postnumret ska vara fem siffror, till exempel 135 40."))
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        protected = cleaned.get("protection", Participant.Protection.NONE) != (
            Participant.Protection.NONE
        )
        if protected and any(cleaned.get(f) for f in ("street_address", "postal_code", "city")):
            raise ValidationError(
                _("Skriv ingen adress för en person med skyddade personuppgifter.")
            )
        return cleaned


class RegisterParticipantForm(ParticipantDetailsForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Registrering"),
        choices=Participant.Kind.choices,
        widget=forms.RadioSelect,
        initial=Participant.Kind.IDENTIFIED,
        help_text=gettext_lazy(
            "Anonym: bara kön och startår registreras. Används utan samtycke eller när "
            "personen vill vara anonym."
        ),
    )
    association = forms.ModelChoiceField(
        label=gettext_lazy("Samordningsförbund"), queryset=Association.objects.none()
    )
    id_number = IdNumberField(label=gettext_lazy("Personnummer"), required=False)
    first_name = forms.CharField(label=gettext_lazy("Förnamn"), max_length=100, required=False)
    last_name = forms.CharField(label=gettext_lazy("Efternamn"), max_length=100, required=False)
    sex = forms.ChoiceField(
        label=gettext_lazy("Kön"),
        choices=[("", gettext_lazy("Enligt personnumret")), *Sex.choices],
        required=False,
        help_text=gettext_lazy("Krävs för anonyma deltagare och vid reservnummer."),
    )
    start_year = forms.IntegerField(
        label=gettext_lazy("Startår"), min_value=1990, max_value=2200, initial=current_year
    )

    class Meta(ParticipantDetailsForm.Meta):
        fields = ParticipantDetailsForm.Meta.fields

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        associations = [
            a for a in user.associations() if user.has_role(Role.COORDINATOR, association=a)
        ]
        self.fields["association"].queryset = Association.objects.filter(  # type: ignore[attr-defined]
            pk__in=[a.pk for a in associations]
        )
        if len(associations) == 1:
            self.fields["association"].initial = associations[0]
        self.fields["target_groups"].queryset = TargetGroup.objects.filter(  # type: ignore[attr-defined]
            association__in=associations
        ).select_related("association")
        self.order_fields(
            ["kind", "association", "id_number", "first_name", "last_name", "sex", "start_year"]
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        anonymous = cleaned.get("kind") == Participant.Kind.ANONYMOUS
        number: idnumbers.IdNumber | None = cleaned.get("id_number")
        if anonymous:
            identifying = [
                name
                for name in (
                    "id_number",
                    "first_name",
                    "last_name",
                    "phone",
                    "email",
                    "street_address",
                    "postal_code",
                    "city",
                )
                if cleaned.get(name)
            ]
            for name in identifying:
                self.add_error(name, _("En anonym deltagare registreras utan identitet."))
            if not cleaned.get("sex"):
                self.add_error("sex", _("Ange kön för en anonym deltagare."))
        else:
            if number is None and "id_number" not in self.errors:
                self.add_error(
                    "id_number", _("Ange personnummer, samordningsnummer eller reservnummer.")
                )
            for name in ("first_name", "last_name"):
                if not cleaned.get(name, "").strip():
                    self.add_error(name, _("Fyll i namnet."))
            if number is not None and not cleaned.get("sex") and number.legal_sex is None:
                self.add_error("sex", _("Ange kön. Det går inte att läsa ut från reservnummer."))
        association = cleaned.get("association")
        groups = cleaned.get("target_groups") or []
        if association is not None and any(g.association_id != association.pk for g in groups):
            self.add_error("target_groups", _("Välj målgrupper från det valda förbundet."))
        return cleaned

    def registration(self) -> dict[str, Any]:
        """The cleaned form as the arguments of ``actions.register_participant``."""
        data = self.cleaned_data
        number: idnumbers.IdNumber | None = data["id_number"]
        identity = None
        if data["kind"] == Participant.Kind.IDENTIFIED and number is not None:
            identity = Identity(number, data["first_name"].strip(), data["last_name"].strip())
        return {
            "association": data["association"],
            "identity": identity,
            "sex": data["sex"] or (number and number.legal_sex) or Sex.OTHER,
            "start_year": data["start_year"],
            "target_groups": data["target_groups"],
            "details": {
                f: data[f] for f in ParticipantDetailsForm.Meta.fields if f != "target_groups"
            },
        }


class EditParticipantForm(ParticipantDetailsForm):
    first_name = forms.CharField(label=gettext_lazy("Förnamn"), max_length=100)
    last_name = forms.CharField(label=gettext_lazy("Efternamn"), max_length=100)
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta(ParticipantDetailsForm.Meta):
        fields = ["first_name", "last_name", *ParticipantDetailsForm.Meta.fields]


class LinkIdNumberForm(forms.Form):
    id_number = IdNumberField(label=gettext_lazy("Personnummer eller samordningsnummer"))


IN_MIN_SAMLA = "min_samla"


class ConsentForm(forms.Form):
    """A consent the person gave, or a draft for them to give in Min Samla: ``cleaned_data``
    then has ``draft`` True, and the form and giver of a consent given there (digital, by the
    person)."""

    organisations = form_fields.ModelMultipleChoiceField(
        label=gettext_lazy("Organisationer som får ta del av uppgifter"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    categories_included = forms.MultipleChoiceField(
        label=gettext_lazy("Uppgifter som får lämnas"),
        choices=InformationCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    categories_excluded = forms.MultipleChoiceField(
        label=gettext_lazy("Uppgifter som personen uttryckligen undantar"),
        choices=InformationCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    form = forms.ChoiceField(
        label=gettext_lazy("Hur lämnades samtycket?"),
        choices=[
            *Consent.Form.choices,
            (
                IN_MIN_SAMLA,
                gettext_lazy("Inte än: personen lämnar det själv med e-legitimation i Min Samla"),
            ),
        ],
        widget=forms.RadioSelect,
    )
    given_by = forms.ChoiceField(
        label=gettext_lazy("Vem lämnade samtycket?"),
        choices=Consent.GivenBy.choices,
        widget=forms.RadioSelect,
        initial=Consent.GivenBy.PERSON,
    )
    given_by_name = forms.CharField(
        label=gettext_lazy("Namn på vårdnadshavare eller ställföreträdare"),
        max_length=200,
        required=False,
    )
    legal_basis = forms.ChoiceField(
        label=gettext_lazy("Rättslig grund för behandlingen (dataskyddsförordningen)"),
        choices=Consent.LegalBasis.choices,
        initial=Consent.LegalBasis.PUBLIC_TASK,
        help_text=gettext_lazy(
            "Skilj från samtycket ovan. För myndigheter oftast allmänt intresse."
        ),
    )
    valid_from = form_fields.DateField(
        label=gettext_lazy("Gäller från"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = form_fields.DateField(
        label=gettext_lazy("Gäller till"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text=gettext_lazy("Lämna tomt om samtycket gäller tills det återkallas."),
    )
    note = forms.CharField(
        label=gettext_lazy("Anteckning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args: Any, participant: Participant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participant = participant
        today = timezone.localdate()
        self.fields["valid_from"].initial = today
        self.fields["valid_to"].initial = today + timedelta(days=365)
        self.fields["organisations"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.filter(
                pk__in=participant.association.organisation_ids(), is_active=True
            )
            .exclude(pk=participant.controlling_organisation_id)
            .exclude(kind=Organisation.Kind.ASSOCIATION)
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        valid_from, valid_to = cleaned.get("valid_from"), cleaned.get("valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            self.add_error("valid_to", _("Slutdatumet kan inte vara före startdatumet."))
        overlap = set(cleaned.get("categories_included", [])) & set(
            cleaned.get("categories_excluded", [])
        )
        if overlap:
            self.add_error(
                "categories_excluded",
                _("En uppgift kan inte både ingå och vara undantagen: %(names)s.")
                % {"names": ", ".join(str(InformationCategory(c).label) for c in sorted(overlap))},
            )
        cleaned["draft"] = cleaned.get("form") == IN_MIN_SAMLA
        if cleaned["draft"]:
            cleaned |= {
                "form": Consent.Form.DIGITAL,
                "given_by": Consent.GivenBy.PERSON,
                "given_by_name": "",
            }
            if self.participant.id_number_kind == idnumbers.IdNumberKind.RESERVE:
                self.add_error(
                    "form",
                    _(
                        "Personen behöver ett personnummer eller samordningsnummer för att "
                        "logga in i Min Samla."
                    ),
                )
        if (
            cleaned.get("given_by") not in (None, Consent.GivenBy.PERSON)
            and not cleaned.get("given_by_name", "").strip()
        ):
            self.add_error("given_by_name", _("Skriv namnet på den som lämnade samtycket."))
        return cleaned


class WithdrawConsentForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Skäl"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=gettext_lazy("Till exempel: personen återkallade samtycket muntligt i dag."),
    )


class OwnWithdrawalForm(forms.Form):
    """The person's reason for withdrawing or declining a consent in Min Samla: theirs to give
    or not (the record needs one, so a plain default stands in)."""

    reason = forms.CharField(
        label=gettext_lazy("Vill du berätta varför? (frivilligt)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )

    def reason_or(self, default: str) -> str:
        return self.cleaned_data["reason"].strip() or default


class AddTeamMemberForm(forms.Form):
    user = forms.ModelChoiceField(label=gettext_lazy("Person"), queryset=User.objects.none())
    role = forms.ChoiceField(
        label=gettext_lazy("Roll i teamet"),
        choices=[
            ("member", gettext_lazy("Teammedlem")),
            ("coordinator", gettext_lazy("Koordinator (ersätter nuvarande)")),
        ],
        initial="member",
    )

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = User.objects.filter(pk__in=[u.pk for u in candidates])  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: f"{u}, {u.organisation}"  # type: ignore[attr-defined]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Sök på namn eller personnummer"), max_length=100, required=False
    )
