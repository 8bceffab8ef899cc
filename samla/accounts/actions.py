"""Sign-in and the administration of users. Every change writes an audit row in its transaction."""

from __future__ import annotations

import enum
import secrets
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from samla.accounts import eid, lockout
from samla.accounts.access import (
    administrable_associations,
    assignable_roles,
    organisation_roles,
    receiving_associations,
)
from samla.accounts.models import (
    PERSON_ROLES,
    RECEIVER_ROLES,
    OneTimeLink,
    Receiver,
    Role,
    RoleAssignment,
    User,
)
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.concurrency import check_version
from samla.organisations.models import Association

RoleChoice = tuple[Role, Association | None]
"""A role and the association it holds in; None for an organisation role."""

_AUDIT_NAME_LENGTH = 150


class ActionRefused(Exception):
    """The change breaks a rule; the message says which, in words for the user."""


class LoginOutcome(enum.Enum):
    OK = "ok"
    # Wrong name, wrong password, inactive, locked out: one answer for all (accounts.lockout).
    FAILED = "failed"
    # The right password, but the second factor is required and the user has not enrolled one:
    # only a one-time link from the administrator lets them do that (the password opens nothing).
    NOT_ENROLLED = "not_enrolled"


@dataclass(frozen=True)
class LoginAttempt:
    outcome: LoginOutcome
    user: User | None = None


