"""Who may see and keep the activity catalogue. Every view reaches an activity through here.

Activities are not person data (R1), so no audit row is written for a read. Everyone with a role
in an association (coordinators, handlers, providers' staff, the office, the board) reads its
catalogue; only its association office creates and changes activities. An activity of another
association answers 404, like a missing one, so that existence does not leak.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from samla.accounts.models import Role, User
from samla.activities.models import Activity, ActivityQuerySet
from samla.organisations.models import Association


def reading_association_ids(user: User) -> set[int]:
    """The associations in which the user has any role (from the roles read once per request)."""
    if not user.is_authenticated:
        return set()
    return user.association_ids()


def editable_associations(user: User) -> list[Association]:
    """The associations whose catalogue the user keeps: where they are the office."""
    if not user.is_authenticated:
        return []
    return list(
        Association.objects.filter(
            role_assignments__user=user, role_assignments__role=Role.ASSOCIATION_OFFICE
        )
        .select_related("organisation")
        .distinct()
        .order_by("short_name")
    )


def activities_visible_to(user: User) -> ActivityQuerySet:
    return Activity.objects.in_associations(reading_association_ids(user))


def may_edit(user: User, activity: Activity) -> bool:
    return user.has_role(Role.ASSOCIATION_OFFICE, association=activity.association)


def get_activity_for_user(user: User, pk: int, *, edit: bool = False) -> Activity:
    """The activity if the user may read it, else 404; with ``edit``, 403 for a reader who is not
    the association's office."""
    activity = (
        activities_visible_to(user)
        .select_related("association__organisation", "provider")
        .filter(pk=pk)
        .first()
    )
    if activity is None:
        raise Http404
    if edit and not may_edit(user, activity):
        raise PermissionDenied
    return activity
