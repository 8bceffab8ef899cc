"""A fixed data set for the indicators' tests: the shared cast's association with a second
municipality and target group, two activities, and 400 generated participations whose raw rows
the tests keep to work out the expected figures on their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from samla.activities.models import Activity
from samla.activities.tests.builders import individual, provider
from samla.demo.outcomes import Row, Spec, generate_rows, write_rows
from samla.indicators import releases
from samla.indicators.models import Release
from samla.organisations.models import Association, AssociationMember, Municipality, Organisation
from samla.people.models import TargetGroup
from samla.people.tests.cast import Cast, organisation

TODAY = date(2026, 6, 30)


@dataclass
class DataSet:
    cast: Cast
    activities: list[Activity]
    municipalities: list[Municipality]
    groups: list[TargetGroup]
    rows: list[Row]


def data_set(cast: Cast, *, count: int = 400, seed: int = 6) -> DataSet:
    haninge = Municipality.objects.create(code="0136", name="Haninge")
    member = organisation(
        "Haninge kommun", Organisation.Kind.MUNICIPALITY, "212000-0142", municipality=haninge
    )
    AssociationMember.objects.create(association=cast.association, organisation=member)
    TargetGroup.objects.create(
        association=cast.association, code="long_term_sick", name="Långtidssjukskrivna"
    )
    activities = [
        individual(cast, name="Mia Vidare", capacity=500),
        individual(cast, name="Steget", capacity=500, provider=provider(cast)),
    ]
    municipalities = list(Municipality.objects.filter(code__in=["0138", "0136"]).order_by("code"))
    groups = list(TargetGroup.objects.filter(association=cast.association).order_by("pk"))
    spec = Spec(
        activity_ids=[a.pk for a in activities],
        municipality_ids=[m.pk for m in municipalities] * 2 + [municipalities[0].pk],
        target_group_ids=[g.pk for g in groups],
        first=date(2024, 1, 1),
        last=date(2025, 12, 31),
        today=TODAY,
    )
    rows = generate_rows(spec, count, seed=seed)
    write_rows(rows, association_id=cast.association.pk, organisation=cast.tyreso, actor=cast.kim)
    return DataSet(cast, activities, municipalities, groups, rows)


def more_rows(data: DataSet, count: int, *, seed: int) -> list[Row]:
    """``count`` more generated referrals over the data set's activities, written."""
    cast = data.cast
    spec = Spec(
        activity_ids=[a.pk for a in data.activities],
        municipality_ids=[m.pk for m in data.municipalities],
        target_group_ids=[g.pk for g in data.groups],
        first=date(2024, 1, 1),
        last=date(2025, 12, 31),
        today=TODAY,
    )
    rows = generate_rows(spec, count, seed=seed)
    write_rows(rows, association_id=cast.association.pk, organisation=cast.tyreso, actor=cast.kim)
    return rows


def release_now(association: Association) -> Release:
    """A release of the association's statistics built here and now, as the worker would."""
    release = Release.objects.create(association=association)
    assert releases.build(release.pk) == Release.State.DONE
    release.refresh_from_db()
    return release
