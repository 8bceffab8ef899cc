"""Questionnaires, rounds and answers for the tests, built through the actions around the shared
cast: Olle keeps Östra Södertörn's questionnaires, Bodil reads the results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta

from django.utils import timezone

from samla.accounts.models import User
from samla.activities.models import Activity
from samla.organisations.models import Association
from samla.people.tests.cast import Cast
from samla.surveys import actions
from samla.surveys.actions import QuestionSpec
from samla.surveys.models import (
    AnswerValue,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    SurveyRound,
)

EXIT_QUESTIONS = (
    QuestionSpec("Jag har blivit bemött med respekt."),
    QuestionSpec("Jag mår bättre nu än när jag började.", low_anchor="Nej", high_anchor="Ja"),
    QuestionSpec("Jag skulle rekommendera insatsen.", kind=Question.Kind.YES_NO, required=False),
)


def draft(
    association: Association,
    actor: User,
    *,
    name: str = "Vad tyckte du om insatsen?",
    group: str = Questionnaire.Group.PARTICIPANT_EXIT,
    questions: Sequence[QuestionSpec] = EXIT_QUESTIONS,
) -> QuestionnaireVersion:
    questionnaire = actions.create_questionnaire(association, actor=actor, group=group, name=name)
    version = questionnaire.versions.get()
    return actions.save_draft(version, actor=actor, introduction="", questions=questions)


def published(association: Association, actor: User, **kwargs: object) -> QuestionnaireVersion:
    return actions.publish_version(draft(association, actor, **kwargs), actor=actor)  # type: ignore[arg-type]


def exit_survey(cast: Cast) -> QuestionnaireVersion:
    """Östra Södertörn's exit questionnaire, version 1 published."""
    return published(cast.association, cast.olle)


def open_round(
    version: QuestionnaireVersion, actor: User, *, activity: Activity | None = None
) -> SurveyRound:
    today = timezone.localdate()
    return actions.open_round(
        version,
        actor=actor,
        activity=activity,
        year=today.year,
        opens_on=today,
        closes_on=today + timedelta(days=30),
    )


def questions_of(version: QuestionnaireVersion) -> list[Question]:
    return list(version.questions.order_by("order"))


def add_responses(survey_round: SurveyRound, answers: Iterable[Mapping[int, int]]) -> None:
    """Answers as a respondent gives them, by question order (1, 2, ...) to value. Written
    directly, so that they can go into a round that is not open."""
    by_order = {q.order: q for q in survey_round.version.questions.all()}
    for given in answers:
        response = Response.objects.create(round=survey_round)
        AnswerValue.objects.bulk_create(
            AnswerValue(response=response, question=by_order[order], value=value)
            for order, value in given.items()
        )


def closed_round(
    version: QuestionnaireVersion,
    actor: User,
    answers: Iterable[Mapping[int, int]],
    *,
    activity: Activity | None = None,
) -> SurveyRound:
    """A round with these answers, closed so that its results can be read."""
    survey_round = open_round(version, actor, activity=activity)
    add_responses(survey_round, answers)
    return actions.close_round(survey_round, actor=actor)
