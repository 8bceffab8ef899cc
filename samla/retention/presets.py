"""Proposals an organisation's administrator can start from, by kind of organisation, and the
floors the law sets (docs/domain.md R8; sources in the shared reference, section 4).

A proposal fills only the record types that have no rule yet: it never overwrites a decision
the organisation has already entered. Försäkringskassan and Arbetsförmedlingen decide their own
rules; there is no proposal for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from samla.organisations.models import Organisation
from samla.retention.models import RecordType, StartsFrom

Kind = Organisation.Kind


@dataclass(frozen=True)
class Proposal:
    """One rule of a preset."""

    record_type: RecordType
    years: int | None
    starts_from: StartsFrom
    keeps_research_days: bool
    decision: str


@dataclass(frozen=True)
class Preset:
    key: str
    name: StrOrPromise
    kind: str
    rules: tuple[Proposal, ...]


_SOCIAL_SERVICES = (
    "Socialtjänstlagen (2001:453) 12 kap. 1 § och socialtjänstförordningen (2001:937) 7 kap. 2 § "
    "(personer födda den 5, 15 och 25 bevaras för forskningen). Kontrollera lagrummen i den "
    "socialtjänstlag som gäller från den 1 juli 2025."
)
_PERSON_RECORDS = (
    RecordType.PARTICIPANT,
    RecordType.CONSENT,
    RecordType.STORY,
    RecordType.PLAN,
    RecordType.MEETING,
    RecordType.REFERRAL,
    RecordType.MEASUREMENT,
    RecordType.ACCESS_EXTRACT,
)
_HEALTH_CARE_LOG = "HSLF-FS 2016:40 4 kap. 9 §: åtkomstloggar sparas i minst fem år."

PRESETS = (
    Preset(
        key="social_services",
        name=_("Kommunens socialtjänst: fem år efter sista anteckningen"),
        kind=Kind.MUNICIPALITY,
        rules=(
            *(
                Proposal(record_type, 5, StartsFrom.LAST_ENTRY, True, _SOCIAL_SERVICES)
                for record_type in _PERSON_RECORDS
            ),
            Proposal(
                RecordType.AUDIT_LOG,
                5,
                StartsFrom.WRITTEN,
                False,
                "Informationshanteringsplanen: loggen sparas lika länge som personakten.",
            ),
        ),
    ),
    Preset(
        key="health_care",
        name=_("Hälso- och sjukvård: åtkomstloggen i fem år"),
        kind=Kind.REGION,
        rules=(Proposal(RecordType.AUDIT_LOG, 5, StartsFrom.WRITTEN, False, _HEALTH_CARE_LOG),),
    ),
)


def presets_for(organisation: Organisation) -> list[Preset]:
    return [preset for preset in PRESETS if preset.kind == organisation.kind]


def preset(key: str) -> Preset | None:
    return next((p for p in PRESETS if p.key == key), None)


def fewest_years(organisation: Organisation, record_type: str) -> int | None:
    """The shortest time the law lets this organisation keep this type of record, if any: a
    health-care controller (a region) keeps its access log at least five years."""
    if organisation.kind == Kind.REGION and record_type == RecordType.AUDIT_LOG:
        return 5
    return None


def check_period(organisation: Organisation, record_type: str, years: int | None) -> None:
    """Refuse a period shorter than the law's floor (``fewest_years``); None keeps for ever."""
    floor = fewest_years(organisation, record_type)
    if floor is not None and years is not None and years < floor:
        raise ValidationError(
            _("Lagen kräver att de här uppgifterna sparas i minst %(years)s år."),
            code="below_floor",
            params={"years": floor},
        )
