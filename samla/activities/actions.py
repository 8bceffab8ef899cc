"""Writes to the activity catalogue. Each is one transaction with its audit row (no participant:
an activity is not person data).

The rules an activity keeps across models are checked here, so that no caller can skip them:
target groups are the association's own, the provider is a member or partner of it, the
municipalities served are its members', a year lies within the activity's period, and staff
counts belong to structural activities only. Each refusal is a ``ValidationError`` keyed by the
form field it concerns, in Swedish, and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from samla.accounts.models import Role, User
from samla.activities.models import Activity, ActivityYear, StructuralParticipation
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.concurrency import check_version
from samla.organisations.models import Association, Municipality, Organisation
from samla.people.models import TargetGroup

EDITABLE_FIELDS = (
    "name",
    "description",
    "provider",
    "target_groups",
    "municipalities",
    "starts_on",
    "ends_on",
    "capacity",
    "min_age",
    "max_age",
)
MANY_TO_MANY = ("target_groups", "municipalities")


def providers_for(association: Association) -> list[Organisation]:
    """Organisations that may provide the association's activities: its members and partners."""
    return list(
        Organisation.objects.filter(association_memberships__association=association).order_by(
            "name"
        )
    )


def municipalities_for(association: Association) -> list[Municipality]:
    """The municipalities of the association's member municipalities."""
    return list(
        Municipality.objects.filter(organisation__association_memberships__association=association)
        .distinct()
        .order_by("name")
    )


def staff_organisations_for(association: Association) -> list[Organisation]:
    """Whose staff can take part in a structural activity: members, partners, the association."""
    return list(
        Organisation.objects.filter(
            Q(association_memberships__association=association) | Q(pk=association.organisation_id)
        )
        .distinct()
        .order_by("name")
    )


def check_activity(
    association: Association,
    *,
    kind: str,
    provider: Organisation,
    target_groups: Iterable[TargetGroup],
    municipalities: Iterable[Municipality],
    starts_on: date,
    ends_on: date | None,
    capacity: int | None,
    min_age: int | None = None,
    max_age: int | None = None,
) -> None:
    errors: dict[str, str] = {}
    if provider not in providers_for(association):
        errors["provider"] = _(
            "%(org)s är inte medlem eller samarbetspart i %(association)s och kan inte vara "
            "utförare."
        ) % {"org": provider, "association": association}
    foreign_groups = [g for g in target_groups if g.association_id != association.pk]
    if foreign_groups:
        errors["target_groups"] = _(
            "Målgruppen %(group)s hör till ett annat samordningsförbund."
        ) % {"group": foreign_groups[0]}
    served = set(municipalities_for(association))
    outside = [m for m in municipalities if m not in served]
    if outside:
        errors["municipalities"] = _("%(municipality)s är inte medlem i %(association)s.") % {
            "municipality": outside[0],
            "association": association,
        }
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("Insatsen kan inte sluta innan den startar.")
    if kind == Activity.Kind.INDIVIDUAL and not capacity:
        errors["capacity"] = _("Ange hur många platser en individinriktad insats har (minst 1).")
    if min_age is not None and max_age is not None and min_age > max_age:
        errors["max_age"] = _(
            "Högsta åldern (%(max)s år) kan inte vara lägre än lägsta åldern (%(min)s år)."
        ) % {"min": min_age, "max": max_age}
    if errors:
        raise ValidationError(errors)


def _audit(actor: User, action: AuditEvent.Action, obj: Any, summary: str) -> None:
    record(actor=actor, action=action, obj=obj, role=Role.ASSOCIATION_OFFICE, summary=summary)


@transaction.atomic
def create_activity(
    association: Association,
    *,
    actor: User,
    name: str,
    description: str,
    kind: str,
    esf_cofunded: bool,
    provider: Organisation,
    target_groups: Iterable[TargetGroup],
    municipalities: Iterable[Municipality],
    starts_on: date,
    ends_on: date | None,
    capacity: int | None,
    min_age: int | None = None,
    max_age: int | None = None,
) -> Activity:
    target_groups, municipalities = list(target_groups), list(municipalities)
    check_activity(
        association,
        kind=kind,
        provider=provider,
        target_groups=target_groups,
        municipalities=municipalities,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        min_age=min_age,
        max_age=max_age,
    )
    activity = Activity.objects.create(
        association=association,
        name=name,
        description=description,
        kind=kind,
        esf_cofunded=esf_cofunded,
        provider=provider,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        min_age=min_age,
        max_age=max_age,
        created_by=actor,
    )
    activity.target_groups.set(target_groups)
    activity.municipalities.set(municipalities)
    _audit(actor, AuditEvent.Action.CREATE, activity, "Insats skapad")
    return activity


