"""The issue's browser test: Sofint's board member opens the SAMS dashboard, filters to women in
Nora in 2011, reads the target against the actual and downloads the table as XLSX. The expected
figure is counted here from the raw rows, not through the application. axe-core checks each page.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from samla.demo.activities import SAMS
from samla.demo.data import load_demo
from samla.demo.logins import DEMO_PASSWORD
from samla.referrals.models import Referral


@pytest.mark.browser
def test_the_board_member_filters_the_sams_dashboard_and_downloads_it(
    page: Page, live_server, login, assert_accessible, settings
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    load_demo()
    # Registered in error never was a participation: it counts nowhere.
    rows = (
        Referral.objects.filter(activity__name=SAMS)
        .exclude(exit_reason="in_error")
        .values_list("participant__sex", "participant__home_municipality__name", "started_on")
    )
    women_in_nora_2011 = len(
        [
            1
            for sex, place, started in rows
            if (sex, place, started and started.year) == ("F", "Nora", 2011)
        ]
    )
    assert women_in_nora_2011 >= 5  # the demo is built so that this cell can be shown

    login(page, "styrelse.sofint", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Statistik").click()
    assert_accessible(page)
    page.get_by_role("link", name="SAMS, Samverkan inom Sofint 2010–2013").click()
    expect(
        page.get_by_role("heading", name="SAMS, Samverkan inom Sofint 2010–2013")
    ).to_be_visible()
    expect(page.get_by_role("cell", name="330").first).to_be_visible()
    assert_accessible(page)

    selection = page.get_by_role("form", name="Urval")
    selection.get_by_label("År").select_option("2011")
    selection.get_by_label("Kommun").select_option(label="Nora")
    selection.get_by_label("Kön").select_option(label="Kvinna")
    selection.get_by_role("button", name="Visa").click()
    expect(page.get_by_text("Urval: 2011, Nora, kvinna")).to_be_visible()
    row = page.get_by_role("row", name="2011, Nora, kvinna")
    expect(row.get_by_role("cell").nth(2)).to_have_text(str(women_in_nora_2011))
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="XLSX – Påbörjade deltaganden per kommun och kön").click()
    book = openpyxl.load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    sheet = book.active
    assert sheet is not None
    cells = [[c.value for c in r] for r in sheet.iter_rows()]
    assert cells[2][:2] == ["Urval", "2011, Nora, kvinna"]
    nora = next(r for r in cells if r[0] == "Nora")
    assert nora[1] == women_in_nora_2011  # the women's column
