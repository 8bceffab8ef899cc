"""Who may import, and whose jobs they see.

Importing is for the staff who hold person data of their own organisation in an association:
coordinators and activity staff (never the association office or the board, R1). A job and its
report belong to the user who uploaded it, while they still work for the same organisation:
everyone else gets 404, as for a job that does not exist, so that not even its existence leaks.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from samla.accounts.models import Role, User
from samla.imports.models import ImportJob
from samla.organisations.models import Association

IMPORTING_ROLES = (Role.COORDINATOR, Role.ACTIVITY_STAFF)


def importing_associations(user: User) -> list[Association]:
    """The associations in which the user may import, for their organisation."""
    if not user.is_authenticated or user.organisation_id is None:
        return []
    return list(
        Association.objects.filter(
            role_assignments__user=user, role_assignments__role__in=IMPORTING_ROLES
        )
        .distinct()
        .order_by("short_name")
    )


def jobs_of(user: User) -> QuerySet[ImportJob]:
    """The user's own jobs, without the uploaded files."""
    if not user.is_authenticated or user.organisation_id is None:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(created_by=user, organisation_id=user.organisation_id).defer(
        "content"
    )


def get_job_for_user(user: User, pk: int) -> ImportJob:
    job = jobs_of(user).select_related("association").filter(pk=pk).first()
    if job is None:
        raise Http404
    return job