@transaction.atomic
def update_activity(activity: Activity, *, actor: User, version: int, **changes: Any) -> Activity:
    """Change what may change; refused with ``concurrency.Stale`` if someone saved in between."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    locked = (
        Activity.objects.select_for_update()
        .select_related("association__organisation", "provider")
        .get(pk=activity.pk)
    )
    check_version(locked, version)
    provider = changes.get("provider", locked.provider)
    target_groups = list(changes.get("target_groups", locked.target_groups.all()))
    municipalities = list(changes.get("municipalities", locked.municipalities.all()))
    starts_on = changes.get("starts_on", locked.starts_on)
    ends_on = changes.get("ends_on", locked.ends_on)
    capacity = changes.get("capacity", locked.capacity)
    min_age = changes.get("min_age", locked.min_age)
    max_age = changes.get("max_age", locked.max_age)
    check_activity(
        locked.association,
        kind=locked.kind,
        provider=provider,
        target_groups=target_groups,
        municipalities=municipalities,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        min_age=min_age,
        max_age=max_age,
    )
    outside = [
        y for y in _recorded_years(locked) if not _within(y, starts_on=starts_on, ends_on=ends_on)
    ]
    if outside:
        raise ValidationError(
            {
                "starts_on": _(
                    "Det finns uppgifter för %(year)s, som ligger utanför den nya perioden. "
                    "Ändra eller ta bort dem först."
                )
                % {"year": outside[0]}
            }
        )
    for name, value in changes.items():
        if name not in MANY_TO_MANY:
            setattr(locked, name, value)
    locked.version = F("version") + 1
    locked.save(update_fields=[*(n for n in changes if n not in MANY_TO_MANY), "version"])
    if "target_groups" in changes:
        locked.target_groups.set(target_groups)
    if "municipalities" in changes:
        locked.municipalities.set(municipalities)
    locked.refresh_from_db(fields=["version"])
    _audit(actor, AuditEvent.Action.UPDATE, locked, "Insats ändrad")
    return locked


def _recorded_years(activity: Activity) -> list[int]:
    years = set(ActivityYear.objects.filter(activity=activity).values_list("year", flat=True))
    years |= set(
        StructuralParticipation.objects.filter(activity=activity).values_list("year", flat=True)
    )
    return sorted(years)


def _within(year: int, *, starts_on: date, ends_on: date | None) -> bool:
    return starts_on.year <= year and (ends_on is None or year <= ends_on.year)


def check_year(activity: Activity, year: int) -> None:
    if not activity.covers_year(year):
        raise ValidationError(
            {
                "year": _("%(year)s ligger utanför insatsens period (%(period)s).")
                % {"year": year, "period": period_label(activity)}
            }
        )


def period_label(activity: Activity) -> str:
    end = activity.ends_on.isoformat() if activity.ends_on else _("tills vidare")
    return f"{activity.starts_on.isoformat()} – {end}"


@transaction.atomic
def save_year(
    activity: Activity,
    *,
    actor: User,
    year: int,
    planned_participants: int | None,
    existing: ActivityYear | None = None,
) -> ActivityYear:
    """Record or change one year of the activity and its planned participants."""
    check_year(activity, year)
    errors: dict[str, str] = {}
    if activity.is_structural:
        planned_participants = None
    elif planned_participants is None:
        errors["planned_participants"] = _("Ange planerat antal deltagare för året.")
    taken = ActivityYear.objects.filter(activity=activity, year=year)
    if existing is not None:
        taken = taken.exclude(pk=existing.pk)
    if taken.exists():
        errors["year"] = _("Året %(year)s finns redan.") % {"year": year}
    if errors:
        raise ValidationError(errors)
    entry = existing or ActivityYear(activity=activity)
    entry.year, entry.planned_participants = year, planned_participants
    entry.save()
    _audit(
        actor,
        AuditEvent.Action.UPDATE if existing else AuditEvent.Action.CREATE,
        entry,
        f"Insatsens år {year}",
    )
    return entry


@transaction.atomic
def add_staff_count(
    activity: Activity, *, actor: User, organisation: Organisation, year: int, staff_count: int
) -> StructuralParticipation:
    """Record how many of an organisation's staff take part in a structural activity a year."""
    if not activity.is_structural:
        raise ValidationError(
            _("Deltagande personal registreras bara för strukturövergripande insatser.")
        )
    check_year(activity, year)
    errors: dict[str, str] = {}
    if organisation not in staff_organisations_for(activity.association):
        errors["organisation"] = _("%(org)s ingår inte i %(association)s.") % {
            "org": organisation,
            "association": activity.association,
        }
    if staff_count < 1:
        errors["staff_count"] = _("Ange minst en medarbetare.")
    if StructuralParticipation.objects.filter(
        activity=activity, organisation=organisation, year=year
    ).exists():
        errors["organisation"] = _("Antalet medarbetare från %(org)s för %(year)s finns redan.") % {
            "org": organisation,
            "year": year,
        }
    if errors:
        raise ValidationError(errors)
    entry = StructuralParticipation.objects.create(
        activity=activity, organisation=organisation, year=year, staff_count=staff_count
    )
    _audit(actor, AuditEvent.Action.CREATE, entry, f"Deltagande personal {year}")
    return entry
