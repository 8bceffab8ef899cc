"""The annual report: ordered by the office or the board, made by the task, downloaded as PDF;
its text checked against figures this test works out itself from the Referral rows."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from samla.audit.models import AuditEvent
from samla.indicators.tests.builders import release_now
from samla.people.tests.cast import Cast, sign_in
from samla.reports.models import AnnualReport
from samla.reports.tasks import build_annual_report
from samla.reports.tests.builders import (
    SAMS,
    SMALL,
    TARGET_MEN,
    TARGET_WOMEN,
    YEAR,
    Setting,
    build,
    keep_the_money,
)
from samla.reports.tests.counts import active_between, by_sex, started_between
from samla.reports.tests.pdf import pdf_text

# One setting and one release of its statistics (ADR 0012) for the module: each test runs in a
# savepoint over them (samla/conftest.py, module_db).
pytestmark = pytest.mark.usefixtures("db", "module_cast")


@pytest.fixture(scope="module")
def module_setting(module_cast: Cast) -> Setting:
    setting = build(module_cast)
    release_now(module_cast.association)
    return setting


@pytest.fixture
def setting(module_setting: Setting, cast: Cast) -> Setting:
    return replace(module_setting, cast=cast)


def order(client: Client, cast: Cast, year: int = YEAR) -> AnnualReport:
    response = client.post(f"/rapporter/forbund/{cast.association.pk}/", {"year": year})
    report = AnnualReport.objects.defer("pdf").latest("pk")
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    return report


def download(client: Client, report: AnnualReport) -> bytes:
    response = client.get(f"/rapporter/verksamhetsberattelse/{report.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_the_board_orders_a_report_and_the_page_polls_until_it_is_done(
    setting: Setting, client: Client
) -> None:
    cast = setting.cast
    sign_in(client, cast.bodil)
    page = client.get(f"/rapporter/forbund/{cast.association.pk}/")
    assert page.status_code == 200
    assert f'<option value="{YEAR}"' in page.content.decode()

    report = order(client, cast)

    assert (report.state, report.year, report.requested_by) == (
        AnnualReport.State.QUEUED,
        YEAR,
        cast.bodil,
    )
    logged = AuditEvent.objects.get(object_type="reports.annualreport", object_id=str(report.pk))
    assert (logged.action, logged.actor_id, logged.participant_id, logged.role) == (
        AuditEvent.Action.CREATE,
        cast.bodil.pk,
        None,
        "board_member",
    )
    body = client.get(report.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in body and '<progress max="100" value="0"' in body

    AnnualReport.objects.filter(pk=report.pk).update(
        state=AnnualReport.State.RUNNING, progress=50, step=AnnualReport.Step.STATISTICS
    )
    fragment = client.get(report.get_absolute_url(), headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert "<h1>" not in text and '<progress max="100" value="50"' in text
    assert "Tar fram tabeller och diagram" in text

    AnnualReport.objects.filter(pk=report.pk).update(state=AnnualReport.State.QUEUED, progress=0)
    assert build_annual_report.call(report.pk) == AnnualReport.State.DONE
    done = client.get(report.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done and "Verksamhetsberättelsen är klar" in done
    assert f"/rapporter/verksamhetsberattelse/{report.pk}/pdf/" in done


def test_a_second_order_while_one_is_being_made_leads_to_the_same_report(
    setting: Setting, client: Client
) -> None:
    sign_in(client, setting.cast.olle)
    first = order(client, setting.cast)
    assert order(client, setting.cast).pk == first.pk
    build_annual_report.call(first.pk)
    second = order(client, setting.cast)
    assert second.pk != first.pk  # a new one once the first is done
    # One whose worker died long ago is not waited for.
    AnnualReport.objects.filter(pk=second.pk).update(
        requested_at=second.requested_at - timedelta(hours=2)
    )
    assert order(client, setting.cast).pk not in (first.pk, second.pk)


def test_the_pdf_holds_the_years_activities_targets_and_figures(
    setting: Setting, client: Client
) -> None:
    cast = setting.cast
    sign_in(client, cast.olle)
    report = order(client, cast)
    build_annual_report.call(report.pk)
    before = getattr(AuditEvent.objects.last(), "pk", 0)

    pdf = download(client, report)

    text = pdf_text(pdf)
    assert "Verksamhetsberättelse 2011" in text and "Samordningsförbundet Östra Södertörn" in text
    assert SAMS in text and SMALL in text and "Gemensam kompetensutveckling" in text
    # The targets for 2011, each with its actual worked out here: started in 2011, by sex.
    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
    started = by_sex(started_between(setting.sams, first, last))
    # The release may hide any of them to protect a small group elsewhere (ADR 0012): each is
    # the truth or "–", with its goal beside it.
    for label, goal, actual in (
        ("2011, kvinna", TARGET_WOMEN, started["F"]),
        ("2011, man", TARGET_MEN, started["M"]),
    ):
        assert actual >= 5
        assert re.search(rf"Antal deltagare {label} {goal} ({actual}|–) ", text), label
    active = by_sex(
        active_between(setting.sams, first, last) + active_between(setting.small, first, last)
    )
    found = re.search(
        r"Deltaganden i förbundets individinriktade insatser under 2011: (\S+)\. "
        r"Kvinnor: (\S+), män: (\S+), annat eller ej angivet kön: (\S+)\.",
        text,
    )
    assert found is not None
    expected = (active["total"], active["F"], active["M"], 0)
    for shown, true in zip(found.groups(), expected, strict=True):
        assert shown in (str(true), "–")
    assert "Ekonomi" in text  # the place the finance issue fills
    assert "<svg" not in text  # the charts are drawn, not printed as markup
    # Downloading is logged, without a person.
    logged = AuditEvent.objects.get(pk__gt=before)
    assert (logged.action, logged.object_id, logged.participant_id) == (
        AuditEvent.Action.EXPORT,
        str(report.pk),
        None,
    )


def test_the_before_and_after_tables_fit_their_pages_in_a_tagged_pdf(
    setting: Setting, client: Client
) -> None:
    """The occupation and income tables (nine and ten columns) were cut off after "Studerar" on
    a portrait page: now every column is printed, and the PDF is tagged for a screen reader
    (pdf_text checks both of every PDF: "Tagged: yes", no word beyond its page)."""
    sign_in(client, setting.cast.olle)
    report = order(client, setting.cast)
    build_annual_report.call(report.pk)

    layout = pdf_text(download(client, report), layout=True)
    text = " ".join(layout.split())

    assert "Sysselsättning vid start (rader) och vid avslut (kolumner)" in text
    assert "Huvudsaklig försörjning vid start (rader) och vid avslut (kolumner)" in text
    for header in ("Arbetssökande", "Sjukskriven,", "arbetar inte", "Inte", "angiven"):
        assert header in text, header
    assert "Andel vid start Andel vid avslut" in text
    # The last column, Totalt, of the crosstabs: its total row ends in the number of exits.
    totals = [line.split() for line in layout.splitlines() if line.split()[:1] == ["Totalt"]]
    assert any(len(row) >= 10 for row in totals), totals


def test_a_small_activity_shows_a_dash_never_its_count(setting: Setting, client: Client) -> None:
    """Steget had three participants in 2011: its cells are "–" in the PDF, and so is enough
    of the other activity for its count not to follow from the totals."""
    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
    small = by_sex(active_between(setting.small, first, last))
    assert 0 < small["total"] < 5
    sign_in(client, setting.cast.olle)
    report = order(client, setting.cast)
    build_annual_report.call(report.pk)

    lines = pdf_text(download(client, report), layout=True).splitlines()

    # In the table of participants: the planned count, then women, men, other and total.
    figures = re.compile(rf"^\s*{SMALL}((\s+(\d+|–)){{5}})\s*$")
    rows = [found[1].split() for line in lines if (found := figures.match(line))]
    assert rows == [["8", "–", "–", "–", "–"]], rows  # the table hides, so its 0 too


def test_a_failed_task_says_so(setting: Setting, client: Client, monkeypatch) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("WeasyPrint fell over")

    monkeypatch.setattr("samla.reports.tasks.render_annual_report", broken)
    sign_in(client, setting.cast.olle)
    report = order(client, setting.cast)

    with pytest.raises(RuntimeError):
        build_annual_report.call(report.pk)

    report.refresh_from_db()
    assert report.state == AnnualReport.State.FAILED and report.finished_at is not None
    body = client.get(report.get_absolute_url()).content.decode()
    assert "kunde inte skapas" in body and "hx-trigger" not in body
    assert client.get(f"/rapporter/verksamhetsberattelse/{report.pk}/pdf/").status_code == 404


def test_a_year_with_nothing_to_count_still_makes_a_report(cast: Cast, client: Client) -> None:
    sign_in(client, cast.olle)
    report = order(client, cast, year=timezone.localdate().year)
    build_annual_report.call(report.pk)
    report = AnnualReport.objects.get(pk=report.pk)
    text = pdf_text(bytes(report.pdf))
    assert re.search(r"Förbundet hade inga insatser under \d{4}", text)


def test_the_task_runs_a_report_once(setting: Setting, client: Client) -> None:
    sign_in(client, setting.cast.olle)
    report = order(client, setting.cast)
    assert build_annual_report.call(report.pk) == AnnualReport.State.DONE
    assert build_annual_report.call(report.pk) == "not queued"


def test_the_pdf_holds_the_years_money(setting: Setting, client: Client) -> None:
    """Funds, costs and the result as the office kept them, worked out here to the öre."""
    keep_the_money(setting)
    cast = setting.cast
    sign_in(client, cast.olle)
    report = order(client, cast)
    build_annual_report.call(report.pk)

    text = pdf_text(download(client, report)).replace("\u00a0", " ")

    assert "Tillförda medel 2011 per finansiär" in text
    # 1 000 000,01 kr from the members (the odd öre goes to the state's half) and 300 000 kr ESF.
    assert "Staten (Försäkringskassan) 500 000,01 kr" in text
    assert "Summa tillförda medel 1 300 000,01 kr" in text
    # Actual costs: 612 345,50 + 79 000 of the members' money and 288 000 ESF for the
    # activities (980 000 budgeted, 654,50 under), 240 000 for the office.
    assert (
        "Summa insatskostnader 680 000 kr 691 345,50 kr −11 345,50 kr 300 000 kr 288 000 kr" in text
    )
    assert "980 000 kr 979 345,50 kr 654,50 kr" in text
    assert "Summa administrationskostnader 250 000 kr 240 000 kr 10 000 kr" in text
    assert "Årets resultat (medel minus kostnader) 70 000,01 kr 80 654,51 kr" in text
    # With 120 000 kr carried over: the own capital at the year's end.
    assert "Eget kapital vid årets slut" in text and "190 000,01 kr 200 654,51 kr" in text
    assert "Kostnad per avslut till arbete eller studier 2011" in text


def test_a_year_without_money_says_so(setting: Setting, client: Client) -> None:
    sign_in(client, setting.cast.olle)
    report = order(client, setting.cast)
    build_annual_report.call(report.pk)
    assert "Årets ekonomi är inte upplagd i Samla." in pdf_text(download(client, report))
