from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samla.people.models import InformationCategory, Participant
from samla.stories.models import (
    DEFAULT_CATEGORY,
    KIND_ORDER,
    MAX_SECTION_LENGTH,
    MAX_SUGGESTION_LENGTH,
    SectionContent,
    StorySection,
    StorySuggestion,
    StoryVersion,
)

Kind = StorySection.Kind

SECTION_HELP = {
    Kind.LIFE_SITUATION: gettext_lazy("Boende, familj och vardag, med personens egna ord."),
    Kind.WHAT_MATTERS: gettext_lazy("Det som personen själv tycker är viktigast just nu."),
    Kind.NEEDS: gettext_lazy("Det som personen vill ha stöd med."),
    Kind.STRENGTHS: gettext_lazy("Det som personen kan, har gjort och tycker om att göra."),
    Kind.NOT_SHARED: gettext_lazy(
        "Syns bara för er i den ansvariga organisationen, aldrig för andra i teamet."
    ),
}
CATEGORY_CHOICES = [("", gettext_lazy("Bara vår organisation")), *InformationCategory.choices]


def category_field(kind: StorySection.Kind) -> str:
    return f"{kind}_category"


class StoryForm(forms.Form):
    """All sections of the story at once, each with what it counts as, and the version the
    writer started from."""

    written = forms.ChoiceField(
        label=gettext_lazy("Hur kom texten till?"),
        choices=StoryVersion.Written.choices,
        widget=forms.RadioSelect,
        initial=StoryVersion.Written.WITH_PERSON,
    )
    note = forms.CharField(
        label=gettext_lazy("Anteckning om den här versionen"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
        help_text=gettext_lazy(
            "Till exempel vad som ändrades och varför. Syns bara för din organisation."
        ),
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in KIND_ORDER:
            self.fields[kind] = forms.CharField(
                label=kind.label,
                label_suffix="",  # the headings are the person's words, some of them questions
                widget=forms.Textarea(attrs={"rows": 5}),
                max_length=MAX_SECTION_LENGTH,
                required=False,
                help_text=SECTION_HELP[kind],
            )
            if kind != Kind.NOT_SHARED:
                self.fields[category_field(kind)] = forms.ChoiceField(
                    label=_("Vem får läsa det? ”%(section)s” räknas som") % {"section": kind.label},
                    choices=CATEGORY_CHOICES,
                    initial=DEFAULT_CATEGORY[kind],
                    required=False,
                    help_text=gettext_lazy(
                        "Andra organisationer i teamet ser avsnittet bara om personens "
                        "samtycke omfattar den här sortens uppgifter."
                    ),
                )
        self.order_fields(["written", *(name for name in self.fields if name != "note"), "note"])

    @staticmethod
    def initial_for(version: StoryVersion | None) -> dict[str, Any]:
        """The form's starting point: the latest version's sections, or an empty story."""
        if version is None:
            return {"base_version": 0}
        initial: dict[str, Any] = {"base_version": version.number, "written": version.written}
        return initial | StoryForm.data_for(version.contents())

    @staticmethod
    def initial_taking_in(
        version: StoryVersion | None, suggestion: StorySuggestion
    ) -> dict[str, Any]:
        """The form with the person's suggestion in its section (their text replaces the
        section's: they started from it). Something new is left for the writer to place."""
        initial = StoryForm.initial_for(version)
        initial["note"] = _("Personens förslag från Min Samla.")
        if suggestion.kind:
            initial[suggestion.kind] = suggestion.text
        return initial

    @staticmethod
    def data_for(sections: dict[str, SectionContent]) -> dict[str, str]:
        data: dict[str, str] = {}
        for kind in KIND_ORDER:
            content = sections.get(kind)
            data[kind] = content.text if content else ""
            if kind != Kind.NOT_SHARED:
                data[category_field(kind)] = content.category if content else DEFAULT_CATEGORY[kind]
        return data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(kind) for kind in KIND_ORDER) and not self.errors:
            raise ValidationError(_("Skriv minst ett avsnitt innan du sparar."))
        return cleaned

    def sections(self) -> dict[str, SectionContent]:
        """The sections with text, as the form has them."""
        data = self.cleaned_data
        return {
            kind: SectionContent(data[kind], data.get(category_field(kind), ""))
            for kind in KIND_ORDER
            if data.get(kind)
        }


def _suggestion_text(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_SUGGESTION_LENGTH,
        error_messages={
            "required": gettext_lazy("Skriv något innan du skickar."),
            "max_length": gettext_lazy(
                "Texten får vara högst %(limit_value)d tecken. Nu är den %(show_value)d."
            ),
            "null_characters_not_allowed": gettext_lazy(
                "Texten innehåller ett tecken som inte går att spara. Ta bort det och försök igen."
            ),
        },
    )


class RecordField(forms.ModelChoiceField[Participant]):
    """One of the person's records, named by its organisation."""

    def label_from_instance(self, obj: Participant) -> str:
        return str(obj.controlling_organisation)


class SuggestionForm(forms.Form):
    """The person's suggestion in Min Samla: which of their records (when they have more than
    one), which section, and their own words."""

    record = RecordField(
        label=gettext_lazy("Vilken organisation gäller det?"),
        queryset=Participant.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Välj en av organisationerna."),
            "invalid_choice": gettext_lazy("Välj en av organisationerna."),
        },
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Vilken del av berättelsen gäller det?"),
        choices=[*StorySection.Kind.choices, ("", gettext_lazy("Något nytt"))],
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Välj en del av berättelsen.")},
    )

    def __init__(self, *args: Any, records: QuerySet[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"] = _suggestion_text(_("Din text"))
        self.fields["text"].help_text = _(
            "Skriv med dina egna ord. Din koordinator läser det och lägger in det i berättelsen "
            "eller svarar dig."
        )
        record = self.fields["record"]
        assert isinstance(record, RecordField)
        record.queryset = records
        if len(records) == 1:
            record.widget = forms.HiddenInput()


class AnswerForm(forms.Form):
    """The coordinator's answer to a suggestion, without changing the story."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"] = _suggestion_text(_("Ditt svar till personen"))
        self.fields["answer"].help_text = _(
            "Personen läser svaret i Min Samla. Skriv kort och enkelt, i du-form."
        )
