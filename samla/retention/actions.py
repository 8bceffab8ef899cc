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
from samla.oversight.references import reference_for
from samla.people.models import Participant
from samla.retention import culling
from samla.retention.models import (
    CullingRun,
    CullingSettings,
    HoldReason,
    LegalHold,
    RecordType,
    RetentionRule,
    StartsFrom,
)
from samla.retention.presets import Preset, check_period
from samla.retention.tasks import carry_out_run


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


# --- the culling run (culling.py says who is due and what goes) ---

SAMPLE_SIZE = 10


def start_preview(
    organisation: Organisation, *, actor: User | None, today: date
) -> CullingRun | None:
    """A new preview of what is due under the organisation's rules, in place of a preview
    still waiting: the people due under the rule for people's records, and the records due
    under the rules of the types culled within a person who stays. None if the organisation
    has no such rule with a period, or, for the nightly run (no ``actor``), if nothing is due.
    Refused while an approved run is under way."""
    with transaction.atomic():
        _lock_rules_of(organisation)
        kinds = [RecordType.PARTICIPANT, *culling.WITHIN_A_PERSON]
        rules = {
            rule.record_type: rule
            for rule in RetentionRule.objects.filter(
                organisation=organisation, record_type__in=kinds, years__isnull=False
            )
        }
        if CullingRun.objects.open().filter(
            organisation=organisation, state=CullingRun.State.APPROVED
        ):
            raise ActionRefused(gettext("En godkänd gallring pågår redan."))
        for waiting in CullingRun.objects.open().filter(organisation=organisation):
            _discard(waiting, actor=actor)
        if not rules:
            return None
        found = culling.Due([], 0, 0)
        if RecordType.PARTICIPANT in rules:
            found = culling.due(organisation.pk, _terms(rules[RecordType.PARTICIPANT]), today)
        records_due = {
            str(kind): ids
            for kind in culling.WITHIN_A_PERSON
            if kind in rules
            and (
                ids := culling.due_records(
                    organisation.pk, kind, _terms(rules[kind]), today, besides=found.people
                )
            )
        }
        if actor is None and not found.people and not records_due:
            return None
        # By rule and record type ("rule:type"): what goes with the people under the rule for
        # people's records, and what goes under each type's own rule.
        counts = {
            culling.counted_as(RecordType.PARTICIPANT, kind): n
            for kind, n in (culling.counts(found.people) if found.people else {}).items()
        }
        for kind, ids in records_due.items():
            counts[culling.counted_as(kind, kind)] = len(ids)
        run = CullingRun.objects.create(
            organisation=organisation,
            rules=[_snapshot(rules[kind], today) for kind in kinds if kind in rules],
            created_by=actor,
            due=found.people,
            records_due=records_due,
            counts=counts,
            sample=[reference_for(organisation.pk, pk) for pk in found.people[:SAMPLE_SIZE]],
            people_due=len(found.people),
            kept_on_hold=found.on_hold,
            kept_for_research=found.for_research,
        )
        record(
            actor=actor,
            actor_name="" if actor else "Samla",
            action=AuditEvent.Action.CREATE,
            obj=run,
            role=Role.ORG_ADMIN if actor else "",
            summary=f"Förhandsgranskning av gallring: {run.people_due} personer, "
            f"{run.records_due_count} uppgifter hos andra",
        )
    return run


def _terms(rule: RetentionRule) -> culling.Terms:
    assert rule.years is not None
    return culling.Terms(rule.years, rule.starts_from, rule.keeps_research_days)


def _snapshot(rule: RetentionRule, today: date) -> dict[str, object]:
    return {
        "record_type": rule.record_type,
        "years": rule.years,
        "starts_from": rule.starts_from,
        "keeps_research_days": rule.keeps_research_days,
        "decision": rule.decision,
        "decided_on": rule.decided_on.isoformat(),
        "due_on_or_before": _terms(rule).due_on_or_before(today).isoformat(),
    }


