from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from samla import form_fields
from samla.activities.models import Activity
from samla.organisations.models import Association
from samla.surveys.actions import QuestionSpec
from samla.surveys.models import Question, Questionnaire, QuestionnaireVersion, SurveyRound

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AssociationField(forms.ModelChoiceField[Association]):
    """Hidden when the user keeps one association's questionnaires, a choice when several."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=gettext_lazy("Samordningsförbund"), queryset=Association.objects.none(), **kwargs
        )

    def limit_to(self, associations: list[Association]) -> None:
        self.queryset = Association.objects.filter(pk__in=[a.pk for a in associations])
        if len(associations) == 1:
            self.initial = associations[0].pk
            self.widget = forms.HiddenInput()


class QuestionnaireForm(forms.Form):
    association = AssociationField()
    name = forms.CharField(
        label=gettext_lazy("Namn"),
        max_length=200,
        help_text=gettext_lazy(
            "Till exempel ”Vad tyckte du om Mia Vidare?”. Syns för den som svarar."
        ),
    )
    group = forms.ChoiceField(
        label=gettext_lazy("Vem svarar?"),
        choices=Questionnaire.Group.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Enkäten börjar med några föreslagna frågor för gruppen. Du ändrar dem innan du "
            "publicerar."
        ),
    )

    def __init__(self, *args: Any, associations: list[Association], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["association"]
        assert isinstance(field, AssociationField)
        field.limit_to(associations)


class IntroductionForm(forms.Form):
    introduction = forms.CharField(
        label=gettext_lazy("Inledning"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Visas överst i enkäten. Skriv kort och enkelt, till exempel varför ni frågar."
        ),
    )


class QuestionForm(forms.Form):
    wording = forms.CharField(label=gettext_lazy("Fråga eller påstående"), max_length=500)
    kind = forms.ChoiceField(
        label=gettext_lazy("Svarssätt"),
        choices=Question.Kind.choices,
        initial=Question.Kind.SCALE,
    )
    low_anchor = forms.CharField(
        label=gettext_lazy("Text vid 1"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Bara för skala. Tomt betyder ”Instämmer inte alls”."),
    )
    high_anchor = forms.CharField(
        label=gettext_lazy("Text vid 5"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Bara för skala. Tomt betyder ”Instämmer helt”."),
    )
    required = forms.BooleanField(
        label=gettext_lazy("Måste besvaras"), required=False, initial=True
    )

    def spec(self) -> QuestionSpec:
        data = self.cleaned_data
        return QuestionSpec(
            wording=data["wording"],
            kind=data["kind"],
            low_anchor=data["low_anchor"],
            high_anchor=data["high_anchor"],
            required=data["required"],
        )


class BaseQuestionFormSet(forms.BaseFormSet[QuestionForm]):
    def add_fields(self, form: QuestionForm, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = gettext_lazy("Ta bort frågan")

    def specs(self) -> list[QuestionSpec]:
        """The questions in the order shown, leaving out blank and removed rows."""
        return [
            form.spec()
            for form in self.forms
            if form.cleaned_data.get("wording") and not form.cleaned_data.get("DELETE")
        ]


QuestionFormSet = cast(
    type[BaseQuestionFormSet],
    forms.formset_factory(
        QuestionForm, formset=BaseQuestionFormSet, extra=2, can_delete=True, max_num=40
    ),
)


def question_initial(version: QuestionnaireVersion) -> list[dict[str, Any]]:
    return [
        {
            "wording": q.wording,
            "kind": q.kind,
            "low_anchor": q.low_anchor,
            "high_anchor": q.high_anchor,
            "required": q.required,
        }
        for q in version.questions.order_by("order")
    ]


class VersionChoiceField(forms.ModelChoiceField[QuestionnaireVersion]):
    def label_from_instance(self, obj: QuestionnaireVersion) -> str:
        return f"{obj.questionnaire.name}, version {obj.number} ({obj.questionnaire.association})"


class ActivityChoiceField(forms.ModelChoiceField[Activity]):
    def label_from_instance(self, obj: Activity) -> str:
        return f"{obj.name} ({obj.association})"


class RoundForm(forms.Form):
    version = VersionChoiceField(
        label=gettext_lazy("Enkät"),
        queryset=QuestionnaireVersion.objects.none(),
        help_text=gettext_lazy("Bara publicerade versioner kan användas."),
    )
    activity = ActivityChoiceField(
        label=gettext_lazy("Insats"),
        queryset=Activity.objects.none(),
        required=False,
        empty_label=gettext_lazy("Ingen särskild insats"),
        help_text=gettext_lazy("Välj en insats om enkäten gäller den."),
    )
    year = forms.IntegerField(
        label=gettext_lazy("År som resultaten räknas till"), min_value=2000, max_value=2100
    )
    opens_on = form_fields.DateField(label=gettext_lazy("Öppnar"), widget=DATE_WIDGET)
    closes_on = form_fields.DateField(
        label=gettext_lazy("Sista svarsdag"),
        widget=DATE_WIDGET,
        help_text=gettext_lazy("Resultaten visas när omgången har stängt."),
    )

    def __init__(self, *args: Any, associations: list[Association], **kwargs: Any) -> None:
        today = timezone.localdate()
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("year", today.year)
        initial.setdefault("opens_on", today)
        initial.setdefault("closes_on", today + timedelta(days=30))
        super().__init__(*args, **kwargs)
        ids = [a.pk for a in associations]
        self.fields["version"].queryset = (  # type: ignore[attr-defined]
            QuestionnaireVersion.objects.filter(
                questionnaire__association_id__in=ids, published_at__isnull=False
            )
            .select_related("questionnaire__association")
            .order_by("questionnaire__name", "-number")
        )
        self.fields["activity"].queryset = (  # type: ignore[attr-defined]
            Activity.objects.filter(association_id__in=ids)
            .select_related("association")
            .order_by("name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error(
                "closes_on",
                gettext_lazy("Sista svarsdagen kan inte vara före den dag enkäten öppnar."),
            )
        return data


class ResultFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("År"), coerce=int, required=False, empty_value=None
    )
    activity = forms.TypedChoiceField(
        label=gettext_lazy("Insats"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, rounds: list[SurveyRound], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = sorted({r.year for r in rounds}, reverse=True)
        activities = sorted(
            {(r.activity_id, r.activity.name) for r in rounds if r.activity is not None},
            key=lambda pair: pair[1],
        )
        all_label = gettext_lazy("Alla")
        self.fields["year"].choices = [("", all_label), *((y, str(y)) for y in years)]  # type: ignore[attr-defined]
        self.fields["activity"].choices = [("", all_label), *activities]  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    """One field per question of the round's version, in plain Swedish."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=f"{number}. {question.wording}",
                choices=question.choices(),
                coerce=int,
                empty_value=None,
                required=question.required,
                widget=forms.RadioSelect,
                help_text="" if question.required else gettext_lazy("Du kan hoppa över frågan."),
                error_messages={
                    "required": gettext_lazy("Välj ett svar på frågan."),
                    "invalid_choice": gettext_lazy("Välj ett av svaren."),
                },
            )

    def answers(self) -> dict[int, int | None]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}
