"""Reading the access log for people: whose events a reviewer sees, and in words.

A row names the person by reference (``references.py``, ADR 0013), never by name: the review is
about what staff did, and most reviewers may not see the people they review reads of.

The person's extract (R4) is made here too, for the staff who print it and for the person in Min
Samla alike: the events of the person's records (``extract_events``), a summary per organisation,
role and ground (``summarize``), and each event in words (``describe_events``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Max,
    Q,
    Value,
    When,
)
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samla.accounts.models import Role
from samla.audit.models import AuditEvent, AuditEventQuerySet
from samla.organisations.models import Organisation
from samla.oversight.references import reference_for
from samla.people.access import OWN_ROLE
from samla.people.models import Consent, Participant
from samla.referrals.access import PROVIDER_ROLE
from samla.referrals.models import Referral


def events_for_review(organisation: Organisation) -> AuditEventQuerySet:
    """Everything the organisation answers for: its users' actions, and every access to the
    persons it is data controller for, whoever made it."""
    controlled = Participant.objects.controlled_by(organisation.pk).values("pk")
    return AuditEvent.objects.filter(
        Q(organisation_id=organisation.pk) | Q(participant_id__in=controlled)
    ).order_by("-created_at", "-pk")


def extract_events(participant_ids: Iterable[int]) -> AuditEventQuerySet:
    """Who read or changed these records, newest first: one record's for the staff who print
    the extract, all of a person's records for the person in Min Samla (R4)."""
    return AuditEvent.objects.filter(participant_id__in=list(participant_ids)).order_by(
        "-created_at", "-pk"
    )


def within_period(
    events: AuditEventQuerySet, date_from: date | None, date_to: date | None
) -> AuditEventQuerySet:
    """The events from the start of the first day to the end of the last, in Samla's time zone;
    either end may be open."""
    tz = timezone.get_current_timezone()
    if date_from:
        events = events.filter(created_at__gte=datetime.combine(date_from, time.min, tz))
    if date_to:
        events = events.filter(created_at__lte=datetime.combine(date_to, time.max, tz))
    return events


@dataclass(frozen=True)
class Grounds:
    """What an event stores about what allowed it; also a whole group of events alike."""

    participant_id: int | None
    organisation_id: int | None
    role: str
    consent_id: int | None
    referral_id: int | None
    automatic: bool
    """No user did it: Samla did, on its own."""

    @classmethod
    def of(cls, event: AuditEvent) -> Grounds:
        return cls(
            participant_id=event.participant_id,
            organisation_id=event.organisation_id,
            role=event.role,
            consent_id=event.consent_id,
            referral_id=event.referral_id,
            automatic=event.actor_id is None,
        )

    @property
    def by_person(self) -> bool:
        """The person read their own data, in Min Samla."""
        return self.role == OWN_ROLE


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    organisation: str
    reference: str
    """The person the event is about, as the reviewing organisation's reference ("P-7K3F-Q9XM"),
    empty for an event about no one."""
    consent: Consent | None
    roles: str
    """The role the access was made in, in Swedish ("Handläggare")."""
    basis: str
    """What allowed it, for the reviewer: "Samtycke #12, gällande 2026-01-01–2026-12-31"."""
    basis_for_person: str
    """The same, said to the person in their own extract."""
    by_person: bool = False
    """The person read their own data ("du själv" in their extract)."""
    controller: str = ""
    """The organisation that holds the record read, for a person with records at several."""


@dataclass(frozen=True)
class UserRow:
    """What one user of one organisation did in the events reviewed: the review's summary."""

    organisation: str
    actor: str
    reads: int
    changes: int
    printed: int
    flagged: int
    people: int
    last: datetime


