"""Writes to measurements and to the association's own questions. Each is one transaction with
its audit row.

A measurement carries a ``version``: an edit names the version it was made from and is refused
with ``concurrency.Stale`` if someone saved in between (the referral row is locked first, so on
PostgreSQL two saves of one participation take turns). Creating names version 0 and is refused
the same way if the measurement was recorded meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samla.accounts.models import Role, User
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.concurrency import Stale, check_version
from samla.measurements.models import (
    Answer,
    IncomeSource,
    IncomeSourceKind,
    LocalQuestion,
    Measurement,
    Occasion,
    QuestionVersion,
)
from samla.measurements.occasions import check_can_record
from samla.organisations.models import Association
from samla.referrals.access import basis_for
from samla.referrals.models import Referral

# 'None' and 'unknown' say there is nothing else to list: no extent, no other source.
ALONE: frozenset[str] = frozenset({IncomeSourceKind.NONE, IncomeSourceKind.UNKNOWN})
NEW = 0  # the version a form for a measurement not yet recorded carries


def check_income_sources(sources: Iterable[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    """Each source at most once, with an extent of 1–100 % of full time; 'none' and 'unknown'
    without extent and alone."""
    checked = list(sources)
    kinds = [source for source, _extent in checked]
    if len(set(kinds)) != len(kinds):
        raise ValidationError(_("Ange varje inkomstkälla bara en gång."))
    if not checked:
        raise ValidationError(_("Välj minst en inkomstkälla, eller ”Okänt”."))
    if ALONE & set(kinds) and len(kinds) > 1:
        raise ValidationError(
            _("”Ingen inkomst” och ”Okänt” kan inte kombineras med andra inkomstkällor.")
        )
    for source, extent in checked:
        if source not in IncomeSourceKind.values:
            raise ValidationError(_("Okänd inkomstkälla."))
        if source in ALONE and extent is not None:
            raise ValidationError(_("”Ingen inkomst” och ”Okänt” har ingen omfattning."))
        if source not in ALONE and (extent is None or not 1 <= extent <= 100):
            raise ValidationError(
                _("Ange omfattningen för %(source)s i procent, mellan 1 och 100.")
                % {"source": IncomeSourceKind(source).label.lower()}
            )
    return checked


@transaction.atomic
def save_measurement(
    referral: Referral,
    occasion: str,
    *,
    actor: User,
    version: int,
    measured_on: date,
    occupation: str,
    education: str,
    support_time: str,
    wellbeing: int | None,
    closeness: int | None,
    ocn_modules: int,
    ocn_points: int,
    income_sources: Iterable[tuple[str, int | None]],
    answers: Mapping[QuestionVersion, str],
) -> Measurement:
    """Record the measurement of one occasion, or change it. ``answers`` maps the wording each
    own question was shown in to the answer ('' removes an answer)."""
    locked = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("participant", "activity")
        .get(pk=referral.pk)
    )
    check_can_record(locked, occasion, timezone.localdate())
    sources = check_income_sources(income_sources)
    if support_time and occasion != Occasion.ENTRY:
        raise ValidationError(_("Tid med offentlig försörjning anges bara vid start."))
    if measured_on > timezone.localdate():
        raise ValidationError(_("Datumet för mätningen kan inte ligga i framtiden."))
    question_ids = {version.question_id for version in answers}
    if (
        LocalQuestion.objects.filter(pk__in=question_ids)
        .exclude(association_id=locked.activity.association_id)
        .exists()
    ):
        raise ValidationError(_("En av frågorna hör till ett annat samordningsförbund."))

    existing = (
        Measurement.objects.select_for_update().filter(referral=locked, occasion=occasion).first()
    )
    if existing is None and version != NEW:
        raise ValidationError(_("Mätningen finns inte längre."))
    if existing is not None:
        check_version(existing, version)
    fields = {
        "measured_on": measured_on,
        "occupation": occupation,
        "education": education,
        "support_time": support_time,
        "wellbeing": wellbeing,
        "closeness": closeness,
        "ocn_modules": ocn_modules,
        "ocn_points": ocn_points,
        "recorded_at": timezone.now(),
        "recorded_by": actor,
    }
    if existing is None:
        try:
            with transaction.atomic():
                measurement = Measurement.objects.create(
                    referral=locked, occasion=occasion, **fields
                )
        except IntegrityError as error:  # recorded a moment ago, outside the referral's lock
            raise Stale(Measurement.objects.get(referral=locked, occasion=occasion)) from error
    else:
        measurement = existing
        for name, value in fields.items():
            setattr(measurement, name, value)
        measurement.version += 1
        measurement.save()
        measurement.income_sources.all().delete()
    IncomeSource.objects.bulk_create(
        IncomeSource(measurement=measurement, source=source, extent=extent)
        for source, extent in sources
    )
    _save_answers(measurement, answers)
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE if existing is None else AuditEvent.Action.UPDATE,
        obj=measurement,
        participant_id=locked.participant_id,
        flagged=locked.participant.is_protected,
        summary=f"Mätning ({occasion})",
        **basis_for(actor, locked),
    )
    return measurement


def _save_answers(measurement: Measurement, answers: Mapping[QuestionVersion, str]) -> None:
    """One answer per question, kept under the wording it was given in."""
    for question_version, value in answers.items():
        Answer.objects.filter(
            measurement=measurement, question_version__question_id=question_version.question_id
        ).exclude(question_version=question_version).delete()
        if value:
            Answer.objects.update_or_create(
                measurement=measurement,
                question_version=question_version,
                defaults={"value": value},
            )
        else:
            Answer.objects.filter(
                measurement=measurement, question_version=question_version
            ).delete()


def _audit(actor: User, action: AuditEvent.Action, question: LocalQuestion, summary: str) -> None:
    record(actor=actor, action=action, obj=question, role=Role.ASSOCIATION_OFFICE, summary=summary)


@transaction.atomic
def add_question(
    association: Association,
    *,
    actor: User,
    wording: str,
    answer_kind: str,
    occasions: Iterable[str],
) -> LocalQuestion:
    chosen = [o for o in Occasion.values if o in set(occasions)]
    if not chosen:
        raise ValidationError(_("Välj minst ett tillfälle då frågan ställs."))
    question = LocalQuestion.objects.create(
        association=association, answer_kind=answer_kind, occasions=",".join(chosen)
    )
    QuestionVersion.objects.create(question=question, number=1, wording=wording)
    _audit(actor, AuditEvent.Action.CREATE, question, "Egen fråga")
    return question


@transaction.atomic
def change_wording(
    question: LocalQuestion, *, actor: User, wording: str, seen_number: int
) -> QuestionVersion:
    """A new version with the new wording; answers already given keep theirs. ``seen_number``
    is the version the user changed: if another has been added since, ``concurrency.Stale``."""
    locked = LocalQuestion.objects.select_for_update().get(pk=question.pk)
    number = locked.versions.aggregate(latest=Max("number"))["latest"] or 0
    current = check_version(locked.versions.get(number=number), seen_number, version=number)
    if current.wording == wording:
        raise ValidationError(_("Formuleringen är densamma som förut."))
    version = QuestionVersion.objects.create(question=locked, number=number + 1, wording=wording)
    _audit(actor, AuditEvent.Action.UPDATE, locked, f"Egen fråga: version {version.number}")
    return version


@transaction.atomic
def deactivate_question(question: LocalQuestion, *, actor: User) -> LocalQuestion:
    """The question is no longer asked; the answers already given stay."""
    locked = LocalQuestion.objects.select_for_update().get(pk=question.pk)
    if not locked.active:
        raise ValidationError(_("Frågan ställs redan inte längre."))
    locked.active = False
    locked.save(update_fields=["active"])
    _audit(actor, AuditEvent.Action.UPDATE, locked, "Egen fråga: ställs inte längre")
    return locked
