"""Kind and ESF co-funding are fixed once an activity exists: the edit form does not offer them,
``Activity.save()`` refuses a change, and a database trigger refuses one sent any other way."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client

from samla.activities.models import Activity, FixedOnceCreated
from samla.activities.tests.builders import individual
from samla.people.tests.cast import Cast, sign_in


@pytest.fixture
def activity(cast: Cast) -> Activity:
    return individual(cast)


def test_the_edit_form_offers_neither(cast: Cast, client: Client, activity: Activity) -> None:
    sign_in(client, cast.olle)
    body = client.get(f"/insatser/{activity.pk}/andra/").content.decode()
    assert 'name="kind"' not in body and 'name="esf_cofunded"' not in body
    data = _edit_data(cast, activity) | {"kind": "structural", "esf_cofunded": "on"}
    assert client.post(f"/insatser/{activity.pk}/andra/", data).status_code == 302
    activity.refresh_from_db()
    assert activity.kind == Activity.Kind.INDIVIDUAL and activity.esf_cofunded is False
    assert activity.name == "Mia Vidare 2"


@pytest.mark.parametrize(
    ("field", "value"), [("kind", Activity.Kind.STRUCTURAL), ("esf_cofunded", True)]
)
def test_save_refuses_a_change(activity: Activity, field: str, value: object) -> None:
    setattr(activity, field, value)
    with pytest.raises(FixedOnceCreated):
        activity.save()
    activity.refresh_from_db()
    assert getattr(activity, field) != value


def test_save_still_saves_other_changes(activity: Activity) -> None:
    activity.name = "Mia Vidare, ny omgång"
    activity.save()
    activity.refresh_from_db()
    assert activity.name == "Mia Vidare, ny omgång"


@pytest.mark.parametrize(
    ("field", "value"), [("kind", Activity.Kind.STRUCTURAL), ("esf_cofunded", True)]
)
def test_the_database_refuses_a_queryset_update(
    activity: Activity, field: str, value: object
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(**{field: value})
    activity.refresh_from_db()
    assert getattr(activity, field) != value


def test_the_database_refuses_raw_sql(activity: Activity) -> None:
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE activities_activity SET esf_cofunded = %s WHERE id = %s", [True, activity.pk]
        )
    activity.refresh_from_db()
    assert activity.esf_cofunded is False


def test_the_database_allows_other_columns(activity: Activity) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE activities_activity SET name = %s, kind = kind WHERE id = %s",
            ["Mia Vidare 2", activity.pk],
        )
    activity.refresh_from_db()
    assert activity.name == "Mia Vidare 2"


def _edit_data(cast: Cast, activity: Activity) -> dict[str, object]:
    return {
        "name": "Mia Vidare 2",
        "description": activity.description,
        "provider": activity.provider_id,
        "target_groups": [g.pk for g in activity.target_groups.all()],
        "municipalities": [m.pk for m in activity.municipalities.all()],
        "starts_on": activity.starts_on.isoformat(),
        "ends_on": "",
        "capacity": activity.capacity,
        "version": activity.version,
    }
