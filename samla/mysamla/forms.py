"""The person's own choices in Min Samla."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class NoticeForm(forms.Form):
    email = forms.EmailField(
        label=_("Din e-postadress"),
        required=False,
        max_length=254,
        help_text=_("Frivilligt. Den används bara till meddelandet nedan."),
    )
    on_person_news = forms.BooleanField(
        label=_("Skicka ett meddelande när det finns något nytt för mig i Samla"),
        required=False,
        help_text=_(
            'Meddelandet säger bara "Du har något nytt i Samla". Det står aldrig något om dig '
            "eller ditt stöd i det."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("on_person_news") and not data.get("email"):
            self.add_error("email", _("Skriv din e-postadress för att få meddelanden."))
        return data
