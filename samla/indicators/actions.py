"""Writes to programmes and targets: each one transaction with its audit row (no participant:
this is the association's own data, R1)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import IntegrityError, transaction

from samla.accounts.models import Role, User
from samla.activities.models import Activity
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.indicators.models import Programme, Target
from samla.organisations.models import Association, Municipality
from samla.people.models import TargetGroup


class DuplicateTarget(ValueError):
    """A target with the same kind and breakdown is already set."""


def _log(actor: User, action: AuditEvent.Action, obj: Programme | Target, summary: str) -> None:
    record(actor=actor, action=action, obj=obj, role=Role.ASSOCIATION_OFFICE, summary=summary)


@transaction.atomic
def save_programme(
    association: Association,
    *,
    actor: User,
    programme: Programme | None = None,
    name: str,
    description: str,
    starts_on: date,
    ends_on: date,
    activities: Sequence[Activity],
) -> Programme:
    creating = programme is None
    if programme is None:
        programme = Programme(association=association, created_by=actor)
    programme.name, programme.description = name, description
    programme.starts_on, programme.ends_on = starts_on, ends_on
    programme.save()
    programme.activities.set(activities)
    action = AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE
    _log(actor, action, programme, "Program")
    return programme


@transaction.atomic
def add_target(
    *,
    actor: User,
    programme: Programme | None = None,
    activity: Activity | None = None,
    kind: str,
    value: int,
    year: int | None = None,
    sex: str = "",
    target_group: TargetGroup | None = None,
    municipality: Municipality | None = None,
) -> Target:
    target = Target(
        programme=programme,
        activity=activity,
        kind=kind,
        value=value,
        year=year,
        sex=sex,
        target_group=target_group,
        municipality=municipality,
    )
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError as error:
        raise DuplicateTarget(str(target)) from error
    _log(actor, AuditEvent.Action.CREATE, target, "Mål")
    return target


@transaction.atomic
def remove_target(target: Target, *, actor: User) -> None:
    _log(actor, AuditEvent.Action.DELETE, target, "Mål")
    target.delete()
