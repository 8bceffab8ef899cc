"""Writes to a coordinated plan. Each is one transaction with its audit row.

Every write locks the plan row first, so that two writers take turns: the second sees what the
first saved. Content edits carry the plan's ``version`` and are refused with
``concurrency.Stale`` when someone else saved in between (no lost updates). Agreement happens
here and nowhere else: when the working revision has a confirmation from every responsible
organisation and the person's approval, the plan becomes agreed and the revision is frozen as a
``PlanVersion``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from samla.accounts.models import PERSON_ROLES, User
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.concurrency import check_version
from samla.notifications.notices import notify_person
from samla.organisations.models import Organisation
from samla.people.access import basis_of
from samla.people.models import Consent, InformationCategory, Participant, TeamMember
from samla.plans.access import consent_for_organisation
from samla.plans.models import (
    Plan,
    PlanAction,
    PlanApproval,
    PlanConfirmation,
    PlanDeferral,
    PlanVersion,
)
from samla.plans.reminders import notify_assigned
from samla.plans.snapshots import snapshot_of

PLAN_FIELDS = ("goals", "lead_organisation", "follow_up_date")
ACTION_FIELDS = (
    "need",
    "action",
    "responsible_organisation",
    "responsible_person",
    "due_date",
    "category",
)


def planning_organisations(participant: Participant) -> list[Organisation]:
    """Who can take part in the plan now: the controlling organisation and every organisation
    that a consent in force names. Whether a consent covers a given action is checked apart."""
    named = Consent.objects.in_force(timezone.localdate()).filter(participant=participant)
    return list(
        Organisation.objects.filter(
            Q(pk=participant.controlling_organisation_id) | Q(consents_received__in=named)
        )
        .distinct()
        .order_by("name")
    )


def responsible_candidates(participant: Participant) -> list[User]:
    """People who can be named responsible for an action: on the person's team, with a role
    that reaches person data, in an organisation that can take part in the plan."""
    organisations = [o.pk for o in planning_organisations(participant)]
    team = TeamMember.objects.current().filter(participant=participant).values("user_id")
    return list(
        User.objects.filter(
            pk__in=team,
            is_active=True,
            organisation_id__in=organisations,
            role_assignments__association=participant.association,
            role_assignments__role__in=list(PERSON_ROLES),
        )
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name", "first_name", "last_name")
    )


def check_lead_organisation(participant: Participant, organisation: Organisation) -> None:
    if organisation not in planning_organisations(participant):
        raise ValidationError(
            _(
                "%(org)s kan inte vara huvudansvarig: organisationen är inte personens "
                "ansvariga organisation och inget gällande samtycke omfattar den."
            )
            % {"org": organisation}
        )


def check_responsible(
    participant: Participant,
    *,
    organisation: Organisation,
    person: User | None,
    category: str,
) -> None:
    """Another organisation than the controlling one may only take an action its consent lets
    it know about (R2); the person named must work there, with a person role, on the team."""
    if organisation.pk != participant.controlling_organisation_id:
        consent = consent_for_organisation(participant, organisation.pk, timezone.localdate())
        if consent is None or not consent.allows(category):
            raise ValidationError(
                pgettext(
                    "plan",
                    "%(org)s kan inte ansvara för insatsen: inget gällande samtycke låter "
                    "%(org)s ta del av uppgifter om ”%(category)s”.",
                )
                % {"org": organisation, "category": InformationCategory(category).label}
            )
    if person is None:
        return
    if person.organisation_id != organisation.pk:
        raise ValidationError(
            _("%(name)s arbetar inte på %(org)s.") % {"name": person, "org": organisation}
        )
    if not person.has_role(*PERSON_ROLES, association=participant.association):
        raise ValidationError(
            _("%(name)s har ingen roll i förbundet som ger tillgång till personuppgifter.")
            % {"name": person}
        )
    if not TeamMember.objects.current().filter(participant=participant, user=person).exists():
        raise ValidationError(
            _("%(name)s finns inte i personens team. Lägg först till hen i teamet.")
            % {"name": person}
        )


def actions_of(plan: Plan) -> list[PlanAction]:
    return list(
        PlanAction.objects.filter(plan=plan).select_related(
            "responsible_organisation", "responsible_person"
        )
    )


def _lock(plan: Plan, version: int | None = None) -> Plan:
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    locked.participant = plan.participant
    if version is not None:
        check_version(locked, version)
    return locked


def _content_changed(locked: Plan, *, now: datetime) -> None:
    """Changed content needs everyone's agreement again: an agreed plan starts a new revision,
    and the confirmations and approval given to the revision as sent no longer count."""
    was_invited = locked.state == Plan.State.INVITED
    locked.transition(Plan.Transition.EDIT)
    if was_invited:
        PlanConfirmation.objects.current().filter(plan=locked, revision=locked.revision).update(
            superseded_at=now
        )
        PlanApproval.objects.current().filter(plan=locked, revision=locked.revision).update(
            superseded_at=now
        )
        PlanDeferral.objects.current().filter(plan=locked, revision=locked.revision).update(
            superseded_at=now
        )
    locked.version += 1


@transaction.atomic
def create_plan(
    participant: Participant,
    *,
    actor: User,
    goals: str,
    lead_organisation: Organisation,
    follow_up_date: date,
) -> Plan:
    if Plan.objects.active().filter(participant=participant).exists():
        raise ValidationError(_("Personen har redan en plan. Ändra den i stället."))
    check_lead_organisation(participant, lead_organisation)
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                participant=participant,
                goals=goals,
                lead_organisation=lead_organisation,
                follow_up_date=follow_up_date,
                created_by=actor,
            )
    except IntegrityError as error:  # a colleague created one a moment ago
        raise ValidationError(_("Personen har redan en plan. Ändra den i stället.")) from error
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=plan,
        participant_id=participant.pk,
        **basis_of(actor, participant),
        summary="Skapade samordnad plan",
    )
    return plan


@transaction.atomic
def update_plan(
    plan: Plan,
    *,
    actor: User,
    version: int,
    goals: str,
    lead_organisation: Organisation,
    follow_up_date: date,
) -> Plan:
    locked = _lock(plan, version)
    changes = {
        "goals": goals,
        "lead_organisation": lead_organisation,
        "follow_up_date": follow_up_date,
    }
    changed = sorted(f for f, value in changes.items() if getattr(locked, f) != value)
    if not changed:
        return locked
    if "lead_organisation" in changed:
        check_lead_organisation(locked.participant, lead_organisation)
    _content_changed(locked, now=timezone.now())
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.save(update_fields=[*PLAN_FIELDS, "state", "revision", "version"])
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        participant_id=locked.participant_id,
        **basis_of(actor, locked.participant),
        summary="Ändrade planen: " + ", ".join(changed),
    )
    return locked


@transaction.atomic
def add_plan_action(
    plan: Plan,
    *,
    actor: User,
    need: str,
    action: str,
    responsible_organisation: Organisation,
    responsible_person: User | None,
    due_date: date | None,
    category: str,
) -> PlanAction:
    locked = _lock(plan)
    check_responsible(
        locked.participant,
        organisation=responsible_organisation,
        person=responsible_person,
        category=category,
    )
    _content_changed(locked, now=timezone.now())
    locked.save(update_fields=["state", "revision", "version"])
    last = PlanAction.objects.filter(plan=locked).aggregate(last=Max("position"))["last"]
    plan_action = PlanAction.objects.create(
        plan=locked,
        need=need,
        action=action,
        responsible_organisation=responsible_organisation,
        responsible_person=responsible_person,
        due_date=due_date,
        category=category,
        position=(last or 0) + 1,
        created_by=actor,
    )
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=plan_action,
        participant_id=locked.participant_id,
        **basis_of(actor, locked.participant),
        summary="Lade till insats i planen",
    )
    notify_assigned(plan_action)
    return plan_action


@transaction.atomic
def update_plan_action(
    plan_action: PlanAction, *, actor: User, version: int, **changes: Any
) -> PlanAction:
    """Change an action's content (``ACTION_FIELDS``); raises ``concurrency.Stale`` if the plan
    was saved by someone else since ``version`` was read."""
    unknown = set(changes) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"Not an action's content: {sorted(unknown)}")
    locked = _lock(plan_action.plan, version)
    current = PlanAction.objects.select_for_update().get(pk=plan_action.pk)
    changed = sorted(f for f, value in changes.items() if getattr(current, f) != value)
    if not changed:
        return current
    merged = {f: changes.get(f, getattr(current, f)) for f in ACTION_FIELDS}
    check_responsible(
        locked.participant,
        organisation=merged["responsible_organisation"],
        person=merged["responsible_person"],
        category=merged["category"],
    )
    _content_changed(locked, now=timezone.now())
    locked.save(update_fields=["state", "revision", "version"])
    for field in changed:
        setattr(current, field, changes[field])
    current.version += 1
    current.save(update_fields=[*changed, "version"])
    current.plan = locked
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=current,
        participant_id=locked.participant_id,
        **basis_of(actor, locked.participant),
        summary="Ändrade insats i planen: " + ", ".join(changed),
    )
    if "responsible_person" in changed or "responsible_organisation" in changed:
        notify_assigned(current)
    return current


@transaction.atomic
def change_action_status(
    plan_action: PlanAction,
    *,
    actor: User,
    version: int,
    status: str,
    follow_up_note: str | None = None,
) -> PlanAction:
    """Follow-up, not content: no new revision. Raises ``concurrency.Stale`` if the action was
    saved by someone else since ``version`` (the action's, not the plan's) was read."""
    locked = _lock(plan_action.plan)
    locked.transition(Plan.Transition.FOLLOW_UP)
    current = PlanAction.objects.select_for_update().get(pk=plan_action.pk)
    current.plan = locked
    check_version(current, version)
    fields = ["status", "version"]
    current.status = PlanAction.Status(status)
    if follow_up_note is not None:
        current.follow_up_note = follow_up_note
        fields.append("follow_up_note")
    current.version += 1
    current.save(update_fields=fields)
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=current,
        participant_id=locked.participant_id,
        **basis_of(actor, locked.participant),
        summary=f"Följde upp insats: {current.get_status_display()}",
    )
    return current


@transaction.atomic
def invite(plan: Plan, *, actor: User, version: int) -> Plan:
    """Send the working revision to every responsible organisation and the person."""
    locked = _lock(plan, version)
    locked.transition(Plan.Transition.INVITE)
    actions = actions_of(locked)
    if not [a for a in actions if a.status != PlanAction.Status.CANCELLED]:
        raise ValidationError(pgettext("plan", "Lägg till minst en insats innan planen skickas."))
    for plan_action in actions:
        if plan_action.status == PlanAction.Status.CANCELLED:
            continue
        try:
            check_responsible(
                locked.participant,
                organisation=plan_action.responsible_organisation,
                person=plan_action.responsible_person,
                category=plan_action.category,
            )
        except ValidationError as error:
            raise ValidationError(
                pgettext("plan", "Insatsen ”%(action)s”: %(problem)s")
                % {"action": plan_action, "problem": " ".join(error.messages)}
            ) from error
    locked.version += 1
    locked.save(update_fields=["state", "version"])
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        participant_id=locked.participant_id,
        **basis_of(actor, locked.participant),
        summary=f"Skickade planen för bekräftelse (revision {locked.revision})",
    )
    # The proposal waits for the person's approval in Min Samla; told only if they chose it.
    notify_person(
        locked.participant.id_number, about=locked, occasion=f"revision-{locked.revision}"
    )
    return locked


def missing_confirmations(plan: Plan) -> list[Organisation]:
    """The organisations whose confirmation of the working revision is still missing."""
    required = plan.required_organisation_ids(actions_of(plan))
    confirmed = set(
        PlanConfirmation.objects.current()
        .filter(plan=plan, revision=plan.revision)
        .values_list("organisation_id", flat=True)
    )
    return list(Organisation.objects.filter(pk__in=required - confirmed))


@transaction.atomic
def confirm_plan(plan: Plan, *, actor: User, version: int) -> PlanConfirmation:
    """The actor confirms the working revision for their organisation."""
    locked = _lock(plan, version)
    locked.transition(Plan.Transition.CONFIRM)
    organisation = actor.organisation
    if organisation is None or organisation.pk not in locked.required_organisation_ids(
        actions_of(locked)
    ):
        raise ValidationError(_("Din organisation har ingen del i planen att bekräfta."))
    if (
        PlanConfirmation.objects.current()
        .filter(plan=locked, revision=locked.revision, organisation=organisation)
        .exists()
    ):
        raise ValidationError(_("%(org)s har redan bekräftat planen.") % {"org": organisation})
    confirmation = PlanConfirmation.objects.create(
        plan=locked,
        revision=locked.revision,
        organisation=organisation,
        confirmed_by=actor,
        confirmed_at=timezone.now(),
    )
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=confirmation,
        participant_id=locked.participant_id,
        **basis_of(actor, locked.participant),
        summary=f"Bekräftade planen för sin organisation (revision {locked.revision})",
    )
    _agree_if_complete(locked, actor=actor)
    return confirmation


@transaction.atomic
def record_approval(
    plan: Plan,
    *,
    actor: User,
    version: int,
    method: str,
    note: str = "",
    acr: str = "",
    provider: str = "",
    at: datetime | None = None,
) -> PlanApproval:
    """The person approved the working revision (R10): how, recorded by their coordinator, or
    by the person themself in Min Samla, signed with e-ID (``acr`` and ``provider`` of the
    signature, ``at`` its time). Raises ``concurrency.Stale`` if the plan changed since
    ``version`` was read: what the person approves is exactly what they read."""
    locked = _lock(plan, version)
    locked.transition(Plan.Transition.APPROVE)
    if acr and not actor.is_person:
        raise ValueError("Only the person signs an approval with e-ID.")
    if PlanApproval.objects.current().filter(plan=locked, revision=locked.revision).exists():
        raise ValidationError(_("Personens godkännande är redan registrerat."))
    now = at or timezone.now()
    approval = PlanApproval.objects.create(
        plan=locked,
        revision=locked.revision,
        method=PlanApproval.Method(method),
        note=note,
        recorded_by=actor,
        recorded_at=now,
        acr=acr,
        provider=provider,
    )
    PlanDeferral.objects.current().filter(plan=locked, revision=locked.revision).update(
        superseded_at=now
    )
    summary = f"Registrerade personens godkännande (revision {locked.revision})"
    if acr:
        summary = (
            f"Godkände planen med e-legitimation ({provider}), tillitsnivå "
            f"{approval.assurance_level} (revision {locked.revision})"
        )
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=approval,
        participant_id=locked.participant_id,
        **basis_of(actor, locked.participant),
        summary=summary,
    )
    _agree_if_complete(locked, actor=actor)
    return approval


@transaction.atomic
def defer_approval(plan: Plan, *, actor: User, version: int, reason: str) -> PlanDeferral:
    """The person answers "not yet, because …" to the revision waiting for them: their
    coordinator sees it. A later answer replaces the earlier one to the same revision."""
    locked = _lock(plan, version)
    locked.transition(Plan.Transition.APPROVE)
    if PlanApproval.objects.current().filter(plan=locked, revision=locked.revision).exists():
        raise ValidationError(_("Planen är redan godkänd."))
    now = timezone.now()
    PlanDeferral.objects.current().filter(plan=locked, revision=locked.revision).update(
        superseded_at=now
    )
    deferral = PlanDeferral.objects.create(
        plan=locked, revision=locked.revision, reason=reason, given_by=actor, given_at=now
    )
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=deferral,
        participant_id=locked.participant_id,
        **basis_of(actor, locked.participant),
        summary=f"Svarade ”inte än” på planen (revision {locked.revision})",
    )
    return deferral


def _agree_if_complete(locked: Plan, *, actor: User) -> None:
    actions = actions_of(locked)
    confirmations = list(
        PlanConfirmation.objects.current()
        .filter(plan=locked, revision=locked.revision)
        .select_related("organisation", "confirmed_by")
    )
    approval = (
        PlanApproval.objects.current()
        .filter(plan=locked, revision=locked.revision)
        .select_related("recorded_by")
        .first()
    )
    confirmed = {c.organisation_id for c in confirmations}
    if approval is None or not locked.required_organisation_ids(actions) <= confirmed:
        return
    locked.transition(Plan.Transition.AGREE)
    locked.version += 1
    locked.save(update_fields=["state", "version"])
    version = PlanVersion.objects.create(
        plan=locked,
        number=locked.revision,
        agreed_at=timezone.now(),
        snapshot=snapshot_of(locked, actions, approval=approval, confirmations=confirmations),
    )
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=version,
        participant_id=locked.participant_id,
        **basis_of(actor, locked.participant),
        summary=f"Planen är överenskommen (version {version.number})",
    )


@transaction.atomic
def close_plan(plan: Plan, *, actor: User, reason: str, note: str = "", signed: str = "") -> Plan:
    """End the plan. "The person wants to end it" is always allowed while it is open (R10).
    ``signed``: how the person signed it, when they ended it themself in Min Samla."""
    locked = _lock(plan)
    locked.transition(Plan.Transition.CLOSE)
    locked.close_reason = Plan.CloseReason(reason)
    locked.close_note = note
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    locked.version += 1
    locked.save(
        update_fields=["state", "close_reason", "close_note", "closed_at", "closed_by", "version"]
    )
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        participant_id=locked.participant_id,
        **basis_of(actor, locked.participant),
        summary=f"Avslutade planen: {locked.get_close_reason_display()}"
        + (f", signerat med {signed}" if signed else ""),
    )
    return locked
