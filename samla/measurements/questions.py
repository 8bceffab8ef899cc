"""Which of the association's own questions a measurement asks, in which wording, and how an
answer reads.

A measurement asks the association's active questions for its occasion, each in its latest
wording, except that a question already answered on this measurement keeps the wording the
answer was given under: the answer and the question it answers stay together.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from samla.measurements.models import Answer, LocalQuestion, Measurement, QuestionVersion

NOT_ANSWERED = ("", _("Inte besvarat"))
SCALE_CHOICES = [
    ("1", _("1 – Lägst")),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", _("5 – Högst")),
]
YES_NO_CHOICES = [("yes", _("Ja")), ("no", _("Nej"))]


@dataclass(frozen=True)
class Asked:
    """An own question as a form asks it: in the wording of ``version``."""

    question: LocalQuestion
    version: QuestionVersion

    @property
    def name(self) -> str:
        return f"answer_{self.question.pk}"


def with_versions() -> Prefetch[str]:
    """Prefetch a question's versions, latest first."""
    return Prefetch("versions", queryset=QuestionVersion.objects.order_by("-number"))


def asked_questions(
    association_id: int, occasion: str, measurement: Measurement | None
) -> list[Asked]:
    answered: dict[int, QuestionVersion] = {}
    if measurement is not None:
        answered = {
            answer.question_version.question_id: answer.question_version
            for answer in Answer.objects.filter(measurement=measurement).select_related(
                "question_version"
            )
        }
    questions = LocalQuestion.objects.filter(
        association_id=association_id, active=True
    ).prefetch_related(with_versions())
    asked = []
    for question in questions:
        versions = list(question.versions.all())
        if question.asked_at(occasion) and versions:
            asked.append(Asked(question=question, version=answered.get(question.pk, versions[0])))
    return asked


def shown_answer(kind: str, value: str) -> str:
    """A stored answer as people read it."""
    if kind == LocalQuestion.AnswerKind.TEXT:
        return value
    labels = dict(SCALE_CHOICES if kind == LocalQuestion.AnswerKind.SCALE else YES_NO_CHOICES)
    return str(labels.get(value, value))


def answers_shown(measurement: Measurement) -> list[tuple[str, str]]:
    """Each answer with the wording it was given under."""
    return [
        (
            answer.question_version.wording,
            shown_answer(answer.question_version.question.answer_kind, answer.value),
        )
        for answer in Answer.objects.filter(measurement=measurement)
        .select_related("question_version__question")
        .order_by("question_version__question_id")
    ]