def approve_run(run: CullingRun, *, actor: User | None) -> CullingRun:
    """Approve a preview (``actor`` None: the organisation culls automatically); the task
    then culls, person by person."""
    with transaction.atomic():
        current = CullingRun.objects.select_for_update().get(pk=run.pk)
        if current.state != CullingRun.State.PREVIEW:
            raise ActionRefused(gettext("Förhandsgranskningen är inte längre öppen."))
        current.state = CullingRun.State.APPROVED
        current.approved_by, current.approved_at = actor, timezone.now()
        current.automatic = actor is None
        current.save(update_fields=["state", "approved_by", "approved_at", "automatic"])
        record(
            actor=actor,
            actor_name="" if actor else "Samla",
            action=AuditEvent.Action.UPDATE,
            obj=current,
            role=Role.ORG_ADMIN if actor else "",
            summary="Gallring godkänd" if actor else "Gallring godkänd automatiskt",
        )
        transaction.on_commit(lambda: carry_out_run.enqueue(current.pk))
    return current


def discard_run(run: CullingRun, *, actor: User) -> CullingRun:
    with transaction.atomic():
        current = CullingRun.objects.select_for_update().get(pk=run.pk)
        if current.state != CullingRun.State.PREVIEW:
            raise ActionRefused(gettext("Förhandsgranskningen är inte längre öppen."))
        _discard(current, actor=actor)
    return current


def _discard(run: CullingRun, *, actor: User | None) -> None:
    run.state, run.finished_at, run.discarded_by = CullingRun.State.DISCARDED, timezone.now(), actor
    run.due, run.records_due = [], {}
    run.save(update_fields=["state", "finished_at", "discarded_by", "due", "records_due"])
    record(
        actor=actor,
        actor_name="" if actor else "Samla",
        action=AuditEvent.Action.UPDATE,
        obj=run,
        role=Role.ORG_ADMIN if actor else "",
        summary="Förhandsgranskning av gallring avbruten",
    )


def preview_every_organisation() -> None:
    """The daily run's part: every approved run taken up again, and a preview for each
    organisation with a rule that culls and no preview waiting, if anything is due; approved
    at once where the organisation has chosen to cull automatically (the task then culls)."""
    today = timezone.localdate()
    kinds = [RecordType.PARTICIPANT, *culling.WITHIN_A_PERSON]
    organisations = (
        Organisation.objects.filter(
            retention_rules__record_type__in=kinds, retention_rules__years__isnull=False
        )
        .exclude(culling_runs__state__in=[CullingRun.State.PREVIEW, CullingRun.State.APPROVED])
        .distinct()
    )
    automatic = set(
        CullingSettings.objects.filter(automatic=True).values_list("organisation_id", flat=True)
    )
    # An approved run whose task stopped (a worker restarted, a failure) is taken up again
    # where it stopped, rather than left "under way" for ever: what is culled is gone, and
    # each person is checked again.
    for approved in CullingRun.objects.filter(state=CullingRun.State.APPROVED).values_list(
        "pk", flat=True
    ):
        carry_out_run.enqueue(approved)
    for organisation in organisations.order_by("pk"):
        run = start_preview(organisation, actor=None, today=today)
        if run is not None and organisation.pk in automatic:
            approve_run(run, actor=None)


def save_culling_settings(
    organisation: Organisation, *, actor: User, automatic: bool
) -> CullingSettings:
    with transaction.atomic():
        settings_, _created = CullingSettings.objects.select_for_update().get_or_create(
            organisation=organisation, defaults={"updated_by": actor, "automatic": automatic}
        )
        settings_.automatic, settings_.updated_by = automatic, actor
        settings_.save()
        record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=settings_,
            role=Role.ORG_ADMIN,
            summary="Gallring automatiskt" if automatic else "Gallring efter godkännande",
        )
    return settings_
