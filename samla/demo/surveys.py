"""Anonymous questionnaires for the demo, in Östra Södertörn, made by its office login through
``samla.surveys.actions`` so that every rule and audit row holds:

- "Vad tyckte du om Mia Vidare?" for participants at exit. Version 1 was asked in a round for Mia
  Vidare this year, which about thirty people answered and which is closed, so its results show.
  Version 2 rewords one question; its round is open now, so the demo's link can be answered.
- "Styrelsens uppföljning" for the board: a closed round with three answers, so its results say
  "för få svar" instead of showing figures.

The answers are invented, drawn with a fixed seed, leaning positive as such answers do.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from django.utils import timezone

from samla.accounts.models import User
from samla.activities.models import Activity
from samla.demo.activities import MIA_VIDARE
from samla.demo.logins import OSTRA_SODERTORN
from samla.organisations.models import Association
from samla.surveys import actions
from samla.surveys.actions import QuestionSpec
from samla.surveys.models import Question, Questionnaire, QuestionnaireVersion, SurveyRound

OFFICE_LOGIN = "kansli.sodertorn"
EXIT_NAME = "Vad tyckte du om Mia Vidare?"
BOARD_NAME = "Styrelsens uppföljning"
REWORDED = (
    "Jag mår bättre nu än när jag började.",
    "Jag mår bättre nu än när jag började på Mia Vidare.",
)
EXIT_INTRODUCTION = (
    "Du har varit med i Mia Vidare. Nu vill vi veta vad du tycker, så att insatsen kan bli "
    "bättre för dem som kommer efter dig."
)
EXIT_RESPONSES = 31
BOARD_RESPONSES = 3
# How often each step 1–5 is drawn, and how often yes: most are content, a few are not.
SCALE_WEIGHTS = (1, 2, 5, 11, 12)
YES_SHARE = 0.85


def build_surveys(*, today: date) -> Counter[str]:
    rng = random.Random(20260401)
    counts: Counter[str] = Counter()
    association = Association.objects.get(short_name=OSTRA_SODERTORN)
    office = User.objects.get(username=OFFICE_LOGIN)
    mia = Activity.objects.get(name=MIA_VIDARE)
    opened = max(date(today.year, 1, 1), today - timedelta(days=75))

    first = _published(
        association, office, Questionnaire.Group.PARTICIPANT_EXIT, EXIT_NAME, EXIT_INTRODUCTION
    )
    asked = _round(first, office, activity=mia, opens_on=opened, closes_on=today)
    counts["survey_responses"] += _answer(asked, EXIT_RESPONSES, rng)
    actions.close_round(asked, actor=office)

    second = actions.start_new_version(first.questionnaire, actor=office)
    old, new = REWORDED
    actions.save_draft(
        second,
        actor=office,
        introduction=second.introduction,
        questions=[
            QuestionSpec(
                wording=new if q.wording == old else q.wording,
                kind=q.kind,
                low_anchor=q.low_anchor,
                high_anchor=q.high_anchor,
                required=q.required,
            )
            for q in second.questions.order_by("order")
        ],
    )
    second = actions.publish_version(second, actor=office)
    _round(second, office, activity=mia, opens_on=today, closes_on=today + timedelta(days=60))

    board = _published(association, office, Questionnaire.Group.BOARD, BOARD_NAME, "")
    board_round = _round(board, office, activity=None, opens_on=opened, closes_on=today)
    counts["survey_responses"] += _answer(board_round, BOARD_RESPONSES, rng)
    actions.close_round(board_round, actor=office)

    counts["questionnaires"] += 2
    counts["survey_rounds"] += 3
    return counts


def _published(
    association: Association, office: User, group: str, name: str, introduction: str
) -> QuestionnaireVersion:
    """A questionnaire with the group's suggested questions, published as they are."""
    questionnaire = actions.create_questionnaire(association, actor=office, group=group, name=name)
    version = questionnaire.versions.get()
    if introduction:
        questions = version.questions.order_by("order")
        specs = [QuestionSpec(wording=q.wording, kind=q.kind) for q in questions]
        version = actions.save_draft(
            version, actor=office, introduction=introduction, questions=specs
        )
    return actions.publish_version(version, actor=office)


def _round(
    version: QuestionnaireVersion,
    office: User,
    *,
    activity: Activity | None,
    opens_on: date,
    closes_on: date,
) -> SurveyRound:
    # The demo's day is the clock's when the load began; a load that runs past midnight opens its
    # rounds to the clock's day at least, as open_round checks against it.
    closes_on = max(closes_on, timezone.localdate())
    return actions.open_round(
        version,
        actor=office,
        activity=activity,
        year=closes_on.year,
        opens_on=opens_on,
        closes_on=closes_on,
    )


def _answer(survey_round: SurveyRound, how_many: int, rng: random.Random) -> int:
    """Answers through the same action as the answering page (the round is open today)."""
    questions = list(survey_round.version.questions.all())
    for _ in range(how_many):
        answers: dict[int, int | None] = {}
        for question in questions:
            if question.kind == Question.Kind.SCALE:
                answers[question.pk] = rng.choices(range(1, 6), weights=SCALE_WEIGHTS)[0]
            else:
                answers[question.pk] = 1 if rng.random() < YES_SHARE else 0
        actions.submit_response(survey_round, answers=answers)
    return how_many
