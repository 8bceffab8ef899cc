"""Reading the access log for people: whose events a reviewer sees, and in words.

A row names the person by reference (``references.py``, ADR 0013), never by name: the review is
about what staff did, and most reviewers may not see the people they review reads of."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samla.accounts.models import Role
from samla.audit.models import AuditEvent, AuditEventQuerySet
from samla.organisations.models import Organisation
from samla.oversight.references import reference_for
from samla.people.models import Consent, Participant
from samla.referrals.access import PROVIDER_ROLE
from samla.referrals.models import Referral


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


def role_labels(roles: str) -> str:
    """The roles an event stores as codes ("case_handler,coordinator"), in Swedish."""
    labels = []
    for code in filter(None, roles.split(",")):
        if code == PROVIDER_ROLE:
            labels.append(_("Utförare (insatspersonal)"))
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
    event: AuditEvent,
    consent: Consent | None,
    referral: Referral | None,
    controller_id: int | None,
) -> tuple[str, str]:
    """What allowed the access, as the reviewer and as the person read it (R2, R4): the consent
    or the referral the row names, else the organisation's own responsibility for the person."""
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
    if event.actor_id is None:
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


def describe_events(events: list[AuditEvent], *, reviewer_organisation_id: int) -> list[EventRow]:
    """Resolve the ids an event stores to what a reviewer reads, in four queries whatever the
    page size: organisations and consents by name and number, people by the reviewing
    organisation's reference to them."""
    organisations = dict(
        Organisation.objects.filter(
            pk__in={e.organisation_id for e in events if e.organisation_id}
        ).values_list("pk", "name")
    )
    participant_ids = {e.participant_id for e in events if e.participant_id}
    controllers = Participant.objects.controllers(participant_ids)
    consents = Consent.objects.in_bulk({e.consent_id for e in events if e.consent_id})
    referrals = Referral.objects.select_related("activity").in_bulk(
        {e.referral_id for e in events if e.referral_id}
    )
    rows = []
    for e in events:
        consent = consents.get(e.consent_id) if e.consent_id else None
        basis, basis_for_person = _basis(
            e,
            consent,
            referrals.get(e.referral_id) if e.referral_id else None,
            controllers.get(e.participant_id) if e.participant_id else None,
        )
        rows.append(
            EventRow(
                event=e,
                organisation=organisations.get(e.organisation_id or 0, ""),
                reference=(
                    reference_for(reviewer_organisation_id, e.participant_id)
                    if e.participant_id
                    else ""
                ),
                consent=consent,
                roles=role_labels(e.role),
                basis=basis,
                basis_for_person=basis_for_person,
            )
        )
    return rows