class CodeOutcome(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    THROTTLED = "throttled"


def _name(user: User) -> str:
    return user.username[:_AUDIT_NAME_LENGTH]


def _login_failed(user: User | None, username: str, summary: str) -> LoginAttempt:
    record(
        actor=user,
        action=AuditEvent.Action.LOGIN_FAILED,
        obj=user,
        actor_name=username[:_AUDIT_NAME_LENGTH],
        summary=summary,
    )
    return LoginAttempt(LoginOutcome.FAILED)


@transaction.atomic
def check_login(request: HttpRequest, *, username: str, password: str) -> LoginAttempt:
    """The password step, through Django's ``authenticate`` so that django-axes counts it. The
    user row stays locked until the count is written, so parallel guesses at one name are
    checked one after another and cannot slip past the lock-out."""
    user = User.objects.select_for_update().filter(username=username).first()
    if lockout.is_refused(request, username):
        make_password(password)  # as long as a real check: the answer's timing says nothing
        return _login_failed(user, username, "Spärrad efter för många misslyckade försök")
    authenticated = authenticate(request, username=username, password=password)
    if authenticated is None:
        if user is None:
            summary = "Okänt användarnamn"
        elif not user.is_active and user.check_password(password):
            summary = "Kontot är inaktiverat"
        else:
            summary = "Fel lösenord"
        attempt = _login_failed(user, username, summary)
        if lockout.locked_now(request) and user is not None:
            record(actor=user, action=AuditEvent.Action.LOCKOUT, obj=user, actor_name=_name(user))
        return attempt
    assert isinstance(authenticated, User)
    if settings.SAMLA_REQUIRE_MFA and not user_has_device(authenticated, confirmed=True):
        record(
            actor=authenticated,
            action=AuditEvent.Action.LOGIN_FAILED,
            obj=authenticated,
            actor_name=_name(authenticated),
            summary="Lösenord rätt men ingen tvåstegsverifiering: engångslänk krävs",
        )
        return LoginAttempt(LoginOutcome.NOT_ENROLLED)
    record(
        actor=authenticated,
        action=AuditEvent.Action.LOGIN,
        obj=authenticated,
        actor_name=_name(authenticated),
        summary="Lösenord godkänt",
    )
    return LoginAttempt(LoginOutcome.OK, authenticated)


def _check_code(
    request: HttpRequest, *, actor: User, device: TOTPDevice, token: str
) -> CodeOutcome:
    """Check a TOTP code with django-otp's throttling of the device (the wait doubles after each
    miss) and the lock-out of the name and the client (samla.accounts.lockout)."""
    allowed, _ = device.verify_is_allowed()
    if not allowed or lockout.is_refused(request, actor.username):
        outcome = CodeOutcome.THROTTLED
    elif device.verify_token(token):
        return CodeOutcome.OK
    else:
        outcome = CodeOutcome.WRONG
        lockout.code_failed(request, actor)
    record(
        actor=actor,
        action=AuditEvent.Action.LOGIN_FAILED,
        obj=actor,
        actor_name=_name(actor),
        summary="Fel kod för tvåstegsverifiering",
    )
    return outcome


@transaction.atomic
def verify_second_factor(
    request: HttpRequest, *, actor: User, token: str
) -> tuple[CodeOutcome, TOTPDevice | None]:
    """The second step of signing in, with the user's confirmed device."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=actor, confirmed=True)
        .order_by("pk")
        .first()
    )
    if device is None:
        return CodeOutcome.WRONG, None
    outcome = _check_code(request, actor=actor, device=device, token=token)
    if outcome is CodeOutcome.OK:
        record(
            actor=actor,
            action=AuditEvent.Action.LOGIN,
            obj=actor,
            actor_name=_name(actor),
            summary="Tvåstegsverifiering godkänd",
        )
    return outcome, device


@transaction.atomic
def start_enrolment(*, actor: User) -> TOTPDevice:
    """The unconfirmed device to show as a QR code; the same one until it is confirmed, so a
    reload does not invalidate what the user already scanned."""
    if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise ActionRefused(gettext("Tvåstegsverifiering är redan aktiverad."))
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name="Samla", confirmed=False)
    return device


@transaction.atomic
def confirm_enrolment(
    request: HttpRequest, *, actor: User, token: str
) -> tuple[CodeOutcome, TOTPDevice | None]:
    """Confirm the new device with a first code. Only while the user has no confirmed device,
    and the view lets only a user who came through a one-time link here: someone who knows only
    the password cannot add a device of their own."""
    if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise ActionRefused(gettext("Tvåstegsverifiering är redan aktiverad."))
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=actor, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None:
        return CodeOutcome.WRONG, None
    outcome = _check_code(request, actor=actor, device=device, token=token)
    if outcome is CodeOutcome.OK:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
        record(
            actor=actor, action=AuditEvent.Action.MFA_ENROLLED, obj=actor, actor_name=_name(actor)
        )
    return outcome, device


@dataclass(frozen=True)
class EidAttempt:
    """A login with e-ID: the user it signs in, or why not."""

    user: User | None = None
    refusal: eid.Refused | None = None


def check_eid_login(request: HttpRequest, *, provider: eid.Provider) -> EidAttempt:
    """The callback from the provider: the token and claims checked (samla.accounts.eid), then
    the staff member matched, never created. Either way an audit row, in its own transaction;
    the provider is asked outside any."""
    try:
        identity = eid.verified_identity(request, provider)
        return EidAttempt(user=_eid_login(identity))
    except eid.Refused as refusal:
        _eid_refused(provider, refusal)
        return EidAttempt(refusal=refusal)


def _matching(identity: eid.Identity) -> models.QuerySet[User]:
    """A citizen e-ID matches the personnummer or samordningsnummer, SITHS the HSA-id."""
    if identity.number is not None:
        return User.objects.filter(identity_number=identity.number.value)
    return User.objects.filter(hsa_id=identity.hsa_id)


def _eid_user(identity: eid.Identity) -> User:
    user = _matching(identity).select_for_update().first()
    if user is None:
        raise eid.Refused(eid.Reason.UNKNOWN, "ingen användare", identity)
    if not user.is_active:
        raise eid.Refused(eid.Reason.INACTIVE, "kontot är inaktiverat", identity)
    return user


@transaction.atomic
def _eid_login(identity: eid.Identity) -> User:
    """The matched user: the failures counted against their name are forgotten (e-ID is the
    owner's way past a lock-out, like the one-time link)."""
    user = _eid_user(identity)
    lockout.unlock(user)
    record(
        actor=user,
        action=AuditEvent.Action.LOGIN,
        obj=user,
        actor_name=_name(user),
        summary=f"e-legitimation ({identity.provider.name}) godkänd, tillitsnivå {identity.acr}",
    )
    return user


@transaction.atomic
def _eid_refused(provider: eid.Provider, refusal: eid.Refused) -> None:
    identity = refusal.identity
    user = None
    if refusal.reason is eid.Reason.INACTIVE and identity is not None:
        user = _matching(identity).first()
    who = identity.masked() if identity is not None else "okänd"
    record(
        actor=user,
        action=AuditEvent.Action.LOGIN_FAILED,
        obj=user,
        actor_name=who,
        summary=f"e-legitimation ({provider.name}) nekad: {refusal.detail}; {who}",
    )


@transaction.atomic
def log_out(*, actor: User) -> None:
    record(actor=actor, action=AuditEvent.Action.LOGOUT, obj=actor, actor_name=_name(actor))


# The person's own account (Min Samla) -------------------------------------------------------

PERSON_ROLE = "person"


@transaction.atomic
def sign_in_person(identity: eid.Identity, *, first_name: str, last_name: str) -> User:
    """The account of a person whose e-ID gave a number that the caller found among the
    participants: made at the first login, never for anyone else (ADR 0015). It has no
    password, no organisation and no role; the audit row names the provider and the level."""
    assert identity.number is not None
    number = identity.number.value
    user = User.objects.select_for_update().filter(person_number=number).first()
    if user is None:
        user = User(
            username=f"person-{secrets.token_hex(8)}",
            person_number=number,
            first_name=first_name[:150],
            last_name=last_name[:150],
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # the same person's first login in two tabs at once
            user = User.objects.select_for_update().get(person_number=number)
    if not user.is_active:
        raise eid.Refused(eid.Reason.INACTIVE, "kontot är inaktiverat", identity)
    record(
        actor=user,
        action=AuditEvent.Action.LOGIN,
        obj=user,
        role=PERSON_ROLE,
        actor_name=user.get_full_name(),
        summary=(
            f"Min Samla: e-legitimation ({identity.provider.name}) godkänd, "
            f"tillitsnivå {identity.acr}"
        ),
    )
    return user


def person_refused(provider: eid.Provider, refusal: eid.Refused) -> None:
    """A refused login at the person's door: logged like a staff member's."""
    _eid_refused(provider, refusal)


@transaction.atomic
def log_out_everywhere(user: User) -> None:
    """Ends every session of the user: Django checks each session against the password's hash,
    and a new unusable password changes it."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    record(
        actor=user,
        action=AuditEvent.Action.LOGOUT,
        obj=user,
        role=PERSON_ROLE if user.is_person else "",
        actor_name=user.get_full_name() or _name(user),
        summary="Utloggad överallt",
    )


# Organisation administration ---------------------------------------------------------------

PROFILE_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "title",
    "phone",
    "identity_number",
    "hsa_id",
)


def _check_roles(actor: User, roles: Collection[RoleChoice]) -> None:
    """Defence in depth behind the form: only roles the admin may hand out."""
    associations = {a.pk: a for a in administrable_associations(actor)}
    for role, association in roles:
        if association is None:
            ok = role in organisation_roles()
        else:
            ok = association.pk in associations and role in assignable_roles(
                actor, associations[association.pk]
            )
        if not ok:
            raise ActionRefused(gettext("Du kan inte ge den rollen."))


def _set_roles(actor: User, user: User, roles: Collection[RoleChoice]) -> bool:
    """Make the user's roles within the admin's reach exactly ``roles``; leave the rest alone.
    True if anything changed."""
    _check_roles(actor, roles)
    wanted = {(role.value, association.pk if association else None) for role, association in roles}
    reachable = set(administrable_associations(actor).values_list("pk", flat=True))
    current = {
        (a.role, a.association_id): a
        for a in RoleAssignment.objects.filter(user=user)
        if a.association_id is None or a.association_id in reachable
    }
    stale = [a.pk for key, a in current.items() if key not in wanted]
    RoleAssignment.objects.filter(pk__in=stale).delete()
    for role, association_id in wanted - current.keys():
        RoleAssignment.objects.create(user=user, role=role, association_id=association_id)
    return bool(stale) or bool(wanted - current.keys())


def _save_unique(user: User, update_fields: list[str] | None = None) -> None:
    """Save, telling the administrator when another user took the name or number meanwhile
    (the form checks first; the database's unique constraints decide between two at once)."""
    try:
        with transaction.atomic():
            user.save(update_fields=update_fields)
    except IntegrityError as error:
        raise ActionRefused(
            gettext(
                "Användarnamnet, personnumret eller HSA-id:t har just sparats för en annan "
                "användare. Välj ett annat."
            )
        ) from error


@transaction.atomic
def create_user(
    *,
    actor: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    title: str,
    phone: str,
    roles: Collection[RoleChoice],
    identity_number: str = "",
    hsa_id: str = "",
) -> tuple[User, str]:
    """A new user in the admin's own organisation, without a password, and the one-time link
    with which they choose one and enrol their second factor (its token, shown once)."""
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        title=title,
        phone=phone,
        identity_number=identity_number,
        hsa_id=hsa_id,
        organisation_id=actor.organisation_id,
    )
    user.set_unusable_password()
    _save_unique(user)
    _set_roles(actor, user, roles)
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=user,
        actor_name=_name(actor),
        summary="Användare skapad",
    )
    return user, issue_link(actor=actor, user=user)


@transaction.atomic
def update_user(
    *,
    actor: User,
    user: User,
    expected_version: str,
    profile: dict[str, str],
    roles: Collection[RoleChoice],
) -> User:
    """Change a user's details and roles, unless someone else changed them since the form read
    ``expected_version`` (then raise ``concurrency.Stale``)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    check_version(user, expected_version, version=user.edit_version())
    if user.pk == actor.pk and (Role.ORG_ADMIN, None) not in roles:
        raise ActionRefused(
            gettext("Du kan inte ta bort din egen roll som organisationsadministratör.")
        )
    changed = [name for name in PROFILE_FIELDS if getattr(user, name) != profile[name]]
    for name in changed:
        setattr(user, name, profile[name])
    if changed:
        _save_unique(user, update_fields=changed)
    if _set_roles(actor, user, roles):
        changed.append("roles")
    if changed:
        record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=user,
            actor_name=_name(actor),
            summary="Ändrade: " + ", ".join(changed),
        )
    return user


@transaction.atomic
def set_active(*, actor: User, user: User, active: bool) -> User:
    if user.pk == actor.pk and not active:
        raise ActionRefused(gettext("Du kan inte inaktivera ditt eget konto."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=user,
        actor_name=_name(actor),
        summary="Kontot aktiverat" if active else "Kontot inaktiverat",
    )
    return user


@transaction.atomic
def unlock_user(*, actor: User, user: User) -> User:
    lockout.unlock(user)
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=user,
        actor_name=_name(actor),
        summary="Kontot upplåst",
    )
    return user


@transaction.atomic
def reset_second_factor(*, actor: User, user: User) -> User:
    """Remove the user's authenticator devices: they enrol a new one at their next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=user,
        actor_name=_name(actor),
        summary="Tvåstegsverifiering återställd",
    )
    return user


@transaction.atomic
def issue_link(*, actor: User, user: User) -> str:
    """A new one-time link for the user; any older unused one stops working. Returns the
    token, which is kept nowhere (only its hash): the administrator sees it once."""
    if not user.is_active:
        raise ActionRefused(gettext("Kontot är inaktiverat. Aktivera det först."))
    OneTimeLink.objects.filter(user=user, used_at__isnull=True).delete()
    link, token = OneTimeLink.new(user=user, created_by=actor)
    link.save()
    until = timezone.localtime(link.expires_at)
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=user,
        actor_name=_name(actor),
        summary=f"Engångslänk skapad, gäller till {until:%Y-%m-%d %H:%M}",
    )
    return token


