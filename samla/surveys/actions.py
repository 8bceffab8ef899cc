"""Writes to the association's questionnaires. The office's writes are each one transaction with
their audit row (no participant: a questionnaire is not person data).

A response is the exception: it is written with no audit row, because an audit row carries the
moment it was written and who wrote it, which is exactly what an anonymous answer must not have.

Each refusal is a ``ValidationError`` in Swedish, keyed by the form field it concerns where there
is one, and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samla.accounts.models import Role, User
from samla.activities.models import Activity
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.organisations.models import Association
from samla.surveys.models import (
    AnswerValue,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    SurveyRound,
)
from samla.surveys.starters import starter_questions


@dataclass(frozen=True)
class QuestionSpec:
    """A question as the office writes it, before it belongs to a version."""

    wording: str
    kind: str = Question.Kind.SCALE
    low_anchor: str = ""
    high_anchor: str = ""
    required: bool = True


def _audit(actor: User, action: AuditEvent.Action, obj: models.Model, summary: str) -> None:
    record(actor=actor, action=action, obj=obj, role=Role.ASSOCIATION_OFFICE, summary=summary)


@transaction.atomic
def create_questionnaire(
    association: Association, *, actor: User, group: str, name: str
) -> Questionnaire:
    """The questionnaire and its first draft, which starts from the group's suggested questions."""
    questionnaire = Questionnaire.objects.create(
        association=association, group=group, name=name, created_by=actor
    )
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=1, created_by=actor
    )
    _add_questions(
        version,
        [QuestionSpec(wording=wording, kind=kind) for wording, kind in starter_questions(group)],
    )
    _audit(actor, AuditEvent.Action.CREATE, questionnaire, "Enkät skapad")
    return questionnaire


def _add_questions(version: QuestionnaireVersion, questions: Sequence[QuestionSpec]) -> None:
    for order, spec in enumerate(questions, start=1):
        Question.objects.create(
            version=version,
            order=order,
            wording=spec.wording,
            kind=spec.kind,
            low_anchor=spec.low_anchor if spec.kind == Question.Kind.SCALE else "",
            high_anchor=spec.high_anchor if spec.kind == Question.Kind.SCALE else "",
            required=spec.required,
        )


def _locked_draft(version: QuestionnaireVersion) -> QuestionnaireVersion:
    locked = QuestionnaireVersion.objects.select_for_update().get(pk=version.pk)
    if locked.is_published:
        raise ValidationError(
            _(
                "Versionen är publicerad och kan inte ändras. Gör en ny version om "
                "formuleringen ska ändras."
            )
        )
    return locked


@transaction.atomic
def save_draft(
    version: QuestionnaireVersion,
    *,
    actor: User,
    introduction: str,
    questions: Sequence[QuestionSpec],
) -> QuestionnaireVersion:
    """Replace a draft's introduction and questions; refused once the version is published."""
    locked = _locked_draft(version)
    if not questions:
        raise ValidationError(_("Enkäten behöver minst en fråga."))
    locked.introduction = introduction
    locked.save(update_fields=["introduction"])
    for question in locked.questions.all():
        question.delete()
    _add_questions(locked, questions)
    _audit(actor, AuditEvent.Action.UPDATE, locked, f"Enkät: utkast till version {locked.number}")
    return locked


@transaction.atomic
def publish_version(version: QuestionnaireVersion, *, actor: User) -> QuestionnaireVersion:
    """From now on the version's wording is fixed, and rounds can be opened with it."""
    locked = _locked_draft(version)
    if not locked.questions.exists():
        raise ValidationError(_("Lägg till minst en fråga innan du publicerar."))
    locked.published_at = timezone.now()
    locked.published_by = actor
    locked.save(update_fields=["published_at", "published_by"])
    _audit(actor, AuditEvent.Action.UPDATE, locked, f"Enkät: version {locked.number} publicerad")
    return locked


