"""Who keeps which rules and holds: an organisation's administrator, those of their own
organisation (docs/domain.md R8). Nothing here shows anything of a person but the organisation's
own reference to them (ADR 0013), as the log review does."""

from __future__ import annotations

from django.db.models import QuerySet

from samla import idnumbers
from samla.accounts.models import User
from samla.organisations.models import Association
from samla.oversight.references import participant_id_of
from samla.people.models import Participant
from samla.retention.models import (
    CullingRun,
    CullingRunQuerySet,
    CullingSettings,
    LegalHold,
    LegalHoldQuerySet,
    RetentionRule,
)


def rules_of(admin: User) -> QuerySet[RetentionRule]:
    return RetentionRule.objects.filter(organisation_id=_organisation_of(admin))


def holds_of(admin: User) -> LegalHoldQuerySet:
    return LegalHold.objects.filter(organisation_id=_organisation_of(admin)).select_related(
        "placed_by", "lifted_by"
    )


def runs_of(admin: User) -> CullingRunQuerySet:
    return CullingRun.objects.filter(organisation_id=_organisation_of(admin)).select_related(
        "created_by", "approved_by", "discarded_by"
    )


def automatic_culling(admin: User) -> bool:
    return CullingSettings.objects.filter(
        organisation_id=_organisation_of(admin), automatic=True
    ).exists()


def protocols_of(association: Association) -> list[CullingRun]:
    """The done runs that culled someone of the association, the newest first: its copy of
    the protocols, which it keeps without persons."""
    key = str(association.pk)
    done = CullingRun.objects.filter(state=CullingRun.State.DONE, people_culled__gt=0)
    return [
        run
        for run in done.select_related("organisation", "approved_by").order_by("-finished_at")
        if key in run.by_association
    ]


def _organisation_of(admin: User) -> int:
    assert admin.organisation_id is not None  # an organisation administrator's
    return admin.organisation_id


class SeveralRecords(Exception):
    """The identity number is on more than one record the organisation keeps (one person in two
    associations): only the reference says which."""


def person_to_hold(admin: User, text: str) -> Participant | None:
    """The person a reference of the organisation's ("P-7K3F-Q9XM") or an identity number names,
    among those whose records the organisation keeps; None if there is no such person."""
    organisation_id = _organisation_of(admin)
    kept = Participant.objects.with_records_of(organisation_id)
    try:
        number = idnumbers.parse(text)
    except idnumbers.InvalidIdNumber:
        participant_id = participant_id_of(organisation_id, text)
        return kept.filter(pk=participant_id).first() if participant_id else None
    found = list(kept.filter(id_number=number.value)[:2])
    if len(found) > 1:
        raise SeveralRecords
    return found[0] if found else None