@transaction.atomic
def use_link(*, link_id: int, new_password: str) -> User:
    """The user of a one-time link chooses their password. The link is used up, the failures
    counted against their name are forgotten (the link is the owner's way past a lock-out).
    Raises ActionRefused if the link was used, voided or expired meanwhile."""
    link = OneTimeLink.objects.usable().select_for_update().filter(pk=link_id).first()
    if link is None or not link.user.is_active:
        raise ActionRefused(gettext("Länken gäller inte längre. Be din administratör om en ny."))
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    user = link.user
    user.set_password(new_password)
    user.save(update_fields=["password"])
    lockout.unlock(user)
    record(
        actor=user,
        action=AuditEvent.Action.LOGIN,
        obj=user,
        actor_name=_name(user),
        summary="Engångslänk använd, nytt lösenord valt",
    )
    return user


@transaction.atomic
def change_password(*, actor: User, new_password: str) -> None:
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    record(actor=actor, action=AuditEvent.Action.UPDATE, obj=actor, summary="Bytte lösenord")


@transaction.atomic
def add_receiver(
    *, actor: User, association: Association, user: User | None, role: str
) -> Receiver:
    """Name a person of the admin's organisation, or a role, to receive the meeting
    invitations addressed to the organisation in an association."""
    if association not in receiving_associations(actor):
        raise ActionRefused(gettext("Organisationen tar inte emot kallelser i det förbundet."))
    if (user is None) == (not role):
        raise ActionRefused(gettext("Välj antingen en person eller en roll."))
    if user is not None:
        if user.organisation_id != actor.organisation_id or not user.is_active:
            raise ActionRefused(
                gettext("%(name)s är inte en aktiv användare i din organisation.") % {"name": user}
            )
        if not user.has_role(*PERSON_ROLES, association=association):
            raise ActionRefused(
                gettext(
                    "%(name)s har ingen roll i %(association)s som ger tillgång till "
                    "personuppgifter och kan inte ta emot kallelser där."
                )
                % {"name": user, "association": association}
            )
    elif role not in RECEIVER_ROLES:
        raise ActionRefused(gettext("Välj en roll som ger tillgång till personuppgifter."))
    assert actor.organisation_id is not None
    try:
        with transaction.atomic():
            receiver = Receiver.objects.create(
                organisation_id=actor.organisation_id,
                association=association,
                user=user,
                role=role,
            )
    except IntegrityError as error:
        raise ActionRefused(
            gettext("%(who)s tar redan emot kallelser i %(association)s.")
            % {"who": user or Role(role).label, "association": association}
        ) from error
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=receiver,
        actor_name=_name(actor),
        summary=f"Mottagare av kallelser i {association.short_name}: {receiver}",
    )
    return receiver


@transaction.atomic
def remove_receiver(*, actor: User, receiver: Receiver) -> None:
    record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=receiver,
        actor_name=_name(actor),
        summary=f"Tog bort mottagare av kallelser i {receiver.association.short_name}: {receiver}",
    )
    receiver.delete()
