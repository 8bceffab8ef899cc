"""Writes to a participant's record. Each is one transaction with its audit row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from samla import idnumbers
from samla.accounts.models import PERSON_ROLES, User
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.concurrency import Stale
from samla.notifications.notices import notify_person
from samla.organisations.models import Association, Organisation
from samla.people import names
from samla.people.access import OWN_ROLE, RecordedBasis, basis_of
from samla.people.models import (
    NAME_FIELDS,
    Consent,
    Participant,
    TargetGroup,
    TeamMember,
)


def find_duplicate(organisation: Organisation, number: idnumbers.IdNumber) -> Participant | None:
    """The participant the controlling organisation already holds under this number, if any.
    Only ever asked on registration, within the user's own organisation."""
    return (
        Participant.objects.filter(controlling_organisation=organisation, id_number=number.value)
        .select_related("controlling_organisation")
        .first()
    )


@dataclass(frozen=True)
class Identity:
    number: idnumbers.IdNumber
    first_name: str
    last_name: str


@transaction.atomic
def register_participant(
    *,
    actor: User,
    association: Association,
    identity: Identity | None,
    sex: str,
    start_year: int,
    target_groups: Iterable[TargetGroup] = (),
    details: dict[str, Any] | None = None,
) -> Participant:
    """Register a person (identified when ``identity`` is given, else anonymous) with the
    registering coordinator's organisation as controller and the coordinator on the team."""
    assert actor.organisation is not None
    if identity is not None and find_duplicate(actor.organisation, identity.number):
        raise ValidationError(
            _(
                "Det finns redan en deltagare med det här numret i din organisation. "
                "Be personens koordinator att lägga till dig i teamet."
            )
        )
    participant = Participant(
        association=association,
        controlling_organisation=actor.organisation,
        created_by=actor,
        sex=sex,
        start_year=start_year,
    )
    if identity is None:
        participant.kind = Participant.Kind.ANONYMOUS
    else:
        participant.kind = Participant.Kind.IDENTIFIED
        participant.id_number = identity.number.value
        participant.id_number_kind = identity.number.kind.value
        participant.first_name = identity.first_name
        participant.last_name = identity.last_name
        participant.birth_date = identity.number.birth_date
        for field, value in (details or {}).items():
            setattr(participant, field, value)
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError as error:  # registered by a colleague since the duplicate check
        raise ValidationError(
            _("Det finns redan en deltagare med det här numret i din organisation.")
        ) from error
    participant.target_groups.set(target_groups)
    TeamMember.objects.create(
        participant=participant, user=actor, role=TeamMember.Role.COORDINATOR, added_by=actor
    )
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=participant,
        participant_id=participant.pk,
        summary="Registrerade deltagare",
        **basis_of(actor, participant),
    )
    return participant


@transaction.atomic
def update_participant(
    participant: Participant,
    *,
    actor: User,
    version: int,
    changes: dict[str, Any],
    target_groups: Iterable[TargetGroup] | None = None,
) -> Participant:
    """Save changed details unless someone else saved first (then raise ``concurrency.Stale``)."""
    written = dict(changes)
    if NAME_FIELDS & changes.keys():
        written["search_name"] = names.search_name(
            changes.get("first_name", participant.first_name),
            changes.get("last_name", participant.last_name),
        )
    updated = Participant.objects.filter(pk=participant.pk, version=version).update(
        version=F("version") + 1, changed_at=timezone.now(), **written
    )
    if not updated:
        participant.refresh_from_db()
        raise Stale(participant)
    if target_groups is not None:
        participant.target_groups.set(target_groups)
    participant.refresh_from_db()
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=participant,
        participant_id=participant.pk,
        summary="Ändrade uppgifter: " + ", ".join(sorted(changes)),
        **basis_of(actor, participant),
    )
    return participant


@transaction.atomic
def link_identity_number(
    participant: Participant, *, actor: User, number: idnumbers.IdNumber
) -> Participant:
    """Replace a reserve number with the person's real number, keeping the reserve number."""
    if participant.id_number_kind != idnumbers.IdNumberKind.RESERVE:
        raise ValidationError(_("Bara ett reservnummer kan ersättas med ett riktigt nummer."))
    if number.kind == idnumbers.IdNumberKind.RESERVE:
        raise ValidationError(_("Ange ett personnummer eller samordningsnummer."))
    duplicate = find_duplicate(participant.controlling_organisation, number)
    if duplicate is not None:
        raise ValidationError(_("Numret finns redan hos en annan deltagare i er organisation."))
    Participant.objects.filter(pk=participant.pk).update(
        former_reserve_number=participant.id_number,
        id_number=number.value,
        id_number_kind=number.kind.value,
        birth_date=number.birth_date,
        changed_at=timezone.now(),
        version=F("version") + 1,
    )
    participant.refresh_from_db()
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=participant,
        participant_id=participant.pk,
        summary="Kopplade reservnummer till personnummer",
        **basis_of(actor, participant),
    )
    return participant


