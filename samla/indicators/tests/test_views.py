"""The dashboards and target pages as the office and the board use them."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from samla.audit.models import AuditEvent
from samla.indicators import actions
from samla.indicators.models import Programme, Target
from samla.indicators.rollups import refresh
from samla.indicators.tests.builders import DataSet, data_set, more_rows
from samla.people.tests.cast import Cast, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(cast: Cast) -> DataSet:
    return data_set(cast, count=120)


@pytest.fixture
def programme(data: DataSet) -> Programme:
    programme = actions.save_programme(
        data.cast.association,
        actor=data.cast.olle,
        name="Unga till arbete 2024–2025",
        description="",
        starts_on=date(2024, 1, 1),
        ends_on=date(2025, 12, 31),
        activities=data.activities,
    )
    actions.add_target(actor=data.cast.olle, programme=programme, kind="participants", value=100)
    actions.add_target(actor=data.cast.olle, programme=programme, kind="feel_better", value=80)
    return programme


def test_the_board_cannot_keep_targets(client: Client, data: DataSet, programme: Programme) -> None:
    sign_in(client, data.cast.bodil)
    target = Target.objects.filter(programme=programme).first()
    assert target is not None
    assert client.post(f"/statistik/mal/{target.pk}/ta-bort/").status_code == 403
    response = client.post(
        f"/statistik/program/{programme.pk}/mal/", {"kind": "participants", "value": "5"}
    )
    assert response.status_code == 403
    assert Target.objects.filter(programme=programme).count() == 2


def test_the_office_sets_and_removes_targets(
    client: Client, data: DataSet, programme: Programme
) -> None:
    sign_in(client, data.cast.olle)
    url = f"/statistik/program/{programme.pk}/mal/"
    tyreso = data.municipalities[1]
    response = client.post(
        url,
        {
            "kind": "participants",
            "value": "30",
            "year": "2025",
            "sex": "F",
            "municipality": tyreso.pk,
        },
    )
    assert response.status_code == 302
    target = Target.objects.get(programme=programme, municipality=tyreso)
    assert (target.year, target.sex, target.value) == (2025, "F", 30)
    again = client.post(
        url,
        {
            "kind": "participants",
            "value": "31",
            "year": "2025",
            "sex": "F",
            "municipality": tyreso.pk,
        },
    )
    assert again.status_code == 422
    assert "Det finns redan ett sådant mål" in again.content.decode()
    assert Target.objects.get(pk=target.pk).value == 30
    response = client.post(f"/statistik/mal/{target.pk}/ta-bort/")
    assert response.status_code == 302 and not Target.objects.filter(pk=target.pk).exists()
    assert AuditEvent.objects.filter(object_type__icontains="target", action="delete").exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "feel_better", "value": "120"}, "En andel anges i procent, högst 100."),
        ({"kind": "feel_better", "value": "50", "sex": "F"}, "Bara mål för antal deltagare"),
        ({"kind": "participants", "value": "5", "year": "2031"}, "Året ska ligga inom perioden"),
        ({"kind": "participants", "value": "-1"}, "större än eller lika med 0"),
    ],
)
def test_bad_targets_are_refused_in_swedish(
    client: Client, data: DataSet, programme: Programme, fields: dict[str, str], message: str
) -> None:
    sign_in(client, data.cast.olle)
    response = client.post(f"/statistik/program/{programme.pk}/mal/", fields)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Target.objects.filter(programme=programme).count() == 2


def test_small_numbers_are_never_shown(client: Client, cast: Cast) -> None:
    data = data_set(cast, count=3, seed=1)
    sign_in(client, cast.bodil)
    page = client.get(
        f"/statistik/insats/{data.activities[0].pk}/?table=started&format=csv"
    ).content.decode("utf-8-sig")
    numbers = [cell for row in csv.reader(io.StringIO(page), delimiter=";") for cell in row[1:]]
    assert all(
        n in ("", "–", "0") or int(n) >= 5 for n in numbers if n.isdigit() or n in ("–", "")
    ), numbers
    assert "–" in numbers
    html = client.get(f"/statistik/forbund/{cast.association.pk}/").content.decode()
    assert "för litet för att visas" in html


def test_the_dashboard_query_count_does_not_grow_with_the_data(
    client: Client, cast: Cast, data: DataSet, programme: Programme
) -> None:
    sign_in(client, cast.bodil)
    url = f"/statistik/program/{programme.pk}/"

    def queries() -> int:
        refresh()  # what the scheduler does: the page then counts without refreshing first
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    before = queries()
    more_rows(data, 300, seed=99)
    assert queries() == before


def test_an_association_without_activities_has_an_empty_dashboard(
    client: Client, cast: Cast
) -> None:
    sign_in(client, cast.bodil)
    response = client.get(f"/statistik/forbund/{cast.association.pk}/")
    assert response.status_code == 200
    assert "Pågående deltaganden under perioden, per insats och kön" in response.content.decode()