@transaction.atomic
def start_new_version(questionnaire: Questionnaire, *, actor: User) -> QuestionnaireVersion:
    """A draft copied from the latest version, for new wording; the draft if there is one."""
    locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    draft = locked.versions.filter(published_at__isnull=True).first()
    if draft is not None:
        return draft
    latest = locked.versions.order_by("-number").first()
    number = (locked.versions.aggregate(latest=Max("number"))["latest"] or 0) + 1
    version = QuestionnaireVersion.objects.create(
        questionnaire=locked,
        number=number,
        introduction=latest.introduction if latest else "",
        created_by=actor,
    )
    if latest is not None:
        _add_questions(
            version,
            [
                QuestionSpec(
                    wording=q.wording,
                    kind=q.kind,
                    low_anchor=q.low_anchor,
                    high_anchor=q.high_anchor,
                    required=q.required,
                )
                for q in latest.questions.order_by("order")
            ],
        )
    _audit(actor, AuditEvent.Action.CREATE, version, f"Enkät: utkast till version {number}")
    return version


@transaction.atomic
def open_round(
    version: QuestionnaireVersion,
    *,
    actor: User,
    activity: Activity | None,
    year: int,
    opens_on: date,
    closes_on: date,
) -> SurveyRound:
    association_id = version.questionnaire.association_id
    errors: dict[str, str] = {}
    if not version.is_published:
        errors["version"] = _("Publicera versionen innan du öppnar en omgång med den.")
    if activity is not None and activity.association_id != association_id:
        errors["activity"] = _("Insatsen hör till ett annat samordningsförbund än enkäten.")
    if closes_on < opens_on:
        errors["closes_on"] = _("Sista svarsdagen kan inte vara före den dag enkäten öppnar.")
    if closes_on < timezone.localdate():
        errors.setdefault("closes_on", _("Sista svarsdagen har redan varit."))
    if errors:
        raise ValidationError(errors)
    survey_round = SurveyRound.objects.create(
        association_id=association_id,
        version=version,
        activity=activity,
        year=year,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=actor,
    )
    _audit(actor, AuditEvent.Action.CREATE, survey_round, "Enkätomgång öppnad")
    return survey_round


@transaction.atomic
def close_round(survey_round: SurveyRound, *, actor: User) -> SurveyRound:
    """No more answers from today; the results can be read."""
    locked = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
    if locked.results_ready(timezone.localdate()):
        raise ValidationError(_("Omgången är redan stängd."))
    locked.closed_early_on = timezone.localdate()
    locked.save(update_fields=["closed_early_on"])
    _audit(actor, AuditEvent.Action.UPDATE, locked, "Enkätomgång stängd")
    return locked


class RoundClosed(Exception):
    """The round is not open for answers today."""


@transaction.atomic
def submit_response(survey_round: SurveyRound, *, answers: Mapping[int, int | None]) -> Response:
    """Save one respondent's answers, keyed by question id. No actor, no audit row, no time.

    Nothing of the respondent is passed in: the view refuses a second answer from the same
    browser and too many from one address before calling this (``once``, ADR 0011), and none of
    that reaches the answer. The association still reads the number of answers against the
    number of people it handed the link to.
    """
    if not survey_round.is_open(timezone.localdate()):
        raise RoundClosed
    questions = {q.pk: q for q in survey_round.version.questions.all()}
    errors: dict[str, str] = {}
    for pk, question in questions.items():
        value = answers.get(pk)
        if value is None:
            if question.required:
                errors[f"q{pk}"] = _("Svara på frågan.")
        elif value not in question.allowed_values():
            errors[f"q{pk}"] = _("Välj ett av svaren.")
    if set(answers) - set(questions):
        errors["__all__"] = _("Svaret hör inte till den här enkäten.")
    if errors:
        raise ValidationError(errors)
    response = Response.objects.create(round=survey_round)
    AnswerValue.objects.bulk_create(
        AnswerValue(response=response, question_id=pk, value=value)
        for pk, value in answers.items()
        if value is not None
    )
    return response
