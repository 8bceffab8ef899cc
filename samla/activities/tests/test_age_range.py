"""An activity's age range (issue 14 item 7): kept on the form in whole years, shown on the
activity's page, the lower never above the upper — refused on the form with what was typed kept,
and by the database from anywhere else."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from samla.activities.models import Activity
from samla.activities.tests.builders import individual, structural
from samla.activities.tests.test_pages import create_data
from samla.people.tests.cast import Cast, sign_in

pytestmark = pytest.mark.django_db

REFUSED = "Högsta åldern (16 år) kan inte vara lägre än lägsta åldern (30 år)."


def test_the_office_sets_an_age_range_and_the_page_shows_it(cast: Cast, client: Client) -> None:
    sign_in(client, cast.olle)
    form = client.get("/insatser/ny/").content.decode()
    assert "Lägsta ålder" in form and "Högsta ålder" in form
    assert "I hela år, den dag personen remitteras." in form

    response = client.post("/insatser/ny/", create_data(cast, min_age="16", max_age="29"))
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.min_age, activity.max_age) == (16, 29)
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "<dt>Ålder</dt><dd>16–29 år</dd>" in page


@pytest.mark.parametrize(
    ("min_age", "max_age", "shown"),
    [(16, None, "från 16 år"), (None, 29, "till och med 29 år"), (None, None, "–")],
)
def test_an_open_range_reads_as_such(
    cast: Cast, client: Client, min_age: int | None, max_age: int | None, shown: str
) -> None:
    activity = individual(cast, min_age=min_age, max_age=max_age)
    sign_in(client, cast.olle)
    page = client.get(activity.get_absolute_url()).content.decode()
    assert f"<dt>Ålder</dt><dd>{shown}</dd>" in page


def test_a_structural_activity_shows_no_age(cast: Cast, client: Client) -> None:
    activity = structural(cast)
    sign_in(client, cast.olle)
    assert "<dt>Ålder</dt>" not in client.get(activity.get_absolute_url()).content.decode()


def test_a_lower_age_above_the_upper_is_refused_on_creation_and_what_was_typed_is_kept(
    cast: Cast, client: Client
) -> None:
    sign_in(client, cast.olle)
    response = client.post(
        "/insatser/ny/", create_data(cast, name="Unga vuxna", min_age="30", max_age="16")
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert REFUSED in page
    assert 'name="min_age" value="30"' in page and 'name="max_age" value="16"' in page
    assert 'value="Unga vuxna"' in page
    assert not Activity.objects.exists()


def test_a_lower_age_above_the_upper_is_refused_on_editing_and_nothing_changes(
    cast: Cast, client: Client
) -> None:
    activity = individual(cast, min_age=16, max_age=29)
    sign_in(client, cast.olle)
    data = create_data(cast, min_age="30", max_age="16", version=str(activity.version))
    data.pop("association")
    response = client.post(f"/insatser/{activity.pk}/andra/", data)
    assert response.status_code == 422
    page = response.content.decode()
    assert REFUSED in page
    assert 'name="min_age" value="30"' in page and 'name="max_age" value="16"' in page
    activity.refresh_from_db()
    assert (activity.min_age, activity.max_age, activity.version) == (16, 29, 1)


@pytest.mark.parametrize(("min_age", "max_age"), [("-1", ""), ("", "121"), ("sexton", "")])
def test_an_age_that_is_no_whole_number_of_years_is_refused(
    cast: Cast, client: Client, min_age: str, max_age: str
) -> None:
    sign_in(client, cast.olle)
    response = client.post("/insatser/ny/", create_data(cast, min_age=min_age, max_age=max_age))
    assert response.status_code == 422
    assert response.context["form"].errors
    assert not Activity.objects.exists()


def test_the_database_refuses_a_lower_age_above_the_upper(cast: Cast) -> None:
    activity = individual(cast, min_age=16, max_age=29)
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(min_age=30)
    activity.refresh_from_db()
    assert activity.min_age == 16
    # An open end is no conflict, and the model's own validation names the rule.
    Activity.objects.filter(pk=activity.pk).update(min_age=30, max_age=None)
    activity.min_age, activity.max_age = 30, 16
    with pytest.raises(ValidationError, match="activities_activity_age_range_ordered"):
        activity.validate_constraints()
