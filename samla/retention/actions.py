"""Keeping the rules and the holds. Every change writes an audit row in its transaction; a rule
saved from a page someone else has saved over since is refused (samla/concurrency.py)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from samla.accounts.actions import ActionRefused
from samla.accounts.models import Role, User
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.concurrency import check_version
from samla.organisations.models import Organisation
from samla.people.models import Participant
from samla.retention.models import HoldReason, LegalHold, RecordType, RetentionRule, StartsFrom
from samla.retention.presets import Preset, check_period


def _lock_rules_of(organisation: Organisation) -> None:
    """One writer of an organisation's rules at a time: a rule that does not exist yet has no
    row to lock, so two creating it at once would collide (a proposal and a save, two tabs)."""
    list(Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list("pk"))


def _summary(what: str, rule: RetentionRule) -> str:
    with translation.override("sv"):  # the log is kept in Swedish, whoever acts
        return f"{what}: {RecordType(rule.record_type).label}"


def save_rule(
    *,
    actor: User,
    organisation: Organisation,
    record_type: RecordType,
    years: int | None,
    starts_from: StartsFrom,
    keeps_research_days: bool,
    decision: str,
    decided_on: date,
    version: int | None,
) -> RetentionRule:
    """Create the organisation's rule for ``record_type`` (``version`` None: there was none on
    the user's page) or change it (``version``: the one the page showed)."""
    try:
        check_period(organisation, record_type, years)
    except ValidationError as refused:
        raise ActionRefused(refused.messages[0]) from refused
    values = {
        "years": years,
        "starts_from": starts_from,
        "keeps_research_days": keeps_research_days,
        "decision": decision,
        "decided_on": decided_on,
    }
    with transaction.atomic():
        _lock_rules_of(organisation)
        current = (
            RetentionRule.objects.select_for_update()
            .filter(organisation=organisation, record_type=record_type)
            .first()
        )
        if current is None:
            if version is not None:  # the rule the user edited has been removed since
                raise ActionRefused(
                    gettext("Regeln har tagits bort av någon annan. Ladda om sidan.")
                )
            rule = RetentionRule.objects.create(
                organisation=organisation, record_type=record_type, updated_by=actor, **values
            )
            action = AuditEvent.Action.CREATE
        else:
            rule = check_version(current, version)
            for field, value in values.items():
                setattr(rule, field, value)
            rule.updated_by = actor
            rule.version += 1
            rule.save()
            action = AuditEvent.Action.UPDATE
        record(actor=actor, action=action, obj=rule, summary=_summary("Gallringsregel", rule))
    return rule


def remove_rule(*, actor: User, rule: RetentionRule, version: int) -> None:
    with transaction.atomic():
        _lock_rules_of(rule.organisation)
        current = RetentionRule.objects.select_for_update().filter(pk=rule.pk).first()
        if current is None:
            raise ActionRefused(gettext("Regeln har redan tagits bort av någon annan."))
        check_version(current, version)
        record(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            obj=current,
            summary=_summary("Gallringsregel", current),
        )
        current.delete()


def apply_preset(*, actor: User, organisation: Organisation, preset: Preset) -> int:
    """The preset's rules for the record types that have none yet; how many were added."""
    today = timezone.localdate()
    added = 0
    with transaction.atomic():
        _lock_rules_of(organisation)
        taken = set(
            RetentionRule.objects.select_for_update()
            .filter(organisation=organisation)
            .values_list("record_type", flat=True)
        )
        for proposal in preset.rules:
            if proposal.record_type in taken:
                continue
            rule = RetentionRule.objects.create(
                organisation=organisation,
                record_type=proposal.record_type,
                years=proposal.years,
                starts_from=proposal.starts_from,
                keeps_research_days=proposal.keeps_research_days,
                decision=proposal.decision,
                decided_on=today,
                updated_by=actor,
            )
            record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=rule,
                summary=_summary("Gallringsregel ur förslag", rule),
            )
            added += 1
    return added


def place_hold(
    *,
    actor: User,
    participant: Participant,
    record_type: str,
    object_id: int | None,
    reason: HoldReason,
    note: str,
) -> LegalHold:
    assert actor.organisation_id is not None
    with transaction.atomic():
        hold = LegalHold.objects.create(
            organisation_id=actor.organisation_id,
            participant=participant,
            record_type=record_type,
            object_id=object_id,
            reason=reason,
            note=note,
            placed_by=actor,
        )
        record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=hold,
            participant_id=participant.pk,
            role=Role.ORG_ADMIN,
            flagged=participant.is_protected,
            summary="Gallringsstopp",
        )
    return hold


def lift_hold(*, actor: User, hold: LegalHold, note: str) -> LegalHold:
    with transaction.atomic():
        current = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if not current.in_force:
            raise ActionRefused(gettext("Gallringsstoppet är redan hävt."))
        current.lifted_by, current.lifted_at, current.lift_note = actor, timezone.now(), note
        current.save(update_fields=["lifted_by", "lifted_at", "lift_note"])
        record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            participant_id=current.participant_id,
            role=Role.ORG_ADMIN,
            flagged=current.participant.is_protected,
            summary="Gallringsstopp hävt",
        )
    return current
