from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samla import idnumbers
from samla.accounts.access import assignable_roles, organisation_roles
from samla.accounts.actions import PROFILE_FIELDS, RoleChoice
from samla.accounts.models import RECEIVER_ROLES, Role, User
from samla.organisations.models import Association

_ORGANISATION = "org"
# SE, the organisation number of the HSA-id's issuer, and a local part: SE2321000016-ABC1.
_HSA_ID = re.compile(r"[A-Z]{2}[0-9]{10}-[0-9A-Z]{1,40}")


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Användarnamn"),
        max_length=1000,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Lösenord"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Kod"),
        help_text=_("Sex siffror från appen i din telefon."),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )

    def clean_otp_token(self) -> str:
        token = "".join(self.cleaned_data["otp_token"].split())
        if len(token) != 6 or not token.isascii() or not token.isdigit():
            raise forms.ValidationError(_("Skriv de sex siffrorna som appen visar."))
        return token


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in one fieldset per group, the group's name as its legend."""

    template_name = "accounts/widgets/grouped_checkboxes.html"

    def optgroups(
        self, name: str, value: list[Any], attrs: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        """Number the boxes straight through (id_roles_0, _1, ...), not per group, so the error
        summary's link to the first box finds it."""
        groups = super().optgroups(name, value, attrs)
        options = [option for _group, group_options, _index in groups for option in group_options]
        for number, option in enumerate(options):
            if option["attrs"].get("id"):
                option["attrs"]["id"] = self.id_for_label((attrs or {}).get("id", ""), str(number))
        return groups


def _role_value(role: Role, association: Association | None) -> str:
    return f"{association.pk if association else _ORGANISATION}:{role.value}"


class UserForm(forms.ModelForm[User]):
    """A user's details and roles, as their organisation's administrator sets them."""

    roles = forms.MultipleChoiceField(
        label=_("Roller"),
        required=False,
        widget=GroupedCheckboxes,
        help_text=_("Välj de roller användaren ska ha i varje samordningsförbund."),
    )
    # Declared rather than taken from the model: typed with a hyphen or spaces, a number is longer
    # than the 12 digits it is stored as.
    identity_number = forms.CharField(
        label=_("Personnummer (valfritt)"),
        required=False,
        max_length=20,
        help_text=_(
            "ÅÅÅÅMMDD-NNNN. Med det kan användaren logga in med e-legitimation i stället för "
            "lösenord och kod."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    hsa_id = forms.CharField(
        label=_("HSA-id (valfritt)"),
        required=False,
        max_length=80,
        help_text=_(
            "Till exempel SE2321000016-ABC1. Med det kan användaren logga in med SITHS-kort."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    class Meta:
        model = User
        fields = list(PROFILE_FIELDS)
        labels = {
            "username": _("Användarnamn"),
            "first_name": _("Förnamn"),
            "last_name": _("Efternamn"),
            "email": _("E-postadress"),
            "title": _("Befattning"),
            "phone": _("Telefon"),
        }
        help_texts = {
            "username": _("Det namn användaren loggar in med. Bokstäver, siffror och @.+-_."),
            "title": "",
        }
        widgets = {
            "username": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(
        self, *args: Any, admin: User, associations: Sequence[Association], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self._choices: dict[str, RoleChoice] = {}
        grouped: list[tuple[str, list[tuple[str, str]]]] = []
        for association in associations:
            self._add_group(
                grouped, str(association), assignable_roles(admin, association), association
            )
        self._add_group(grouped, str(_("Organisationen")), organisation_roles(), None)
        roles_field = self.fields["roles"]
        assert isinstance(roles_field, forms.MultipleChoiceField)
        roles_field.choices = grouped
        if self.instance.pk and not self.is_bound:
            self.initial["roles"] = [
                _role_value(Role(a.role), a.association)
                for a in self.instance.role_assignments.all()
            ]

    def _add_group(
        self,
        grouped: list[tuple[str, list[tuple[str, str]]]],
        legend: str,
        roles: Sequence[Role],
        association: Association | None,
    ) -> None:
        options = []
        for role in roles:
            value = _role_value(role, association)
            self._choices[value] = (role, association)
            options.append((value, str(role.label)))
        grouped.append((legend, options))

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        others = User.objects.filter(username__iexact=username).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Det användarnamnet är redan upptaget."))
        return username

    def clean_identity_number(self) -> str:
        """Personnummer or samordningsnummer, stored as its 12 digits: what e-ID delivers."""
        text: str = self.cleaned_data["identity_number"]
        if not text:
            return ""
        try:
            number = idnumbers.parse(text)
        except idnumbers.InvalidIdNumber as error:
            raise forms.ValidationError(error.message, code="invalid_id_number") from error
        if number.kind is idnumbers.IdNumberKind.RESERVE:
            raise forms.ValidationError(
                _(
                    "Ett reservnummer går inte att logga in med. Skriv personnummer eller "
                    "samordningsnummer."
                )
            )
        others = User.objects.filter(identity_number=number.value).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("En annan användare har redan det personnumret."))
        return number.value

    def clean_hsa_id(self) -> str:
        hsa_id = "".join(self.cleaned_data["hsa_id"].split()).upper()
        if not hsa_id:
            return ""
        if not _HSA_ID.fullmatch(hsa_id):
            raise forms.ValidationError(_("Ett HSA-id skrivs som SE2321000016-ABC1."))
        if User.objects.filter(hsa_id=hsa_id).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("En annan användare har redan det HSA-id:t."))
        return hsa_id

    def cleaned_roles(self) -> list[RoleChoice]:
        return [self._choices[value] for value in self.cleaned_data["roles"]]

    def profile(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class UserCreateForm(UserForm):
    """A new user: no password here. They choose their own through the one-time link the
    administrator is shown when the user is created."""


class UserEditForm(UserForm):
    version = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.edit_version()


class ReceiverForm(forms.Form):
    """Who receives the organisation's meeting invitations in an association: one person, or
    everyone with a role."""

    association = forms.ModelChoiceField(
        label=_("Samordningsförbund"), queryset=Association.objects.none()
    )
    user = forms.ModelChoiceField(
        label=_("En person"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Personen måste ha en roll i förbundet som ger tillgång till personuppgifter."),
    )
    role = forms.ChoiceField(
        label=_("eller alla med en roll"),
        choices=[("", "–"), *[(role.value, role.label) for role in RECEIVER_ROLES]],
        required=False,
    )

    def __init__(
        self, *args: Any, associations: Sequence[Association], users: Sequence[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        association_field = self.fields["association"]
        user_field = self.fields["user"]
        assert isinstance(association_field, forms.ModelChoiceField)
        assert isinstance(user_field, forms.ModelChoiceField)
        association_field.queryset = Association.objects.filter(pk__in=[a.pk for a in associations])
        user_field.queryset = User.objects.filter(pk__in=[u.pk for u in users])
        if len(associations) == 1 and not self.is_bound:
            self.initial["association"] = associations[0].pk

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("user") is None and not cleaned.get("role"):
            raise forms.ValidationError(_("Välj en person eller en roll."))
        if cleaned.get("user") is not None and cleaned.get("role"):
            raise forms.ValidationError(_("Välj antingen en person eller en roll, inte båda."))
        return cleaned
