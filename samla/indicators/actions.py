"""Writes to programmes and targets, and requests for a release of the statistics: each one
transaction with its audit row (no participant: this is the association's own data, R1)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from samla.accounts.models import Role, User
from samla.activities.models import Activity
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.indicators.models import Programme, Release, Target
from samla.indicators.tasks import build_release
from samla.organisations.models import Association, Municipality
from samla.people.models import TargetGroup


class DuplicateTarget(ValueError):
    """A target with the same kind and breakdown is already set."""


def _log(
    actor: User, action: AuditEvent.Action, obj: Programme | Target | Release, summary: str
) -> None:
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


# A release still queued or running after this long is taken to be lost with its worker.
PENDING_AT_MOST = timedelta(hours=3)


@transaction.atomic
def request_release(association: Association, *, actor: User | None) -> Release:
    """Queue a new release of the association's statistics once this transaction commits, or
    return the one already under way. One that has waited so long that its worker must have
    died is marked failed and replaced."""
    pending = Release.objects.select_for_update().pending(association)
    if pending is not None:
        if pending.requested_at >= timezone.now() - PENDING_AT_MOST:
            return pending
        Release.objects.filter(pk=pending.pk).update(
            state=Release.State.FAILED, finished_at=timezone.now()
        )
    release = Release.objects.create(association=association, requested_by=actor)
    if actor is not None:
        _log(actor, AuditEvent.Action.CREATE, release, "Sammanställning av statistiken beställd")
    transaction.on_commit(lambda: build_release.enqueue(release.pk))
    return release


def release_every_association() -> int:
    """The daily run: a new release for every association with an activity. Returns how many
    were queued or already under way."""
    associations = Association.objects.filter(activities__isnull=False).distinct()
    return len(
        [association for association in associations if request_release(association, actor=None)]
    )
