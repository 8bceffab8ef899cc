"""FK's national follow-up: the figures on screen and in the CSV and XLSX files against plain
Python counts over the Referral rows."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

import pytest
from django.test import Client
from openpyxl import load_workbook

from samla.indicators.tests.builders import release_now
from samla.people.tests.cast import Cast, sign_in
from samla.reports.followup import ACTIVITY_COLUMNS, Followup
from samla.reports.tests.builders import SAMS, SMALL, TRAINING, YEAR, Setting, build, keep_the_money
from samla.reports.tests.counts import active_between, by_sex

# One setting and one release of its statistics (ADR 0012) for the module: each test runs in a
# savepoint over them (samla/conftest.py, module_db).
pytestmark = pytest.mark.usefixtures("db", "module_cast")

HEADINGS = [str(column.heading) for column in ACTIVITY_COLUMNS]
PARTICIPANTS = [h for h in HEADINGS if h.startswith("Deltagare, ")]  # women, men, other, total


@pytest.fixture(scope="module")
def module_setting(module_cast: Cast) -> Setting:
    setting = build(module_cast)
    release_now(module_cast.association)
    return setting


@pytest.fixture
def setting(module_setting: Setting, cast: Cast) -> Setting:
    return replace(module_setting, cast=cast)


def url(cast: Cast, year: int, file_format: str = "") -> str:
    query = f"?format={file_format}" if file_format else ""
    return f"/rapporter/forbund/{cast.association.pk}/uppfoljning/{year}/{query}"


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def by_heading(rows: list[list[str]], name: str) -> dict[str, str]:
    header = next(row for row in rows if row[:1] == [HEADINGS[0]])
    row = next(row for row in rows if row[:1] == [name])
    return dict(zip(header, row, strict=False))


def test_a_year_with_one_programme_activity_shows_its_true_counts(
    setting: Setting, client: Client
) -> None:
    """2012: SAMS alone, women and men well over k: every figure shown is exact."""
    year = 2012
    truth = by_sex(active_between(setting.sams, date(year, 1, 1), date(year, 12, 31)))
    assert truth["F"] >= 5 and truth["M"] >= 5
    sign_in(client, setting.cast.olle)

    response = client.get(url(setting.cast, year, "csv"))

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    sams = by_heading(csv_rows(response.content), SAMS)
    assert sams["Inriktning"] == "Individinriktad" and sams["ESF-medfinansierad"] == "Ja"
    assert sams["Målgrupper"] == "Långtidssjukskrivna, Unga arbetslösa 16–29 år"
    assert sams["Planerat antal deltagare"] == ""  # no planned figure saved for 2012
    shown = (
        sams["Deltagare, kvinnor"],
        sams["Deltagare, män"],
        sams["Deltagare, annat / ej angivet"],
        sams["Deltagare, totalt"],
    )
    # Each the truth, unless the release hid it to protect a small group elsewhere (ADR 0012).
    for figure, true in zip(shown, (truth["F"], truth["M"], 0, truth["total"]), strict=True):
        assert figure in (str(true), "–")
    assert shown[3] == str(truth["total"])


def test_the_export_hides_small_counts_and_shows_staff_and_plans(
    setting: Setting, client: Client
) -> None:
    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
    truth = {
        activity.name: by_sex(active_between(activity, first, last))
        for activity in (setting.sams, setting.small)
    }
    assert 0 < truth[SMALL]["total"] < 5
    sign_in(client, setting.cast.bodil)

    rows = csv_rows(client.get(url(setting.cast, YEAR, "csv")).content)

    small = by_heading(rows, SMALL)
    assert small["Planerat antal deltagare"] == "8"
    assert [small[h] for h in PARTICIPANTS] == ["–", "–", "–", "–"]  # the 0 too: ADR 0012
    sams = by_heading(rows, SAMS)
    assert sams["Planerat antal deltagare"] == "110"
    for heading, key in zip(PARTICIPANTS, ["F", "M", "X", "total"], strict=True):
        shown = sams[heading]
        assert shown == "–" or shown == str(truth[SAMS][key]), heading  # hidden, or the truth
    training = by_heading(rows, TRAINING)
    assert training["Inriktning"] == "Strukturövergripande"
    assert training["Medverkande personal (strukturövergripande)"] == "16"
    assert training["Personal per organisation"] == "Försäkringskassan 12, Region Stockholm 4"
    assert [training[h] for h in PARTICIPANTS] == ["", "", "", ""]
    total = by_heading(rows, "Totalt")
    women = truth[SAMS]["F"] + truth[SMALL]["F"]
    assert total["Deltagare, kvinnor"] in ("–", str(women))
    assert total["Deltagare, totalt"] == str(truth[SAMS]["total"] + truth[SMALL]["total"])
    assert total["Planerat antal deltagare"] == "118"
    assert any(row and row[0].startswith("– betyder") for row in rows)


def test_the_xlsx_file_and_the_page_say_the_same(setting: Setting, client: Client) -> None:
    sign_in(client, setting.cast.olle)
    records = Followup(setting.cast.association, YEAR).records()

    response = client.get(url(setting.cast, YEAR, "xlsx"))

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cells = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert [[c for c in row if c is not None] for row in cells] == [
        [c for c in row if c not in (None, "")] for row in records
    ]
    page = client.get(url(setting.cast, YEAR))
    body = page.content.decode()
    assert page.status_code == 200
    assert '<caption class="visually-hidden">Insatser 2011</caption>' in body
    assert '<th scope="col"' in body
    assert f'<th scope="row">{SMALL}</th>' in body and '<td class="number">–</td>' in body


def test_an_implausible_year_or_format_is_not_found(setting: Setting, client: Client) -> None:
    sign_in(client, setting.cast.olle)
    assert client.get(url(setting.cast, 1989)).status_code == 404
    assert client.get(url(setting.cast, 2100)).status_code == 404
    assert client.get(url(setting.cast, YEAR, "pdf")).status_code == 404


def test_the_follow_up_carries_the_years_money(setting: Setting, client: Client) -> None:
    """Funds by financier, the administration and each activity's budget and actual, the same
    to the öre as the office kept them."""
    keep_the_money(setting)
    sign_in(client, setting.cast.olle)

    rows = csv_rows(client.get(url(setting.cast, YEAR, "csv")).content)

    funds = {row[0]: row[1] for row in rows if len(row) == 2}
    assert funds["Staten (Försäkringskassan)"] == "500000,01"
    assert funds["Regionen"] == "250000,00" and funds["Kommunerna"] == "250000,00"
    assert funds["ESF"] == "300000,00" and funds["Summa tillförda medel"] == "1300000,01"
    administration = next(row for row in rows if row[:1] == ["Kansli"])
    assert administration[1:] == ["250000,00", "240000,00", "10000,00"]
    sams = by_heading(rows, SAMS)
    assert sams["Insatskostnad, budget"] == "600000,00"
    assert sams["Insatskostnad, utfall"] == "612345,50"
    assert sams["ESF-insatskostnad, utfall"] == "288000,00"
    total = by_heading(rows, "Totalt")
    assert total["Insatskostnad, utfall"] == "691345,50"  # 612 345,50 + 79 000
    page = client.get(url(setting.cast, YEAR)).content.decode()
    assert "612\u00a0345,50\u00a0kr" in page and "Årets ekonomi är inte upplagd" not in page
