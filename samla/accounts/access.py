"""What an organisation administrator may administer: the users of their own organisation, and
roles in the associations their organisation takes part in.

Everything else answers 404, for a missing user and for another organisation's user alike, so
that existence does not leak (docs/architecture.md, "One access module").
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404, HttpResponse
from django_otp.plugins.otp_totp.models import TOTPDevice

from samla.accounts import lockout
from samla.accounts.http import AuthedRequest
from samla.accounts.models import (
    ORGANISATION_ROLES,
    PERSON_ROLES,
    OneTimeLink,
    Receiver,
    Role,
    RoleAssignment,
    User,
)
from samla.organisations.models import Association

P = ParamSpec("P")


def is_org_admin(user: User) -> bool:
    """An organisation administrator who belongs to an organisation (a superuser may not)."""
    return user.organisation_id is not None and user.is_org_admin


def org_admin_required(
    view: Callable[Concatenate[AuthedRequest, P], HttpResponse],
) -> Callable[Concatenate[AuthedRequest, P], HttpResponse]:
    """Answer 404 to anyone but an organisation administrator: the pages do not exist for them."""

    @wraps(view)
    def wrapper(request: AuthedRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not is_org_admin(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def administered_users(admin: User) -> QuerySet[User]:
    """The admin's organisation's users, with what the user list shows, in a fixed number of
    queries however many users there are. System administrators (superusers) are kept in
    Django's admin, never by an organisation's administrator."""
    org_id = admin.organisation_id
    if org_id is None or not is_org_admin(admin):
        return User.objects.none()
    return (
        User.objects.filter(organisation_id=org_id, is_superuser=False)
        .annotate(
            has_second_factor=Exists(
                TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)
            ),
            is_locked=lockout.is_locked(),
            has_link=Exists(OneTimeLink.objects.usable().filter(user_id=OuterRef("pk"))),
        )
        .prefetch_related(
            Prefetch(
                "role_assignments",
                queryset=RoleAssignment.objects.select_related("association"),
            )
        )
        .order_by("last_name", "first_name", "username")
    )


def get_user_for_admin(admin: User, pk: int) -> User:
    """One user of the admin's organisation, or 404."""
    try:
        return administered_users(admin).get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None


def administrable_associations(admin: User) -> QuerySet[Association]:
    """Associations in which the admin may hand out roles: those their organisation is a member
    or partner of, and the association that is their organisation."""
    org_id = admin.organisation_id
    if org_id is None or not is_org_admin(admin):
        return Association.objects.none()
    return Association.objects.filter(
        Q(organisation_id=org_id)
        | Q(pk__in=Association.objects.filter(memberships__organisation_id=org_id).values("pk"))
    ).order_by("short_name")


def assignable_roles(admin: User, association: Association) -> list[Role]:
    """The roles the admin may give their organisation's users in one association.

    Staff of the association itself never reach person-level data (docs/domain.md R1): they get the
    office and board roles. Member and partner organisations get the person roles, the board and
    ESF reporter (for an organisation that owns an ESF project).
    """
    if association.organisation_id == admin.organisation_id:
        return [Role.ASSOCIATION_OFFICE, Role.BOARD_MEMBER]
    others = (Role.BOARD_MEMBER, Role.ESF_REPORTER)
    return [role for role in Role if role in PERSON_ROLES or role in others]


def organisation_roles() -> list[Role]:
    return [role for role in Role if role in ORGANISATION_ROLES]


def receiving_associations(admin: User) -> QuerySet[Association]:
    """The associations in which the admin's organisation receives meeting invitations: those
    it takes part in whose roles reach person data, not the association that is the
    organisation itself (its staff never do, R1)."""
    if admin.organisation_id is None:
        return Association.objects.none()
    return administrable_associations(admin).exclude(organisation_id=admin.organisation_id)


def administered_receivers(admin: User) -> QuerySet[Receiver]:
    if admin.organisation_id is None or not is_org_admin(admin):
        return Receiver.objects.none()
    return Receiver.objects.filter(
        organisation_id=admin.organisation_id,
        association__in=receiving_associations(admin),
    ).select_related("association", "user")


def get_receiver_for_admin(admin: User, pk: int) -> Receiver:
    """One receiver of the admin's organisation, or 404."""
    try:
        return administered_receivers(admin).get(pk=pk)
    except Receiver.DoesNotExist:
        raise Http404 from None
