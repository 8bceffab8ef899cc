"""The association's money through its pages: the office opens a year and keeps it with amounts
written the Swedish way, every change audited; bad input is refused in Swedish with nothing
changed; a stale edit is refused with the other person's values kept; the board's decisions
show on the activity's page to everyone who reads the catalogue, its budget lines only to the
office and the board; and no page's queries grow with the number of lines, activities or
years."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samla.accounts.models import Role, User
from samla.activities.models import Activity
from samla.activities.tests.builders import individual, structural
from samla.audit.models import AuditEvent
from samla.finance import actions
from samla.finance.models import BudgetLine, Decision, FinancialYear, OtherIncome
from samla.finance.statement import Statement
from samla.finance.tests.test_statement import Members, expected, municipality

# The fixture, shared with the statement's tests:
from samla.finance.tests.test_statement import members as members
from samla.people.tests.cast import Cast, sign_in, user

NBSP = "\u00a0"
MINUS = "\u2212"
D = Decimal
Kind = BudgetLine.Kind


def kr(text: str) -> str:
    """An amount as the pages write it: "1 234 567,50 kr" with no-break spaces."""
    return text.replace(" ", NBSP) + NBSP + "kr"


def base(cast: Cast) -> str:
    return f"/ekonomi/{cast.association.pk}/"


def contribution_data(members: Members, **overrides: str) -> dict[str, str]:
    data = {
        "version": "1",
        "contributions": "1 234 567,50",
        "state_share": "50",
        "region_share": "25",
        "municipal_share": "25",
        "municipal_key": "population",
        f"key_{members.haninge.pk}": "87 000",
        f"key_{members.nynashamn.pk}": "29000",
        f"key_{members.tyreso.pk}": "49000",
        "carried_over": "-12 000,50",
    }
    return data | overrides


def state() -> tuple[object, ...]:
    """Everything the finance pages write, and the log."""
    return (
        list(FinancialYear.objects.order_by("pk").values()),
        list(BudgetLine.objects.order_by("pk").values()),
        list(OtherIncome.objects.order_by("pk").values()),
        list(Decision.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def events(action: str, object_type: str) -> int:
    return AuditEvent.objects.filter(action=action, object_type=f"finance.{object_type}").count()


def test_the_office_keeps_a_year_through_the_pages_and_every_change_is_audited(
    cast: Cast, client: Client, members: Members
) -> None:
    mia = individual(cast, name="Mia Vidare")
    steget = individual(cast, name="Steget", esf_cofunded=True)
    sign_in(client, cast.olle)

    response = client.post(base(cast) + "nytt-ar/", {"year": "2026"})
    assert response["Location"] == base(cast) + "2026/bidrag/"
    year_url = base(cast) + "2026/"
    form = client.get(year_url + "bidrag/")
    assert form.status_code == 200 and form.context["form"]["version"].value() == 1
    assert f'name="key_{members.haninge.pk}"' in form.content.decode()

    response = client.post(year_url + "bidrag/", contribution_data(members))
    assert response["Location"] == year_url
    year = FinancialYear.objects.get()
    assert (year.contributions, year.carried_over) == (D("1234567.50"), D("-12000.50"))
    assert client.get(year_url + "bidrag/").context["form"]["contributions"].value() == (
        f"1{NBSP}234{NBSP}567,50"
    )

    response = client.post(
        year_url + "intakter/ny/",
        {"kind": "esf", "description": "ESF-rådet, projekt Steget", "amount": "450 000"},
    )
    assert response["Location"] == year_url
    lines: list[dict[str, object]] = [
        {"kind": "activity", "activity": mia.pk, "code": "4101", "budget": "500 000"},
        {"kind": "activity", "activity": steget.pk, "code": "4201", "budget": "300 000"},
        {"kind": "esf_activity", "activity": steget.pk, "code": "4202", "budget": "200 000,10"},
        {
            "kind": "administration",
            "name": "Kansli",
            "code": "7010",
            "budget": "1 200 000",
            "actual": "1 150 000,50",
        },
    ]
    for line in lines:
        response = client.post(year_url + "poster/ny/", {"actual": "", "name": "", **line})
        assert response.status_code == 302, response.context["form"].errors
    mia_line = BudgetLine.objects.get(code="4101")
    change_url = year_url + f"poster/{mia_line.pk}/"
    assert client.get(change_url).context["form"]["version"].value() == 1
    response = client.post(
        change_url, {"version": "1", "code": "4101", "budget": "500 000", "actual": "612 345,67"}
    )
    assert response["Location"] == year_url
    mia_line.refresh_from_db()
    assert (mia_line.actual, mia_line.version) == (D("612345.67"), 2)

    page = client.get(year_url).content.decode()
    assert kr("1 234 567,50") in page  # the members' total
    for amount in expected(D("1234567.50"), (D(50), D(25), D(25)), [87000, 29000, 49000]):
        whole, ore = f"{amount:.2f}".split(".")
        written = f"{int(whole):,}".replace(",", " ") + ("" if ore == "00" else f",{ore}")
        assert kr(written) in page, written
    assert kr("450 000") in page and "ESF-rådet, projekt Steget" in page
    assert kr("612 345,67") in page and MINUS + kr("112 345,67") in page  # Mia's variance
    assert kr("200 000,10") in page
    assert kr("49 999,50") in page  # Kansli's variance
    assert "Ändra" in page

    assert events("create", "financialyear") == 1
    assert events("update", "financialyear") == 1
    assert events("create", "otherincome") == 1
    assert events("create", "budgetline") == 4
    assert events("update", "budgetline") == 1
    finance_events = AuditEvent.objects.filter(object_type__startswith="finance.")
    assert {(e.actor_id, e.participant_id) for e in finance_events} == {(cast.olle.pk, None)}

    income = OtherIncome.objects.get()
    remove_url = year_url + f"intakter/{income.pk}/ta-bort/"
    assert client.get(remove_url).status_code == 200 and OtherIncome.objects.exists()
    assert client.post(remove_url)["Location"] == year_url
    assert not OtherIncome.objects.exists() and events("delete", "otherincome") == 1


@pytest.fixture
def kept_year(cast: Cast, members: Members) -> FinancialYear:
    """2026 with the members' contributions, an ESF income, Mia Vidare's cost and a Kansli line."""
    year = actions.open_year(cast.association, actor=cast.olle, year=2026)
    year = actions.save_contributions(
        year,
        actor=cast.olle,
        version=year.version,
        contributions=D("1000000"),
        state_share=D(50),
        region_share=D(25),
        municipal_share=D(25),
        municipal_key="population",
        key=members.key(87000, 29000, 49000),
        carried_over=D(0),
    )
    actions.add_income(year, actor=cast.olle, kind="esf", description="ESF", amount=D(450000))
    mia = individual(cast, name="Mia Vidare")
    for kind, activity, name, code in [
        (Kind.ACTIVITY, mia, "", "4101"),
        (Kind.ADMINISTRATION, None, "Kansli", "7010"),
    ]:
        actions.add_line(
            year,
            actor=cast.olle,
            kind=kind,
            activity=activity,
            name=name,
            code=code,
            budget=D(500000),
        )
    return year


BAD_INPUT: list[tuple[str, dict[str, str], str]] = [
    ("bidrag/", {"contributions": "12,345"}, "Skriv ett belopp i kronor"),
    ("bidrag/", {"contributions": "-5"}, "Beloppet kan inte vara negativt."),
    ("bidrag/", {"municipal_share": "20"}, "ska bli exakt 100 procent tillsammans"),
    ("bidrag/", {"state_share": "femtio"}, "Fyll i ett tal."),
    ("bidrag/", {"state_share": "50,5", "region_share": "25"}, "exakt 100 procent"),
    ("bidrag/", {"key_nynashamn": "0"}, "ett heltal större än noll"),
    ("bidrag/", {"key_nynashamn": ""}, "Ange kommunens folkmängd"),
    (
        "bidrag/",
        {
            "municipal_key": "fixed",
            "key_haninge": "30",
            "key_nynashamn": "30",
            "key_tyreso": "39,99",
        },
        "nu blir de 99,99",
    ),
    (
        "intakter/ny/",
        {"kind": "esf", "description": "ESF", "amount": "-5"},
        "kan inte vara negativt",
    ),
    ("intakter/ny/", {"kind": "esf", "description": "", "amount": "5"}, "måste fyllas i"),
    (
        "poster/ny/",
        {"kind": "esf_activity", "activity": "mia", "code": "4102"},
        "ESF-medfinansierad",
    ),
    ("poster/ny/", {"kind": "activity", "activity": "mia", "code": "4102"}, "redan en sådan"),
    ("poster/ny/", {"kind": "administration", "name": "Revision", "code": "7010"}, "används redan"),
    ("poster/ny/", {"kind": "administration", "name": " ", "code": "7020"}, "Ange vad"),
    ("poster/ny/", {"kind": "activity", "activity": "", "code": "4102"}, "Välj vilken insats"),
    (
        "poster/ny/",
        {"kind": "administration", "name": "Revision", "code": "7020", "budget": "1,234"},
        "Skriv ett belopp",
    ),
    ("poster/mia/", {"budget": "abc"}, "Skriv ett belopp i kronor"),
    ("poster/mia/", {"code": "7010"}, "används redan"),
    ("poster/mia/", {"actual": "-1"}, "Beloppet kan inte vara negativt."),
    # 27 digits and more: more than a Decimal rounds to the öre (was a server error, issue 15).
    ("intakter/ny/", {"kind": "esf", "description": "ESF", "amount": "9" * 27}, "för stort"),
    ("poster/mia/", {"budget": "1" * 27 + ",50"}, "Beloppet är för stort."),
    ("poster/mia/", {"actual": "9" * 40}, "Beloppet är för stort."),
]


@pytest.mark.parametrize(("path", "data", "message"), BAD_INPUT)
def test_bad_input_is_refused_in_swedish_and_changes_nothing(
    cast: Cast,
    client: Client,
    members: Members,
    kept_year: FinancialYear,
    path: str,
    data: dict[str, str],
    message: str,
) -> None:
    mia = Activity.objects.get(name="Mia Vidare")
    line = BudgetLine.objects.get(code="4101")
    names = {f"key_{name}": f"key_{o.pk}" for name, o in vars(members).items()}
    values = {"mia": str(mia.pk)}
    posted = {names.get(k, k): values.get(v, v) for k, v in data.items()}
    defaults: dict[str, str]
    if path == "bidrag/":
        defaults = contribution_data(members, version=str(kept_year.version))
    elif path.startswith("poster/mia/"):
        defaults = {"version": str(line.version), "code": "4101", "budget": "1", "actual": ""}
    else:
        defaults = {"name": "", "activity": "", "budget": "100", "actual": ""}
    sign_in(client, cast.olle)
    before = state()
    url = base(cast) + "2026/" + path.replace("mia", str(line.pk))
    response = client.post(url, defaults | posted)
    assert response.status_code == 422, response.status_code
    assert message in response.content.decode().replace("&quot;", '"'), response.context[
        "form"
    ].errors
    assert state() == before


def test_opening_a_year_twice_or_a_decision_in_the_future_is_refused(
    cast: Cast, client: Client, kept_year: FinancialYear
) -> None:
    sign_in(client, cast.olle)
    before = state()
    response = client.post(base(cast) + "nytt-ar/", {"year": "2026"})
    assert response.status_code == 422 and "Året 2026 finns redan." in response.content.decode()
    tomorrow = timezone.localdate() + timedelta(days=1)
    for data, message in [
        ({"decided_on": tomorrow.isoformat(), "text": "Beslut"}, "fattat i framtiden"),
        ({"decided_on": timezone.localdate().isoformat(), "text": ""}, "måste fyllas i"),
        ({"decided_on": "igår", "text": "Beslut"}, "Fyll i ett giltigt datum."),
    ]:
        response = client.post(base(cast) + "beslut/", data)
        assert response.status_code == 422
        assert message in response.content.decode(), response.context["form"].errors
    assert state() == before


def second_office(cast: Cast) -> User:
    office = cast.association.organisation
    return user("otto", "Otto", "Kansli", office, (Role.ASSOCIATION_OFFICE, cast.association))


def test_a_stale_line_edit_is_refused_and_the_first_save_stays(
    cast: Cast, kept_year: FinancialYear
) -> None:
    line = BudgetLine.objects.get(code="4101")
    url = base(cast) + f"2026/poster/{line.pk}/"
    olle, otto = sign_in(Client(), cast.olle), sign_in(Client(), second_office(cast))
    versions = [c.get(url).context["form"]["version"].value() for c in (olle, otto)]
    assert versions == [1, 1]

    first = olle.post(url, {"version": "1", "code": "4101", "budget": "510 000", "actual": ""})
    assert first.status_code == 302
    before = state()
    second = otto.post(url, {"version": "1", "code": "4999", "budget": "1", "actual": "2"})
    assert second.status_code == 409
    page = second.content.decode()
    assert "Någon annan sparade ändringar" in page
    assert f"Nu gäller: budget {kr('510 000')}" in page
    assert "Mia Vidare" in page  # the page is still about the line
    assert second.context["form"]["version"].value() == "2"  # saving again overwrites knowingly
    assert state() == before
    line.refresh_from_db()
    assert (line.code, line.budget, line.actual, line.version) == ("4101", D(510000), None, 2)

    again = otto.post(url, {"version": "2", "code": "4999", "budget": "1", "actual": "2"})
    assert again.status_code == 302
    line.refresh_from_db()
    assert (line.code, line.budget, line.actual) == ("4999", D(1), D(2))


def test_a_stale_contributions_edit_is_refused_and_the_first_save_stays(
    cast: Cast, members: Members, kept_year: FinancialYear
) -> None:
    url = base(cast) + "2026/bidrag/"
    olle, otto = sign_in(Client(), cast.olle), sign_in(Client(), second_office(cast))
    version = kept_year.version
    assert [c.get(url).context["form"]["version"].value() for c in (olle, otto)] == [version] * 2

    first = olle.post(url, contribution_data(members, version=str(version), contributions="2 000"))
    assert first.status_code == 302
    before = state()
    second = otto.post(url, contribution_data(members, version=str(version), contributions="3 000"))
    assert second.status_code == 409
    assert "Någon annan sparade ändringar" in second.content.decode()
    assert state() == before
    kept_year.refresh_from_db()
    assert kept_year.contributions == D(2000) and kept_year.version == version + 1


def test_a_municipality_that_joins_after_the_year_was_opened_is_in_the_form(
    cast: Cast, client: Client, members: Members, kept_year: FinancialYear
) -> None:
    varmdo = municipality(cast, "Värmdö", "0120", "212000-0092")
    sign_in(client, cast.olle)
    url = base(cast) + "2026/bidrag/"
    assert f'name="key_{varmdo.pk}"' in client.get(url).content.decode()
    data = contribution_data(members, version=str(kept_year.version)) | {
        f"key_{varmdo.pk}": "45000"
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    kept_year.refresh_from_db()
    rows = Statement(kept_year).contributions
    assert varmdo in [c.organisation for c in rows]
    assert sum(c.amount for c in rows) == kept_year.contributions


def test_a_decision_about_an_activity_shows_on_its_page_to_everyone_money_only_to_office_and_board(
    cast: Cast, client: Client, kept_year: FinancialYear
) -> None:
    mia = Activity.objects.get(name="Mia Vidare")
    line = BudgetLine.objects.get(code="4101")
    sign_in(client, cast.olle)
    today = timezone.localdate().isoformat()
    response = client.post(
        base(cast) + "beslut/",
        {
            "decided_on": today,
            "reference": "§ 12",
            "text": "Styrelsen beviljar Mia Vidare medel för 2026.",
            "activity": mia.pk,
            "budget_line": "",
        },
    )
    assert response["Location"] == base(cast) + "beslut/"
    decision = Decision.objects.get()
    assert (decision.activity, decision.recorded_by) == (mia, cast.olle)
    assert events("create", "decision") == 1
    # A decision about a budget line is about its activity too.
    client.post(
        base(cast) + "beslut/",
        {"decided_on": today, "text": "Budgeten för Mia Vidare höjs.", "budget_line": line.pk},
    )
    assert Decision.objects.get(budget_line=line).activity == mia

    for who, reads_money in [
        (cast.olle, True),
        (cast.bodil, True),
        (cast.kim, False),
        (cast.fia, False),
    ]:
        sign_in(client, who)
        page = client.get(f"/insatser/{mia.pk}/").content.decode()
        assert "Styrelsen beviljar Mia Vidare medel för 2026." in page, who
        assert "Budgeten för Mia Vidare höjs." in page, who
        assert ("Budget och utfall per år" in page) is reads_money, who
        assert (kr("500 000") in page) is reads_money, who

    sign_in(client, cast.bodil)
    register = client.get(base(cast) + "beslut/")
    assert register.status_code == 200 and "Styrelsen beviljar" in register.content.decode()
    assert register.context["form"] is None


def count_queries(client: Client, url: str) -> int:
    client.get(url)  # the session and the menu settle first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_lines(
    cast: Cast, year: FinancialYear, activities: list[Activity], prefix: str
) -> list[BudgetLine]:
    lines = []
    for number, activity in enumerate(activities):
        kinds = [Kind.ACTIVITY] + ([Kind.ESF_ACTIVITY] if activity.esf_cofunded else [])
        for kind in kinds:
            lines.append(
                actions.add_line(
                    year,
                    actor=cast.olle,
                    kind=kind,
                    activity=activity,
                    name="",
                    code=f"{prefix}{number}{kind[0]}",
                    budget=D("1000.50"),
                    actual=D("999") if number % 2 else None,
                )
            )
    return lines


def test_the_activity_pages_queries_do_not_grow_with_its_years_of_lines(
    cast: Cast, client: Client
) -> None:
    mia = individual(cast, name="Mia Vidare", esf_cofunded=True, starts_on=date(2020, 1, 1))
    years = [
        actions.open_year(cast.association, actor=cast.olle, year=y) for y in range(2022, 2027)
    ]

    def decide(line: BudgetLine) -> None:
        actions.record_decision(
            cast.association,
            actor=cast.olle,
            decided_on=date(2026, 1, 1),
            reference="",
            text="Beslut",
            activity=None,
            budget_line=line,
        )

    decide(add_lines(cast, years[-1], [mia], "A")[0])
    url = f"/insatser/{mia.pk}/"
    people = (cast.olle, cast.bodil, cast.kim)

    def counts() -> list[int]:
        return [count_queries(sign_in(client, who), url) for who in people]

    one = counts()
    for number, year in enumerate(years[:-1]):
        decide(add_lines(cast, year, [mia], f"B{number}")[-1])
    assert BudgetLine.objects.count() == 10 and Decision.objects.count() == 5
    assert counts() == one


def grow(cast: Cast, year: FinancialYear, count: int, prefix: str) -> None:
    activities = [
        individual(cast, name=f"{prefix} individ {n}", esf_cofunded=bool(n % 2))
        for n in range(count)
    ] + [structural(cast, name=f"{prefix} struktur {n}") for n in range(count)]
    lines = add_lines(cast, year, activities, prefix)
    for n in range(count):
        actions.add_line(
            year,
            actor=cast.olle,
            kind=Kind.ADMINISTRATION,
            activity=None,
            name=f"{prefix} administration {n}",
            code=f"{prefix}7{n}",
            budget=D(100),
            actual=D(50),
        )
        actions.add_income(
            year, actor=cast.olle, kind="grant", description=f"{prefix} {n}", amount=D(5)
        )
        actions.record_decision(
            cast.association,
            actor=cast.olle,
            decided_on=date(2026, 1, 1),
            reference="",
            text="Beslut",
            activity=None,
            budget_line=lines[n],
        )


@pytest.mark.parametrize("page", ["year", "association", "cost_report", "decisions"])
def test_the_finance_pages_queries_do_not_grow_with_lines_and_activities(
    cast: Cast, client: Client, members: Members, page: str
) -> None:
    years = [actions.open_year(cast.association, actor=cast.olle, year=y) for y in (2025, 2026)]
    url = {
        "year": base(cast) + "2026/",
        "association": base(cast),
        "cost_report": base(cast) + "2026/kostnadsrapport/?kommuner=var",
        "decisions": base(cast) + "beslut/",
    }[page]
    for year in years:
        grow(cast, year, 1, f"Y{year.year}a")
    sign_in(client, cast.olle)
    few = count_queries(client, url)
    for year in years:
        grow(cast, year, 4, f"Y{year.year}b")
    many = count_queries(client, url)
    assert few == many, (page, few, many)


def test_the_association_pages_queries_do_not_grow_with_its_years(
    cast: Cast, client: Client
) -> None:
    def keep(year: int) -> None:
        opened = actions.open_year(cast.association, actor=cast.olle, year=year)
        activity = individual(cast, name=f"Insats {year}")
        for kind, name, activity_or_none in (
            (Kind.ACTIVITY, "", activity),
            (Kind.ADMINISTRATION, "Kansli", None),
        ):
            actions.add_line(
                opened,
                actor=cast.olle,
                kind=kind,
                activity=activity_or_none,
                name=name,
                code=f"{kind[:3]}{year}",
                budget=D(100),
                actual=D(90),
            )
        actions.add_income(opened, actor=cast.olle, kind="esf", description="ESF", amount=D(5))

    url = base(cast)
    keep(2024)
    keep(2025)
    sign_in(client, cast.olle)
    few = count_queries(client, url)
    keep(2026)
    keep(2027)
    assert count_queries(client, url) == few


def test_the_year_page_shows_amounts_the_swedish_way_to_the_board_without_edit_links(
    cast: Cast, client: Client, kept_year: FinancialYear
) -> None:
    line = BudgetLine.objects.get(code="4101")
    actions.change_line(
        line,
        actor=cast.olle,
        version=line.version,
        name="",
        code="4101",
        budget=D("500000"),
        actual=D("512345.5"),
    )
    sign_in(client, cast.bodil)
    response = client.get(base(cast) + "2026/")
    page = response.content.decode()
    assert kr("1 000 000") in page and kr("512 345,50") in page
    assert MINUS + kr("12 345,50") in page
    assert "Ändra medlemmarnas bidrag" not in page and "/poster/" not in page
