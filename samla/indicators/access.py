"""Who reads the dashboards and who keeps the targets.

Dashboards hold aggregates only, each figure suppressed by the statistics layer (R7), so everyone
with a role in an association reads them (the office and the board first of all), as they read
its activity catalogue; nobody from another association does, and such a page answers 404 like a
missing one. Only the association office creates programmes and sets targets. No audit row is
written for a read: there is no person-level data here (R1).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from samla.accounts.models import Role, User
from samla.activities.access import get_activity_for_user, reading_association_ids
from samla.indicators.models import Programme, Target
from samla.organisations.models import Association


def readable_associations(user: User) -> list[Association]:
    return list(
        Association.objects.filter(pk__in=reading_association_ids(user)).order_by("short_name")
    )


def may_keep_targets(user: User, association: Association) -> bool:
    return user.has_role(Role.ASSOCIATION_OFFICE, association=association)


def get_association_for_user(user: User, pk: int, *, edit: bool = False) -> Association:
    if pk not in reading_association_ids(user):
        raise Http404
    association = Association.objects.select_related("organisation").get(pk=pk)
    if edit and not may_keep_targets(user, association):
        raise PermissionDenied
    return association


def get_programme_for_user(user: User, pk: int, *, edit: bool = False) -> Programme:
    programme = (
        Programme.objects.filter(association_id__in=reading_association_ids(user))
        .select_related("association")
        .filter(pk=pk)
        .first()
    )
    if programme is None:
        raise Http404
    if edit and not may_keep_targets(user, programme.association):
        raise PermissionDenied
    return programme


def get_target_for_office(user: User, pk: int) -> Target:
    """A target, for the office of its programme's or activity's association to change; 404 for
    anyone outside that association, 403 for its other readers."""
    target = Target.objects.filter(pk=pk).first()
    if target is None:
        raise Http404
    if target.programme_id is not None:
        get_programme_for_user(user, target.programme_id, edit=True)
    else:
        assert target.activity_id is not None  # a target has a programme or an activity
        get_activity_for_user(user, target.activity_id, edit=True)
    return target
