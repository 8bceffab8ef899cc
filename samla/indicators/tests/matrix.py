"""Route parameters for the permission matrix (samla/web/tests/test_permission_matrix.py).

The indicators are association-level pages with aggregates only: the matrix checks that nobody
from another association reaches them, and that Norrbygden's own office does."""

from __future__ import annotations

from datetime import date

from samla.activities import actions as activity_actions
from samla.activities.models import Activity
from samla.activities.tests.builders import Elsewhere
from samla.indicators import actions
from samla.indicators.models import Target
from samla.people.tests.cast import Cast


def parameters(cast: Cast) -> dict[str, int | str]:
    return {}


def association_parameters(elsewhere: Elsewhere) -> dict[str, int | str]:
    activity = activity_actions.create_activity(
        elsewhere.association,
        actor=elsewhere.greta,
        name="Norrbygdens arbetsträning",
        description="",
        kind=Activity.Kind.INDIVIDUAL,
        esf_cofunded=False,
        provider=elsewhere.activity.provider,
        target_groups=[],
        municipalities=[],
        starts_on=date(2025, 1, 1),
        ends_on=None,
        capacity=10,
    )
    programme = actions.save_programme(
        elsewhere.association,
        actor=elsewhere.greta,
        name="Norrbygden 2025–2026",
        description="",
        starts_on=date(2025, 1, 1),
        ends_on=date(2026, 12, 31),
        activities=[activity],
    )
    target = actions.add_target(
        actor=elsewhere.greta, programme=programme, kind=Target.Kind.PARTICIPANTS, value=40
    )
    return {
        "association_pk": elsewhere.association.pk,
        "programme_pk": programme.pk,
        "activity_pk": activity.pk,
        "target_pk": target.pk,
    }
