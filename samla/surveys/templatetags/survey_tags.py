from __future__ import annotations

from datetime import date

from django import template

from samla.surveys.models import SurveyRound

register = template.Library()


@register.filter
def status_on(survey_round: SurveyRound, day: date) -> str:
    """The round's status on ``day``, as people read it."""
    return str(survey_round.status(day).label)


@register.filter
def is_closed_on(survey_round: SurveyRound, day: date) -> bool:
    return survey_round.results_ready(day)