def by_user(events: AuditEventQuerySet, shown: int) -> tuple[list[UserRow], bool]:
    """Per user and organisation, the most active first: reads, changes, exports and prints,
    reads of protected identities, and how many people; ``shown`` rows and whether more follow.
    One grouping query and one for the organisations' names."""
    Action = AuditEvent.Action
    own = Q(role=OWN_ROLE)  # people in Min Samla: together, and never by name (ADR 0013)
    groups = list(
        events.order_by()
        .annotate(
            who=Case(
                When(own, then=Value(0)), default=F("actor_id"), output_field=BigIntegerField()
            ),
            name=Case(When(own, then=Value("")), default=F("actor_name"), output_field=CharField()),
        )
        .values("organisation_id", "who", "name")
        .annotate(
            total=Count("pk"),
            reads=Count("pk", filter=Q(action=Action.VIEW)),
            changes=Count("pk", filter=Q(action__in=[Action.CREATE, Action.UPDATE, Action.DELETE])),
            printed=Count("pk", filter=Q(action__in=[Action.EXPORT, Action.PRINT])),
            flagged=Count("pk", filter=Q(flagged=True)),
            people=Count("participant_id", distinct=True),
            last=Max("created_at"),
        )
        .order_by("-total", "name", "who")[: shown + 1]
    )
    names = dict(
        Organisation.objects.filter(
            pk__in={g["organisation_id"] for g in groups if g["organisation_id"]}
        ).values_list("pk", "name")
    )
    rows = [
        UserRow(
            organisation=names.get(g["organisation_id"] or 0, ""),
            actor=_actor(g["who"], g["name"]),
            reads=g["reads"],
            changes=g["changes"],
            printed=g["printed"],
            flagged=g["flagged"],
            people=g["people"],
            last=g["last"],
        )
        for g in groups[:shown]
    ]
    return rows, len(groups) > shown


def _actor(who: int | None, name: str) -> str:
    if who == 0:
        return _("Personerna själva, i Min Samla")
    return name or (_("Samla, automatiskt") if who is None else "")


@dataclass(frozen=True)
class SummaryRow:
    """Every access by one organisation in one role on one ground, in the person's extract."""

    organisation: str
    roles: str
    basis: str
    basis_for_person: str
    by_person: bool
    count: int
    last: datetime


def role_labels(roles: str) -> str:
    """The roles an event stores as codes ("case_handler,coordinator"), in Swedish."""
    labels = []
    for code in filter(None, roles.split(",")):
        if code == PROVIDER_ROLE:
            labels.append(_("Utförare (insatspersonal)"))
        elif code == OWN_ROLE:
            labels.append(_("Personen själv"))
        elif code in Role.values:
            labels.append(str(Role(code).label))
        else:
            labels.append(code)
    return ", ".join(labels)


def _period(consent: Consent) -> str:
    start = date_format(consent.valid_from, "Y-m-d")
    if consent.valid_to is None:
        return _("gällande från %(start)s") % {"start": start}
    end = date_format(consent.valid_to, "Y-m-d")
    return _("gällande %(start)s–%(end)s") % {"start": start, "end": end}


def _basis(
    event: Grounds,
    consent: Consent | None,
    referral: Referral | None,
    controller_id: int | None,
) -> tuple[str, str]:
    """What allowed the access, as the reviewer and as the person read it (R2, R4): the consent
    or the referral the row names, else the organisation's own responsibility for the person."""
    if event.by_person:
        return (
            _("Personen själv, i Min Samla"),
            _("Du läste själv i Min Samla"),
        )
    if consent is not None:
        period = _period(consent)
        return (
            _("Samtycke #%(id)s, %(period)s") % {"id": consent.pk, "period": period},
            _("Med stöd av ditt samtycke (nummer %(id)s), %(period)s")
            % {"id": consent.pk, "period": period},
        )
    if event.consent_id is not None:
        return (
            _("Samtycke #%(id)s") % {"id": event.consent_id},
            _("Med stöd av ditt samtycke (nummer %(id)s)") % {"id": event.consent_id},
        )
    if event.referral_id is not None:
        activity = referral.activity.name if referral is not None else ""
        if activity:
            return (
                _("Remiss #%(id)s till %(activity)s")
                % {"id": event.referral_id, "activity": activity},
                _("Med stöd av remissen till %(activity)s") % {"activity": activity},
            )
        return (
            _("Remiss #%(id)s") % {"id": event.referral_id},
            _("Med stöd av en remiss"),
        )
    if event.participant_id is None:
        return "–", ""
    if event.automatic:
        return (
            _("Samla, automatiskt"),
            _("Samla gjorde det automatiskt"),
        )
    if controller_id is not None and event.organisation_id == controller_id:
        return (
            _("Ansvarig organisation"),
            _("Med stöd av att organisationen är ansvarig för dina uppgifter"),
        )
    return (
        _("Ingen grund registrerad"),
        _("Ingen grund är registrerad"),
    )


