"""The one way to write to the access log.

Call ``record()`` from actions and access functions, inside the transaction that does the read
or the change, never from a signal. Then the log row and the thing it describes are committed or
rolled back together, and a read that cannot be logged does not happen.

Each row about a person says what allowed the access: the role, and the consent (another
organisation) or the referral (a provider's staff) that the access function found. The access
function names them on the row it writes for the read; within the same request, a later row by
the same user about the same person that names none (the change an action then logs) carries
the same ones (ADR 0003, "The basis of each access").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection, models
from django.utils import timezone

from samla.audit import chain
from samla.audit.middleware import current_request_id
from samla.audit.models import AuditEvent


class Actor(Protocol):
    """What the log needs of a user, so that this app need not import accounts.

    Read-only properties, so that a user whose ``organisation_id`` is typed ``int`` fits too.
    """

    @property
    def pk(self) -> Any: ...

    @property
    def organisation_id(self) -> int | None: ...

    def get_full_name(self) -> str: ...

    @property
    def is_person(self) -> bool: ...


def _actor_name(actor: Actor) -> str:
    """The user's name as the log keeps it; none for a person in Min Samla, whose own reads
    say "Personen själv" (the role says who), so that the log never keeps the name of a person
    whose records are culled (ADR 0022)."""
    return "" if actor.is_person else actor.get_full_name()


def _fit(value: str, field_name: str) -> str:
    """Cut human text to its column, so a long name never makes the logged operation fail."""
    field = AuditEvent._meta.get_field(field_name)
    assert isinstance(field, models.CharField) and field.max_length is not None
    max_length = field.max_length
    return value if len(value) <= max_length else value[: max_length - 1] + "…"


@dataclass(frozen=True)
class Basis:
    """What allowed one user to reach one person: a role, and a consent or a referral."""

    role: str = ""
    consent_id: int | None = None
    referral_id: int | None = None

    def filled_from(self, earlier: Basis | None) -> Basis:
        """This basis with what it leaves out taken from the one found earlier in the request,
        unless it names another role (then it is a different ground altogether)."""
        if earlier is None or (self.role and self.role != earlier.role):
            return self
        return Basis(
            role=self.role or earlier.role,
            consent_id=self.consent_id if self.consent_id is not None else earlier.consent_id,
            referral_id=self.referral_id if self.referral_id is not None else earlier.referral_id,
        )


# The bases found in the request being served, by (user, person). Keyed by the request id too, so
# a thread that serves the next request, or a task outside any request, never inherits them.
_bases: ContextVar[tuple[str, dict[tuple[Any, int], Basis]] | None] = ContextVar(
    "samla_audit_bases", default=None
)


def _basis_in_request(actor: Actor | None, participant_id: int | None, given: Basis) -> Basis:
    request_id = current_request_id()
    if actor is None or participant_id is None or not request_id:
        return given
    current = _bases.get()
    if current is None or current[0] != request_id:
        current = (request_id, {})
        _bases.set(current)
    found = current[1]
    key = (actor.pk, participant_id)
    basis = given.filled_from(found.get(key))
    if basis.role:
        found[key] = basis
    return basis


def _event(
    *,
    actor: Actor | None,
    action: AuditEvent.Action,
    obj: models.Model | None,
    participant_id: int | None,
    basis: Basis,
    flagged: bool,
    summary: str,
    actor_name: str,
) -> AuditEvent:
    """One event, signed with its own mac: ready to insert, not yet in the chain."""
    if obj is not None and obj.pk is None:
        raise ValueError("record() needs a saved object: log a deletion before deleting.")
    basis = _basis_in_request(actor, participant_id, basis)
    event = AuditEvent(
        created_at=timezone.now(),
        actor_id=actor.pk if actor is not None else None,
        actor_name=_fit(
            (_actor_name(actor) if actor is not None else "") or actor_name, "actor_name"
        ),
        organisation_id=actor.organisation_id if actor is not None else None,
        role=_fit(basis.role, "role"),
        participant_id=participant_id,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        consent_id=basis.consent_id,
        referral_id=basis.referral_id,
        request_id=current_request_id(),
        flagged=flagged,
        summary=_fit(summary, "summary"),
    )
    event.mac = chain.compute_mac(chain.content_of(event))
    return event


def record(
    *,
    actor: Actor | None,
    action: AuditEvent.Action,
    obj: models.Model | None = None,
    participant_id: int | None = None,
    consent_id: int | None = None,
    referral_id: int | None = None,
    role: str = "",
    flagged: bool = False,
    summary: str = "",
    actor_name: str = "",
) -> AuditEvent:
    """Append one event to the log and return it.

    ``actor`` is None when there is no user, as for a failed login; pass ``actor_name`` (the
    name that was tried) instead. ``obj`` must still have its primary key, so log a deletion
    before deleting. ``summary`` is short human text that names no sensitive content
    ("Översikt", "Samtycke").

    ``role`` with ``consent_id`` or ``referral_id`` say what allowed the access; a row about a
    person that names no role takes them from the row the same user's access to that person
    wrote earlier in the same request.

    No lock is taken: any number of transactions append at once, and the sealer
    (``sealing.py``) gives the event its place in the hash chain once it has committed. Until
    then its own mac shows any change to it (ADR 0017).
    """
    event = _event(
        actor=actor,
        action=action,
        obj=obj,
        participant_id=participant_id,
        basis=Basis(role=role, consent_id=consent_id, referral_id=referral_id),
        flagged=flagged,
        summary=summary,
        actor_name=actor_name,
    )
    # A plain INSERT rather than Model.save(): this runs on every read of person data.
    with connection.cursor() as cursor:
        cursor.execute(f"{_INSERT} RETURNING id", _values(event.__dict__, event.mac))
        event.pk = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, connection.alias
    return event


def record_each(
    people: Iterable[tuple[int, bool]],
    *,
    actor: Actor,
    action: AuditEvent.Action,
    obj: models.Model | None = None,
    role: str = "",
    summary: str = "",
) -> int:
    """One event per person in ``people`` (each person's id, and whether their event is
    flagged), alike but for the person and all at one moment: what a file or a list of many
    people writes. Sent to the database as one batch of plain INSERTs (no model instance per
    row), so a file of 24 000 people is logged in a few seconds, and no lock is held while it
    runs (ADR 0017). Returns how many were written."""
    if obj is not None and obj.pk is None:
        raise ValueError("record() needs a saved object: log a deletion before deleting.")
    common = {
        "created_at": timezone.now(),
        "actor_id": actor.pk,
        "actor_name": _fit(_actor_name(actor), "actor_name"),
        "organisation_id": actor.organisation_id,
        "action": str(action),
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        "request_id": current_request_id(),
        "summary": _fit(summary, "summary"),
    }
    rows = []
    for participant_id, flagged in people:
        basis = _basis_in_request(actor, participant_id, Basis(role=role))
        content = common | {
            "seq": None,
            "role": _fit(basis.role, "role"),
            "participant_id": participant_id,
            "consent_id": basis.consent_id,
            "referral_id": basis.referral_id,
            "flagged": flagged,
        }
        rows.append(_values(content, chain.compute_mac(content)))
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(_INSERT, rows)
    return len(rows)


def _values(content: Mapping[str, Any], mac: str) -> list[Any]:
    """The INSERT's parameters; the time as the database keeps it (SQLite: UTC text), as the
    ORM would send it."""
    values = [content[name] for name in _COLUMNS]
    values[_AT] = _CREATED_AT.get_db_prep_value(values[_AT], connection)
    return [*values, mac]


_COLUMNS = chain.SIGNED_FIELDS
_AT = _COLUMNS.index("created_at")
_CREATED_AT = AuditEvent._meta.get_field("created_at")
_INSERT = (
    f"INSERT INTO {AuditEvent._meta.db_table} ({', '.join(_COLUMNS)}, mac, prev_hash, hash) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(_COLUMNS))}, %s, '', '')"
)
