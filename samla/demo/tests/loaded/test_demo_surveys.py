"""The demo's questionnaires (samla/demo/surveys.py): Mia Vidare's exit questionnaire with results
to read and a reworded version open for answers, and a board round with too few answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from samla.accounts.models import User
from samla.demo.surveys import BOARD_NAME, EXIT_NAME, REWORDED
from samla.surveys.models import Questionnaire, Response, SurveyRound

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_exit_results_show_and_the_board_round_has_too_few_answers(
    client: Client, settings: Any
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    exit_survey = Questionnaire.objects.get(name=EXIT_NAME)
    first, second = exit_survey.versions.order_by("number")
    old, new = REWORDED
    assert old in set(first.questions.values_list("wording", flat=True))
    assert new in set(second.questions.values_list("wording", flat=True))
    assert first.is_published and second.is_published
    asked = SurveyRound.objects.get(version=first)
    assert asked.activity is not None and asked.activity.name == "Mia Vidare"
    assert Response.objects.filter(round=asked).count() >= 30
    now_open = SurveyRound.objects.get(version=second)
    assert now_open.is_open(timezone.localdate())

    client.force_login(User.objects.get(username="styrelse.sodertorn"))
    page = client.get(f"/enkater/omgangar/{asked.pk}/resultat/").content.decode()
    assert "statistics-table" in page and "För få svar" not in page
    assert client.get(f"/enkat/{now_open.token}/").status_code == 200

    board_round = SurveyRound.objects.get(version__questionnaire__name=BOARD_NAME)
    assert board_round.responses.count() == 3
    page = client.get(f"/enkater/omgangar/{board_round.pk}/resultat/").content.decode()
    assert "För få svar för att visa resultat (färre än 5)." in page
