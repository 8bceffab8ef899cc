"""Activities for the tests, built through the actions, around the shared cast (Olle is Östra
Södertörn's office, Bodil its board member) and a second association with its own office, Greta."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from samla.accounts.models import Role, User
from samla.activities import actions
from samla.activities.models import Activity
from samla.organisations.models import Association, AssociationMember, Municipality, Organisation
from samla.people.models import TargetGroup
from samla.people.tests.cast import Cast, organisation, user


def provider(cast: Cast) -> Organisation:
    """A provider that is a partner of Östra Södertörn."""
    found = Organisation.objects.filter(name="Arbetsmarknadsenheten Södertörn").first()
    if found is not None:
        return found
    ame = organisation("Arbetsmarknadsenheten Södertörn", Organisation.Kind.PROVIDER, "802400-9022")
    AssociationMember.objects.create(
        association=cast.association, organisation=ame, kind=AssociationMember.Kind.PARTNER
    )
    return ame


def individual(cast: Cast, **overrides: object) -> Activity:
    fields: dict[str, object] = {
        "name": "Mia Vidare",
        "description": "Stöd och arbetsträning för unga vuxna.",
        "kind": Activity.Kind.INDIVIDUAL,
        "esf_cofunded": False,
        "provider": provider(cast),
        "target_groups": TargetGroup.objects.filter(association=cast.association),
        "municipalities": Municipality.objects.filter(code="0138"),
        "starts_on": date(2024, 1, 1),
        "ends_on": None,
        "capacity": 20,
    }
    fields |= overrides
    return actions.create_activity(cast.association, actor=cast.olle, **fields)  # type: ignore[arg-type]


def structural(cast: Cast, **overrides: object) -> Activity:
    fields: dict[str, object] = {
        "name": "Gemensam kompetensutveckling för handläggare",
        "kind": Activity.Kind.STRUCTURAL,
        "capacity": None,
        "provider": cast.region,
        "starts_on": date(2025, 1, 1),
        "ends_on": date(2027, 12, 31),
    }
    return individual(cast, **(fields | overrides))


@dataclass
class Elsewhere:
    association: Association
    greta: User
    activity: Activity


def other_association(cast: Cast) -> Elsewhere:
    """Norrbygden, an association none of the cast works in, with one activity and one year."""
    office = organisation(
        "Samordningsförbundet Norrbygden", Organisation.Kind.ASSOCIATION, "222000-9035"
    )
    association = Association.objects.create(organisation=office, short_name="Norrbygden")
    member = organisation("Norrbygdens kommun", Organisation.Kind.OTHER, "212000-9085")
    AssociationMember.objects.create(association=association, organisation=member)
    greta = user("greta", "Greta", "Norrkansli", office, (Role.ASSOCIATION_OFFICE, association))
    activity = actions.create_activity(
        association,
        actor=greta,
        name="Norrbygdens strukturinsats",
        description="",
        kind=Activity.Kind.STRUCTURAL,
        esf_cofunded=False,
        provider=member,
        target_groups=[],
        municipalities=[],
        starts_on=date(2025, 1, 1),
        ends_on=None,
        capacity=None,
    )
    actions.save_year(activity, actor=greta, year=2025, planned_participants=None)
    return Elsewhere(association=association, greta=greta, activity=activity)
