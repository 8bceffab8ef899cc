"""The issue's browser test: Sofint's board member orders the annual report for 2011, watches
its page (which polls with htmx) until the worker has made it, and downloads the PDF. The figure
checked in the PDF is counted here from the Referral rows, not through the application; axe-core
checks each page. Then the ESF reporter of Stiftelsen Activa, the provider that owns the SAMS
project, takes its participant file for May 2011."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from samla.accounts.models import Role, User
from samla.audit.models import AuditEvent
from samla.demo.activities import SAMS
from samla.demo.data import load_demo
from samla.demo.logins import DEMO_PASSWORD, SOFINT
from samla.indicators.tests.builders import release_now
from samla.organisations.models import Association
from samla.referrals.models import Referral
from samla.reports.tests.pdf import pdf_text


@pytest.mark.browser
def test_the_board_member_orders_the_2011_annual_report_and_downloads_it(
    page: Page, live_server, login, assert_accessible, settings, run_tasks
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    load_demo()
    women_2011 = sum(
        1
        for sex, state, started, ended, reason in Referral.objects.filter(
            activity__name=SAMS
        ).values_list("participant__sex", "state", "started_on", "ended_on", "exit_reason")
        if sex == "F"
        and state in ("started", "ended")
        and started is not None
        and started <= date(2011, 12, 31)
        and (ended is None or ended >= date(2011, 1, 1))
        and reason != "in_error"
    )
    assert women_2011 >= 5  # the demo is built so that this figure can be shown
    release_now(Association.objects.get(short_name=SOFINT))

    login(page, "styrelse.sofint", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Rapporter").click()
    expect(
        page.get_by_role("heading", name="Rapporter för Samordningsförbundet Sofint")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("År").select_option("2011")
    page.get_by_role("button", name="Beställ verksamhetsberättelse").click()

    expect(
        page.get_by_role("heading", name="Verksamhetsberättelse 2011, Samordningsförbundet Sofint")
    ).to_be_visible()
    expect(page.get_by_text("Väntar på att börja")).to_be_visible()
    assert_accessible(page)

    run_tasks()

    # No reload: the page asks for its status every two seconds and shows the link by itself.
    expect(page.get_by_role("heading", name="Verksamhetsberättelsen är klar")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner verksamhetsberättelsen 2011 (PDF)").click()
    assert download_info.value.suggested_filename == "verksamhetsberattelse-sofint-2011.pdf"

    text = pdf_text(download_info.value.path().read_bytes())
    assert "SAMS" in text and "Samordningsförbundet Sofint" in text
    assert f"Kvinnor: {women_2011}, män:" in text

    page.get_by_role("link", name="Rapporter för Sofint").click()
    expect(page.get_by_role("cell", name="Klar")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Uppföljning 2011").click()
    row = page.get_by_role("row", name=SAMS)
    # After orientation, target groups, ESF flag, four money columns and the planned number.
    expect(row.get_by_role("cell").nth(8)).to_have_text(str(women_2011))
    assert_accessible(page)


@pytest.mark.browser
def test_the_esf_reporter_of_activa_downloads_a_month_of_sams(
    page: Page, live_server, login, assert_accessible, settings
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    load_demo()
    reporter = User.objects.get(username="esf.activa")  # the demo's ESF reporter at Activa
    assert reporter.has_role(Role.ESF_REPORTER)
    under_way = [
        r
        for r in Referral.objects.filter(activity__name=SAMS, state__in=("started", "ended"))
        if r.started_on is not None
        and r.started_on <= date(2011, 5, 31)
        and (r.ended_on is None or r.ended_on >= date(2011, 5, 1))
        and r.exit_reason != "in_error"
    ]

    login(page, "esf.activa", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="ESF-deltagarfil"
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name=SAMS).click()
    assert_accessible(page)
    page.get_by_label("Månad").select_option("2011-05")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Hämta deltagarfilen").click()

    text = download_info.value.path().read_text(encoding="utf-8-sig")
    lines, notes = text.split("\r\n\r\n" if "\r\n" in text else "\n\n", 1)
    protected = [r for r in under_way if r.participant.is_protected]
    people = lines.splitlines()
    assert len(people) == 1 + len(under_way) - len(protected)
    assert people[0].startswith("Personnummer;Kön;")
    assert f"Deltaganden under månaden;{len(under_way)}" in notes
    assert AuditEvent.objects.filter(role="esf_reporter", actor_id=reporter.pk).count() == len(
        {r.participant_id for r in under_way}
    )