@transaction.atomic
def record_consent(
    *,
    actor: User,
    participant: Participant,
    organisations: Iterable[Organisation],
    categories_included: list[str],
    categories_excluded: list[str],
    form: str,
    given_by: str,
    given_by_name: str = "",
    legal_basis: str = Consent.LegalBasis.PUBLIC_TASK,
    valid_from: date,
    valid_to: date | None,
    note: str = "",
    replaces: Consent | None = None,
    draft: bool = False,
) -> Consent:
    """A consent the person gave, or with ``draft`` one for the person to give digitally with
    e-ID in Min Samla (``give_consent``): a draft lifts no secrecy until then."""
    if draft:
        form, given_by, given_by_name = Consent.Form.DIGITAL, Consent.GivenBy.PERSON, ""
    consent = Consent.objects.create(
        participant=participant,
        categories_included=categories_included,
        categories_excluded=categories_excluded,
        form=form,
        given_by=given_by,
        given_by_name=given_by_name,
        legal_basis=legal_basis,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note,
        recorded_by=actor,
        replaces=replaces,
        given_at=None if draft else timezone.now(),
    )
    consent.organisations.set(organisations)
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=consent,
        participant_id=participant.pk,
        summary="Registrerade utkast till samtycke" if draft else "Registrerade samtycke",
        **basis_of(actor, participant),
    )
    if draft:  # waits for the person in Min Samla; told only if they chose it, and neutrally
        notify_person(participant.id_number, about=consent)
    return consent


@transaction.atomic
def give_consent(consent: Consent, *, actor: User, signature: str) -> Consent:
    """The person gives a consent their coordinator drafted, signed with e-ID (``signature``
    says with which provider and at which assurance level): in force from this moment, if its
    dates say so."""
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_at is not None:
        raise ValidationError(_("Samtycket är inte längre aktuellt. Ingenting har ändrats."))
    if locked.given_at is not None:
        raise ValidationError(_("Du har redan lämnat det här samtycket."))
    if locked.valid_to is not None and locked.valid_to < timezone.localdate():
        raise ValidationError(
            _("Tiden för samtycket har gått ut. Be din koordinator om ett nytt samtycke.")
        )
    locked.given_at = timezone.now()
    locked.given_signature = signature
    locked.save(update_fields=["given_at", "given_signature"])
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        participant_id=locked.participant_id,
        role=OWN_ROLE,
        summary=f"Lämnade samtycke digitalt med {signature}",
    )
    return locked


@transaction.atomic
def withdraw_consent(consent: Consent, *, actor: User, reason: str, signature: str = "") -> Consent:
    """Withdrawal takes effect at once: the next request from another organisation is refused.
    It reaches everything that rested on the consent: each function listed in
    ``SAMLA_CONSENT_WITHDRAWN`` (by dotted path, as the apps below people may not be imported
    here) is called with the withdrawn consent in this transaction, so the withdrawal and what
    follows from it are committed or refused together. A draft withdrawn is declined.

    ``signature`` is the person's e-ID signature when they withdraw it themself in Min Samla."""
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_at is not None:
        raise ValidationError(_("Samtycket är redan återkallat."))
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = actor
    locked.withdrawal_reason = reason
    locked.withdrawal_signature = signature
    locked.save(
        update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "withdrawal_signature"]
    )
    summary = "Avböjde samtycke" if locked.given_at is None else "Återkallade samtycke"
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        participant_id=locked.participant_id,
        summary=f"{summary} med {signature}" if signature else summary,
        **(
            RecordedBasis(role=OWN_ROLE, consent_id=None)
            if signature
            else basis_of(actor, locked.participant)
        ),
    )
    for path in settings.SAMLA_CONSENT_WITHDRAWN:
        import_string(path)(locked)
    return locked


def team_candidates(participant: Participant) -> list[User]:
    """Who can be added to the team now: people with a person role in the association, from
    the controlling organisation or (unless the identity is protected) one a consent names."""
    allowed_orgs = {participant.controlling_organisation_id}
    if not participant.is_protected:
        allowed_orgs |= set(
            Consent.objects.in_force(timezone.localdate())
            .filter(participant=participant)
            .values_list("organisations", flat=True)
        )
    current = TeamMember.objects.current().filter(participant=participant).values("user_id")
    return list(
        User.objects.filter(
            is_active=True,
            organisation_id__in=allowed_orgs,
            role_assignments__association=participant.association,
            role_assignments__role__in=list(PERSON_ROLES),
        )
        .exclude(pk__in=current)
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name", "first_name", "last_name")
    )


@transaction.atomic
def add_team_member(
    participant: Participant, *, actor: User, user: User, role: str = TeamMember.Role.MEMBER
) -> TeamMember:
    if user not in team_candidates(participant):
        raise ValidationError(
            _(
                "%(name)s kan inte läggas till. Personen måste ha en roll i förbundet och arbeta "
                "i den ansvariga organisationen eller i en organisation som ett gällande "
                "samtycke omfattar."
            )
            % {"name": user}
        )
    if role == TeamMember.Role.COORDINATOR:
        TeamMember.objects.current().filter(
            participant=participant, role=TeamMember.Role.COORDINATOR
        ).update(role=TeamMember.Role.MEMBER)
    try:
        with transaction.atomic():
            member = TeamMember.objects.create(
                participant=participant, user=user, role=role, added_by=actor
            )
    except IntegrityError as error:  # someone else added them a moment ago
        raise ValidationError(_("%(name)s finns redan i teamet.") % {"name": user}) from error
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=member,
        participant_id=participant.pk,
        summary="Lade till teammedlem",
        **basis_of(actor, participant),
    )
    return member


@transaction.atomic
def remove_team_member(member: TeamMember, *, actor: User) -> None:
    if member.role == TeamMember.Role.COORDINATOR:
        raise ValidationError(_("Koordinatorn kan inte tas bort. Utse först en ny koordinator."))
    member.removed_at = timezone.now()
    member.removed_by = actor
    member.save(update_fields=["removed_at", "removed_by"])
    record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=member,
        participant_id=member.participant_id,
        summary="Tog bort teammedlem",
        **basis_of(actor, member.participant),
    )
