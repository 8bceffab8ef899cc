"""Reading the access log for people: whose events a reviewer sees, and in words."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from samla.audit.models import AuditEvent, AuditEventQuerySet
from samla.organisations.models import Organisation
from samla.people.models import Consent, Participant


def events_for_review(organisation: Organisation) -> AuditEventQuerySet:
    """Everything the organisation answers for: its users' actions, and every access to the
    persons it is data controller for, whoever made it."""
    controlled = Participant.objects.controlled_by(organisation.pk).values("pk")
    return AuditEvent.objects.filter(
        Q(organisation_id=organisation.pk) | Q(participant_id__in=controlled)
    ).order_by("-seq")


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    organisation: str
    participant: str
    consent: Consent | None


def describe_events(events: list[AuditEvent]) -> list[EventRow]:
    """Resolve the ids an event stores to names, in three queries whatever the page size."""
    organisations = dict(
        Organisation.objects.filter(
            pk__in={e.organisation_id for e in events if e.organisation_id}
        ).values_list("pk", "name")
    )
    participants = Participant.objects.display_names(
        {e.participant_id for e in events if e.participant_id}
    )
    consents = Consent.objects.in_bulk({e.consent_id for e in events if e.consent_id})
    return [
        EventRow(
            event=e,
            organisation=organisations.get(e.organisation_id or 0, ""),
            participant=participants.get(e.participant_id or 0, ""),
            consent=consents.get(e.consent_id) if e.consent_id else None,
        )
        for e in events
    ]
