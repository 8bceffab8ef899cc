"""The dashboards and their downloads as the board reads them once the statistics are released
(ADR 0012): one data set, one programme and one release for the whole module, since a release
protects every figure of the association together and takes a while to build."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.test import Client

from samla.indicators import actions
from samla.indicators.models import Programme, Release
from samla.indicators.tests.builders import DataSet, data_set, release_now
from samla.people.tests.cast import Cast, sign_in

pytestmark = pytest.mark.usefixtures("db", "module_cast")


@pytest.fixture(scope="module")
def module_data(module_cast: Cast) -> DataSet:
    return data_set(module_cast, count=120)


@pytest.fixture(scope="module")
def module_programme(module_data: DataSet) -> Programme:
    cast = module_data.cast
    programme = actions.save_programme(
        cast.association,
        actor=cast.olle,
        name="Unga till arbete 2024–2025",
        description="",
        starts_on=date(2024, 1, 1),
        ends_on=date(2025, 12, 31),
        activities=module_data.activities,
    )
    actions.add_target(actor=cast.olle, programme=programme, kind="participants", value=100)
    actions.add_target(actor=cast.olle, programme=programme, kind="feel_better", value=80)
    return programme


@pytest.fixture(scope="module")
def module_release(module_programme: Programme, module_data: DataSet) -> Release:
    return release_now(module_data.cast.association)


@pytest.fixture
def data(module_data: DataSet, module_release: Release, cast: Cast) -> DataSet:
    module_data.cast = cast
    return module_data


@pytest.fixture
def programme(module_programme: Programme) -> Programme:
    return module_programme


NUMBER_AS_TEXT = re.compile(r"^[−+-]?\d[\d\s]*(,\d+)?(\s?%)?$")


def xlsx_rows(client: Client, url: str) -> list[tuple[Any, ...]]:
    response = client.get(url)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return list(sheet.iter_rows())


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
