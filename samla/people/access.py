"""Who may see a person. Every read of person-level data goes through this module.

The rule (docs/domain.md R1-R3, R6): a user sees a participant only while

- they hold a role that reaches person data (coordinator, case handler, activity staff) in the
  participant's association: association office and board never do;
- they are on the participant's team (need to know, also inside one organisation);
- they work for the controlling organisation, or a consent in force names their organisation;
- and, for a protected identity, they work for the controlling organisation.

Missing and not allowed both answer 404, so existence does not leak. Each successful read
writes one audit row in the same transaction, naming the consent that allowed it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BooleanField, Exists, Func, Model, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from samla import idnumbers
from samla.accounts.models import PERSON_ROLES, Role, User
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.people.models import (
    Consent,
    InformationCategory,
    Participant,
    ParticipantQuerySet,
    TeamMember,
    member_sees,
    seen_by,
)

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType

T = TypeVar("T")
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class ParticipantAccess:
    """A participant as one user may see them, and on what ground."""

    participant: Participant
    user: User
    consent: Consent | None  # None when the user works for the controlling organisation

    @property
    def is_controller(self) -> bool:
        return self.user.organisation_id == self.participant.controlling_organisation_id

    @property
    def can_manage(self) -> bool:
        """Register consent, keep the team, edit the record: the controlling organisation's
        coordinators on the team."""
        return self.is_controller and self.user.has_role(
            Role.COORDINATOR, association=self.participant.association
        )

    def sees_part_of(self, organisation_id: int | None) -> bool:
        """Whether this user sees an organisation's own part (what a meeting asks of it, its
        confirmation of a plan): the controlling organisation sees every part, another
        organisation only its own."""
        return self.is_controller or organisation_id == self.user.organisation_id

    def allows(self, category: InformationCategory) -> bool:
        """Whether this user may see information of a category. The controlling organisation
        sees all it holds; another organisation what the consent includes and does not exclude."""
        if self.is_controller:
            return True
        return self.consent is not None and self.consent.allows(category)

    @property
    def role(self) -> str:
        roles = self.user.roles_in(self.participant.association) & PERSON_ROLES
        return ",".join(sorted(roles))


def visible_participants(user: User) -> ParticipantQuerySet:
    return Participant.objects.visible_to(user)


def visible_at(user: User, participant: str = "participant") -> Q:
    """For rows about a person (``participant``: the path to them): the user may see them."""
    return seen_by(user, participant)


def allowed_rows(user: User, *, participant: str, category: str) -> Q:
    """``ParticipantAccess.allows`` in SQL, for rows about a person that carry a category of
    information (a plan's actions): the person is one the user may see, and the user's
    organisation controls them or the consent that decides (``deciding_consents``) includes the
    category and does not exclude it. ``participant`` is the path to the person, ``category``
    the field. So that a list shows its first rows with a LIMIT instead of reading every row of
    the caseload to filter them in Python."""
    organisation_id = user.organisation_id
    assert organisation_id is not None
    deciding = (
        _naming(organisation_id, timezone.localdate())
        .filter(participant=OuterRef(OuterRef(participant)))
        .order_by(*LATEST_FIRST)
        .values("pk")[:1]
    )
    allowing = Consent.objects.filter(
        _Holds("categories_included", OuterRef(category)),
        ~_Holds("categories_excluded", OuterRef(category)),
        pk=Subquery(deciding),
    )
    return visible_at(user, participant) & (
        Q(**{f"{participant}__controlling_organisation_id": organisation_id}) | Q(Exists(allowing))
    )


class _Holds(Func):
    """Whether a JSON list (a consent's categories) holds a value, on SQLite and PostgreSQL."""

    output_field = BooleanField()

    def _sides(self, compiler: SQLCompiler) -> tuple[str, str, list[Any]]:
        (items, items_params), (value, value_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return items, value, [*items_params, *value_params]

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        items, value, params = self._sides(compiler)  # compiled: the values are parameters
        sql = f"EXISTS (SELECT 1 FROM json_each({items}) WHERE json_each.value = {value})"  # noqa: S608
        return sql, params

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        items, value, params = self._sides(compiler)
        return f"({items} @> jsonb_build_array({value}))", params


def log_list_read(user: User, shown: int, *, purpose: str, role: str = "") -> None:
    """Log that a list of people was shown: one row with the number shown, not one per person
    (ADR 0002). Call it inside the transaction that read the list."""
    if shown:
        record(
            actor=user,
            action=AuditEvent.Action.VIEW,
            role=role,
            summary=f"{purpose} ({shown} visade)",
        )


def read_list(user: User, rows: Iterable[T], *, purpose: str, role: str = "") -> list[T]:
    """Evaluate a list of people (or of their referrals, meetings...) and log that it was shown,
    in one transaction: the caller's, if it has one (no savepoint: nothing here recovers from a
    failure halfway, so the whole of it rolls back)."""
    with transaction.atomic(savepoint=False):
        shown = list(rows)
        log_list_read(user, len(shown), purpose=purpose, role=role)
    return shown


def read_first(
    user: User, rows: QuerySet[M], count: int, *, purpose: str, role: str = ""
) -> tuple[list[M], bool]:
    """The first ``count`` of a list and whether more follow, read (one more than shown, never
    the whole list) and logged as ``read_list`` does, with the number shown."""
    with transaction.atomic(savepoint=False):
        found = list(rows[: count + 1])
        log_list_read(user, min(len(found), count), purpose=purpose, role=role)
    return found[:count], len(found) > count


def read_search(
    user: User, rows: Iterable[Participant], *, query: str, found_one: bool
) -> list[Participant]:
    """A page of the participant list, read and logged in one transaction (``read_list``).

    A search that singles people out, by identity number or with ``found_one`` (the search
    found one person and no more), is a read of each person shown too: it is logged against
    each of them, so that it is in the person's own access extract (R4)."""
    if not query:
        return read_list(user, rows, purpose="Deltagarlista")
    with transaction.atomic(savepoint=False):
        shown = list(rows)
        log_list_read(user, len(shown), purpose="Sökning")
        if idnumbers.looks_like_number(query):
            log_each_read(user, shown, purpose="Sökning på personnummer")
        elif found_one:
            log_each_read(user, shown, purpose="Sökning på namn, en träff")
    return shown


def log_each_read(user: User, participants: list[Participant], *, purpose: str) -> None:
    """Log a read of each of these people, naming what allowed it, as ``get_participant_for_user``
    does for one. Participants come with their association; one query finds the consents
    whatever their number. Call it inside the transaction that read them."""
    organisation_id = user.organisation_id
    others = [p.pk for p in participants if p.controlling_organisation_id != organisation_id]
    consents = (
        deciding_consents(organisation_id, others, timezone.localdate())
        if others and organisation_id is not None
        else {}
    )
    for participant in participants:
        access = ParticipantAccess(
            participant=participant, user=user, consent=consents.get(participant.pk)
        )
        _record_read(access, AuditEvent.Action.VIEW, purpose)


def _record_read(access: ParticipantAccess, action: AuditEvent.Action, purpose: str) -> None:
    """The audit row of one read of a person: who, in which role, on which consent."""
    participant = access.participant
    record(
        actor=access.user,
        action=action,
        obj=participant,
        participant_id=participant.pk,
        consent_id=access.consent.pk if access.consent else None,
        role=access.role,
        flagged=participant.is_protected,
        summary=purpose,
    )


# Of the consents in force that name an organisation, the one that decides comes first.
LATEST_FIRST = ("-valid_from", "-recorded_at")


def _naming(organisation_id: int, on: date) -> QuerySet[Consent]:
    return Consent.objects.in_force(on).filter(organisations=organisation_id)


def deciding_consents(
    organisation_id: int, participant_ids: Iterable[int], on: date
) -> dict[int, Consent]:
    """For each person, the consent that decides what an organisation sees of them: the latest
    in force that names it. One query for any number of people."""
    chosen: dict[int, Consent] = {}
    consents = (
        _naming(organisation_id, on)
        .filter(participant_id__in=list(participant_ids))
        .order_by("participant_id", *LATEST_FIRST)
    )
    for consent in consents:
        chosen.setdefault(consent.participant_id, consent)
    return chosen


def _consent_for(user: User, participant: Participant) -> Consent | None:
    if user.organisation_id is None:
        return None
    return deciding_consents(user.organisation_id, [participant.pk], timezone.localdate()).get(
        participant.pk
    )


def _access_of(user: User, participant: Participant) -> ParticipantAccess:
    """What this user may do with the participant: their own organisation's record, or what the
    consent that names their organisation allows."""
    consent = (
        None
        if user.organisation_id == participant.controlling_organisation_id
        else _consent_for(user, participant)
    )
    return ParticipantAccess(participant=participant, user=user, consent=consent)


class RecordedBasis(TypedDict):
    """``audit.record``'s ``role`` and ``consent_id``."""

    role: str
    consent_id: int | None


def basis_of(user: User | None, participant: Participant) -> RecordedBasis:
    """What allows this user's write about the participant, for its audit row: their roles, and
    for another organisation the consent that names it. Every action that writes about a person
    names it, so that the row says so whether or not a read came before it in the same request
    (a task, the demo's history, an answer to an invitation). Samla itself (no user) and the
    person in Min Samla have no role here: the person's own pages name theirs."""
    if user is None or user.organisation_id is None:
        return RecordedBasis(role="", consent_id=None)
    access = _access_of(user, participant)
    return RecordedBasis(role=access.role, consent_id=access.consent.pk if access.consent else None)


def would_allow(user: User, participant: Participant, category: InformationCategory) -> bool:
    """Whether this user may see this category of information about the participant right now.

    For deciding whom to tell about something (a notice carries no data, so nothing is read
    and nothing is logged); to show anything, go through ``get_participant_for_user``."""
    if not visible_participants(user).filter(pk=participant.pk).exists():
        return False
    return _access_of(user, participant).allows(category)


def get_participant_for_user(
    user: User,
    pk: int,
    *,
    purpose: str,
    manage: bool = False,
    action: AuditEvent.Action = AuditEvent.Action.VIEW,
) -> ParticipantAccess:
    """Fetch a participant if this user may see them, and log the read.

    ``purpose`` is the short, non-sensitive text the audit row carries ("Översikt",
    "Samtycken"...). With ``manage=True`` the user must also be allowed to change the record.
    """
    with transaction.atomic():
        participant = (
            visible_participants(user)
            .select_related("association", "controlling_organisation", "home_municipality")
            .filter(pk=pk)
            .first()
        )
        if participant is None:
            raise Http404
        access = _access_of(user, participant)
        if manage and not access.can_manage:
            raise PermissionDenied
        _record_read(access, action, purpose)
    return access


def get_consent_for_user(
    user: User, pk: int, consent_pk: int, *, manage: bool = False
) -> tuple[ParticipantAccess, Consent]:
    access = get_participant_for_user(user, pk, purpose="Samtycke", manage=manage)
    consent = (
        Consent.objects.filter(participant=access.participant, pk=consent_pk)
        .prefetch_related("organisations")
        .select_related("recorded_by", "withdrawn_by")
        .first()
    )
    if consent is None:
        raise Http404
    consent.participant = access.participant
    return access, consent


def get_team_member_for_user(user: User, pk: int, member_pk: int) -> TeamMember:
    access = get_participant_for_user(user, pk, purpose="Team", manage=True)
    member = (
        TeamMember.objects.current()
        .filter(participant=access.participant, pk=member_pk)
        .select_related("user__organisation")
        .first()
    )
    if member is None:
        raise Http404
    return member


def team_with_access(participant: Participant) -> list[tuple[TeamMember, bool]]:
    """The current team, each member with whether they can see the person right now (a member
    from another organisation whose consent lapsed stays on the team but sees nothing)."""
    members = (
        TeamMember.objects.current()
        .filter(participant=participant)
        .select_related("user__organisation")
        .annotate(sees=member_sees(participant))
    )
    return [(member, member.sees) for member in members]  # type: ignore[attr-defined]


# The person's own door (Min Samla, samla.mysamla) -------------------------------------------

# The role of a person's reads of their own records on the audit row: the person's access
# extract shows these rows as "du själv", a log review as the person themself.
OWN_ROLE = "person"


def own_participants(user: User) -> ParticipantQuerySet:
    """Every record of the person signed in to Min Samla: the same identity number at several
    controlling organisations is one person here. Nothing for staff or anyone else."""
    if not user.is_authenticated or not user.person_number:
        return Participant.objects.none()
    return _records_of(user.person_number).select_related("association", "controlling_organisation")


def _records_of(number: str) -> ParticipantQuerySet:
    """The identified participants with this identity number, at every controller."""
    return Participant.objects.filter(kind=Participant.Kind.IDENTIFIED, id_number=number)


def _record_own_read(
    user: User,
    participant: Participant,
    purpose: str,
    action: AuditEvent.Action = AuditEvent.Action.VIEW,
) -> None:
    record(
        actor=user,
        action=action,
        obj=participant,
        participant_id=participant.pk,
        role=OWN_ROLE,
        flagged=participant.is_protected,
        summary=purpose,
    )


def read_own(
    user: User, *, purpose: str, action: AuditEvent.Action = AuditEvent.Action.VIEW
) -> list[Participant]:
    """All the person's own records, each read logged as the person's own, in one transaction;
    ``action`` PRINT for a PDF the person takes away."""
    with transaction.atomic():
        participants = list(own_participants(user))
        for participant in participants:
            _record_own_read(user, participant, purpose, action)
    return participants


def get_own_participant(user: User, pk: int, *, purpose: str) -> Participant:
    """One of the person's own records, or 404 (missing and someone else's alike); the read
    logged as the person's own."""
    with transaction.atomic():
        participant = own_participants(user).filter(pk=pk).first()
        if participant is None:
            raise Http404
        _record_own_read(user, participant, purpose)
    return participant


def read_own_consents(
    user: User, *, purpose: str, action: AuditEvent.Action = AuditEvent.Action.VIEW
) -> list[Consent]:
    """Every consent in the person's own records, drafts and withdrawn ones too, each record
    read logged as the person's own (``action`` PRINT for a printed copy), in one transaction."""
    with transaction.atomic():
        participants = {p.pk: p for p in own_participants(user)}
        consents = list(
            Consent.objects.filter(participant_id__in=list(participants))
            .prefetch_related("organisations", "replaced_by")
            .select_related("replaces", "recorded_by__organisation", "withdrawn_by__organisation")
        )
        for participant in participants.values():
            _record_own_read(user, participant, purpose, action)
    for consent in consents:
        consent.participant = participants[consent.participant_id]
    return consents


def get_own_consent(user: User, pk: int, *, purpose: str) -> Consent:
    """One consent in the person's own records, or 404 (missing and someone else's alike); the
    read of its record logged as the person's own."""
    with transaction.atomic():
        consent = (
            Consent.objects.filter(pk=pk, participant__in=own_participants(user))
            .prefetch_related("organisations", "replaced_by")
            .select_related(
                "participant__controlling_organisation",
                "participant__association",
                "replaces",
                "recorded_by__organisation",
                "withdrawn_by__organisation",
            )
            .first()
        )
        if consent is None:
            raise Http404
        _record_own_read(user, consent.participant, purpose)
    return consent


def has_records(number: str) -> Participant | None:
    """One of the records of the person with this identity number, or None: whether Min Samla
    has anything for someone whose e-ID gave the number. Reads no content, logs nothing."""
    return _records_of(number).only("first_name", "last_name").first()


def drafts_waiting(participants: list[Participant]) -> int:
    """How many consents drafted for these (the person's own, already read) records wait for the
    person to give or decline them: for Min Samla's start page."""
    return Consent.objects.filter(
        participant__in=participants, given_at__isnull=True, withdrawn_at__isnull=True
    ).count()
