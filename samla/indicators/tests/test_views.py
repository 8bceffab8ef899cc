"""The dashboards and target pages as the office and the board use them."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from samla.audit.models import AuditEvent
from samla.demo.outcomes import Spec, generate_rows, write_rows
from samla.indicators import actions
from samla.indicators.models import Programme, Target
from samla.indicators.tests.builders import TODAY, DataSet, data_set
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


def test_the_board_reads_the_programme_dashboard(
    client: Client, data: DataSet, programme: Programme
) -> None:
    sign_in(client, data.cast.bodil)
    page = client.get(f"/statistik/program/{programme.pk}/").content.decode()
    started = sum(
        1
        for r in data.rows
        if date(2024, 1, 1) <= r.started_on <= date(2025, 12, 31) and r.exit_reason != "in_error"
    )
    assert "Mål och utfall" in page and "Antal deltagare" in page
    assert f'<td class="number">{started}</td>' in page
    assert "Påbörjade deltaganden per kommun och kön" in page and "<svg" in page
    assert "Ändra mål" not in page
    assert client.get(f"/statistik/program/{programme.pk}/mal/").status_code == 403


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


def test_a_table_downloads_as_csv_and_xlsx(
    client: Client, data: DataSet, programme: Programme
) -> None:
    sign_in(client, data.cast.bodil)
    base = f"/statistik/program/{programme.pk}/?year=2025&table=started"
    text = client.get(base + "&format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [programme.name] and rows[2] == ["Urval", "2025"]
    total_row = next(r for r in rows if r and r[0] == "Totalt")
    started = sum(1 for r in data.rows if r.started_on.year == 2025 and r.exit_reason != "in_error")
    assert total_row[-1] == str(started)
    book = openpyxl.load_workbook(io.BytesIO(client.get(base + "&format=xlsx").content))
    sheet = book.active
    assert sheet is not None
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert next(r for r in cells if r[0] == "Totalt")[-1] == started
    assert client.get(base + "&format=pdf").status_code == 404
    assert (
        client.get(f"/statistik/program/{programme.pk}/?table=nothing&format=csv").status_code
        == 404
    )


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
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    before = queries()
    spec = Spec(
        activity_ids=[a.pk for a in data.activities],
        municipality_ids=[m.pk for m in data.municipalities],
        target_group_ids=[g.pk for g in data.groups],
        first=date(2024, 1, 1),
        last=date(2025, 12, 31),
        today=TODAY,
    )
    write_rows(
        generate_rows(spec, 300, seed=99),
        association_id=cast.association.pk,
        organisation=cast.tyreso,
        actor=cast.kim,
    )
    assert queries() == before


def test_an_association_without_activities_has_an_empty_dashboard(
    client: Client, cast: Cast
) -> None:
    sign_in(client, cast.bodil)
    response = client.get(f"/statistik/forbund/{cast.association.pk}/")
    assert response.status_code == 200
    assert "Pågående deltaganden under perioden, per insats och kön" in response.content.decode()


NUMBER_AS_TEXT = re.compile(r"^[−+-]?\d[\d\s]*(,\d+)?(\s?%)?$")


def xlsx_rows(client: Client, url: str) -> list[tuple[Any, ...]]:
    response = client.get(url)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return list(sheet.iter_rows())


def test_targets_download_as_numbers_with_number_formats(
    client: Client, data: DataSet, programme: Programme
) -> None:
    """Issue 14 item 9: "330" and "100,6 %" were text cells that a spreadsheet cannot sum."""
    sign_in(client, data.cast.bodil)
    rows = xlsx_rows(client, f"/statistik/program/{programme.pk}/?table=targets&format=xlsx")
    participants = next(r for r in rows if r[0].value == "Antal deltagare")
    goal, actual, attained = participants[2:5]
    started = sum(
        1
        for r in data.rows
        if date(2024, 1, 1) <= r.started_on <= date(2025, 12, 31) and r.exit_reason != "in_error"
    )
    assert (goal.data_type, goal.value, goal.number_format) == ("n", 100, "0")
    assert (actual.data_type, actual.value, actual.number_format) == ("n", started, "0")
    assert attained.data_type == "n" and attained.number_format == "0.0 %"
    assert attained.value == pytest.approx(started / 100, abs=0.0005)
    feel_better = next(r for r in rows if r[0].value == "Andel som mår bättre")
    assert (feel_better[2].data_type, feel_better[2].value) == ("n", 0.8)
    assert feel_better[2].number_format == "0.0 %"
    for cell in feel_better[3:5]:  # a share, or "–" as text when it is hidden
        assert (cell.data_type, cell.number_format) == ("n", "0.0 %") or cell.value == "–"

    text = client.get(f"/statistik/program/{programme.pk}/?table=targets&format=csv")
    lines = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig")), delimiter=";"))
    line = next(r for r in lines if r and r[0] == "Antal deltagare")
    assert line[2:4] == ["100", str(started)]
    assert line[4] == f"{started},0 %"


def test_no_downloaded_table_holds_a_number_as_text(
    client: Client, data: DataSet, programme: Programme
) -> None:
    sign_in(client, data.cast.bodil)
    page = client.get(f"/statistik/program/{programme.pk}/").content.decode()
    slugs = sorted(set(re.findall(r"table=([a-z_]+)&amp;format=xlsx", page)))
    assert {"targets", "feel_better", "occupation", "started"} <= set(slugs), slugs
    numbers = 0
    for slug in slugs:
        rows = xlsx_rows(client, f"/statistik/program/{programme.pk}/?table={slug}&format=xlsx")
        for row in rows[4:]:  # below the title, the table's name and the filters
            for cell in row[1:]:  # after the category's label
                if isinstance(cell.value, str):
                    assert not NUMBER_AS_TEXT.match(cell.value), (slug, cell.value)
                elif cell.value is not None:
                    assert cell.data_type == "n" and cell.number_format != "General"
                    numbers += 1
    assert numbers > 50