@dataclass(frozen=True)
class _Names:
    """What the ids a set of events stores stand for, fetched in four queries."""

    organisations: dict[int, str]
    controllers: dict[int, int]
    consents: dict[int, Consent]
    referrals: dict[int, Referral]

    @classmethod
    def of(cls, grounds: list[Grounds]) -> _Names:
        controllers = Participant.objects.controllers(
            {g.participant_id for g in grounds if g.participant_id}
        )
        organisation_ids = {g.organisation_id for g in grounds if g.organisation_id}
        return cls(
            organisations=dict(
                Organisation.objects.filter(
                    pk__in=organisation_ids | set(controllers.values())
                ).values_list("pk", "name")
            ),
            controllers=controllers,
            consents=Consent.objects.in_bulk({g.consent_id for g in grounds if g.consent_id}),
            referrals=Referral.objects.select_related("activity").in_bulk(
                {g.referral_id for g in grounds if g.referral_id}
            ),
        )

    def organisation(self, grounds: Grounds) -> str:
        return self.organisations.get(grounds.organisation_id or 0, "")

    def controller(self, grounds: Grounds) -> str:
        """The organisation that holds the record the event is about."""
        controller_id = self.controllers.get(grounds.participant_id or 0)
        return self.organisations.get(controller_id or 0, "")

    def consent(self, grounds: Grounds) -> Consent | None:
        return self.consents.get(grounds.consent_id) if grounds.consent_id else None

    def basis(self, grounds: Grounds) -> tuple[str, str]:
        return _basis(
            grounds,
            self.consent(grounds),
            self.referrals.get(grounds.referral_id) if grounds.referral_id else None,
            self.controllers.get(grounds.participant_id) if grounds.participant_id else None,
        )


def describe_events(
    events: list[AuditEvent], *, reviewer_organisation_id: int | None
) -> list[EventRow]:
    """Resolve the ids an event stores to what a reviewer reads, in four queries whatever the
    page size: organisations and consents by name and number, people by the reviewing
    organisation's reference to them (none for the person reading their own extract)."""
    grounds = [Grounds.of(e) for e in events]
    names = _Names.of(grounds)
    rows = []
    for e, g in zip(events, grounds, strict=True):
        basis, basis_for_person = names.basis(g)
        rows.append(
            EventRow(
                event=e,
                organisation=names.organisation(g),
                reference=(
                    reference_for(reviewer_organisation_id, e.participant_id)
                    if e.participant_id and reviewer_organisation_id is not None
                    else ""
                ),
                consent=names.consent(g),
                roles=role_labels(e.role),
                basis=basis,
                basis_for_person=basis_for_person,
                by_person=g.by_person,
                controller=names.controller(g),
            )
        )
    return rows


def summarize(events: AuditEventQuerySet) -> list[SummaryRow]:
    """Per organisation, role and ground: how many times and when last, the latest first and
    the person's own reads at the end. One grouping query and four lookups, whatever the number
    of events; several records of one person count together."""
    groups = (
        events.order_by()
        .annotate(
            automatic=ExpressionWrapper(Q(actor_id__isnull=True), output_field=BooleanField())
        )
        .values(
            "participant_id",
            "organisation_id",
            "role",
            "consent_id",
            "referral_id",
            "automatic",
        )
        .annotate(count=Count("pk"), last=Max("created_at"))
    )
    counted = [
        (Grounds(**{k: v for k, v in g.items() if k not in ("count", "last")}), g) for g in groups
    ]
    names = _Names.of([grounds for grounds, _group in counted])
    merged: dict[tuple[str, str, str, bool], SummaryRow] = {}
    for grounds, group in counted:
        basis, basis_for_person = names.basis(grounds)
        key = (names.organisation(grounds), grounds.role, basis_for_person, grounds.by_person)
        earlier = merged.get(key)
        merged[key] = SummaryRow(
            organisation=key[0],
            roles=role_labels(grounds.role),
            basis=basis,
            basis_for_person=basis_for_person,
            by_person=grounds.by_person,
            count=group["count"] + (earlier.count if earlier else 0),
            last=max(group["last"], earlier.last) if earlier else group["last"],
        )
    rows = sorted(merged.values(), key=lambda row: row.last, reverse=True)
    return sorted(rows, key=lambda row: row.by_person)
