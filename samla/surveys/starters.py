"""Suggested questions for a new questionnaire, per respondent group.

A new questionnaire's first draft starts from these so that the office edits rather than writes
from nothing; nothing is asked until the office has read them and published the version. They are
in plain Swedish, first person, one statement each, answered on the standard agree scale unless
they say otherwise. The participants' questions follow the association's usual targets (seed 003:
feeling better, being closer to work or studies).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samla.surveys.models import Question, Questionnaire

RECOMMEND = _("Jag skulle rekommendera insatsen till någon i samma situation som jag.")

_STARTERS: dict[str, tuple[tuple[Promise, str], ...]] = {
    Questionnaire.Group.PARTICIPANT_ONGOING: (
        (_("Jag blir bemött med respekt."), Question.Kind.SCALE),
        (_("Jag får vara med och bestämma om mitt stöd."), Question.Kind.SCALE),
        (_("Jag vet vad nästa steg är för mig."), Question.Kind.SCALE),
        (RECOMMEND, Question.Kind.YES_NO),
    ),
    Questionnaire.Group.PARTICIPANT_EXIT: (
        (_("Jag har blivit bemött med respekt."), Question.Kind.SCALE),
        (_("Jag har fått vara med och bestämma om mitt stöd."), Question.Kind.SCALE),
        (_("Jag mår bättre nu än när jag började."), Question.Kind.SCALE),
        (_("Jag är närmare arbete eller studier nu än när jag började."), Question.Kind.SCALE),
        (RECOMMEND, Question.Kind.YES_NO),
    ),
    Questionnaire.Group.ACTIVITY_STAFF: (
        (_("Samverkan med de andra parterna fungerar bra i mitt arbete."), Question.Kind.SCALE),
        (_("Jag vet vem jag ska kontakta hos de andra parterna."), Question.Kind.SCALE),
        (_("Insatsen gör skillnad för deltagarna."), Question.Kind.SCALE),
    ),
    Questionnaire.Group.BOARD: (
        (
            _("Styrelsen får det underlag den behöver för att följa upp insatserna."),
            Question.Kind.SCALE,
        ),
        (
            _("Förbundets insatser leder till bättre samverkan mellan parterna."),
            Question.Kind.SCALE,
        ),
        (_("Jag känner till förbundets mål för året."), Question.Kind.YES_NO),
    ),
    Questionnaire.Group.MANAGER: (
        (_("Förbundets insatser är till nytta för min verksamhet."), Question.Kind.SCALE),
        (
            _("Samverkan med de andra parterna har blivit bättre genom förbundet."),
            Question.Kind.SCALE,
        ),
        (_("Min personal har tid att delta i samverkan."), Question.Kind.SCALE),
    ),
    Questionnaire.Group.REFERRER: (
        (_("Det är enkelt att remittera till förbundets insatser."), Question.Kind.SCALE),
        (_("Jag får veta hur det går för den jag har remitterat."), Question.Kind.SCALE),
        (_("Insatserna passar de personer jag möter."), Question.Kind.SCALE),
    ),
}


def starter_questions(group: str) -> list[tuple[str, str]]:
    """(wording, kind) of each suggested question, in the order they are asked."""
    return [(str(wording), kind) for wording, kind in _STARTERS[group]]
