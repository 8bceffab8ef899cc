"""One financial year as the statement reads it (docs/domain.md §5H): every member's contribution to
the öre, against amounts this test works out itself in exact fractions; the rules that refuse a bad
split or key with nothing changed (and the database constraint behind the shares); budget, actual
and variance summed for activities and administration, the result and the own capital, carried into
the next year; the budget lines' rules; and the cost report, on the page's figures and in its CSV
and XLSX."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from samla.activities.models import Activity
from samla.activities.tests.builders import individual, other_association, structural
from samla.audit.models import AuditEvent
from samla.concurrency import Stale
from samla.finance import actions
from samla.finance.cost_report import CostReport
from samla.finance.models import BudgetLine, FinancialYear, MunicipalKey, MunicipalShare
from samla.finance.statement import NOTHING, Financier, Money, Statement
from samla.finance.tests.test_money import largest_remainder
from samla.money import ORE
from samla.organisations.models import AssociationMember, Municipality, Organisation
from samla.people.tests.cast import Cast, organisation, sign_in

Kind = BudgetLine.Kind
D = Decimal


def municipality(
    cast: Cast, name: str, code: str, number: str, *, kind: str = AssociationMember.Kind.MEMBER
) -> Organisation:
    place = Municipality.objects.create(code=code, name=name)
    found = organisation(
        f"{name} kommun", Organisation.Kind.MUNICIPALITY, number, municipality=place
    )
    AssociationMember.objects.create(association=cast.association, organisation=found, kind=kind)
    return found


@dataclass
class Members:
    """Östra Södertörn's member municipalities, by name: Haninge, Nynäshamn, Tyresö."""

    haninge: Organisation
    nynashamn: Organisation
    tyreso: Organisation

    @property
    def all(self) -> list[Organisation]:
        return [self.haninge, self.nynashamn, self.tyreso]

    def key(self, *values: object) -> dict[int, Any]:
        return {o.pk: value for o, value in zip(self.all, values, strict=True)}


@pytest.fixture
def members(cast: Cast) -> Members:
    """Tyresö is the cast's only municipality (FK, AF and the region are not); Haninge and
    Nynäshamn join, and Botkyrka is a partner, which pays nothing."""
    haninge = municipality(cast, "Haninge", "0136", "212000-0142")
    nynashamn = municipality(cast, "Nynäshamn", "0192", "212000-0159")
    municipality(cast, "Botkyrka", "0127", "212000-2882", kind=AssociationMember.Kind.PARTNER)
    return Members(haninge=haninge, nynashamn=nynashamn, tyreso=cast.tyreso)


def save(year: FinancialYear, cast: Cast, **fields: Any) -> FinancialYear:
    """``save_contributions`` on the year as it is now, 50/25/25 unless told."""
    year.refresh_from_db()
    values: dict[str, Any] = {
        "contributions": D(0),
        "state_share": D(50),
        "region_share": D(25),
        "municipal_share": D(25),
        "municipal_key": MunicipalKey.POPULATION,
        "carried_over": D(0),
    } | fields
    return actions.save_contributions(year, actor=cast.olle, version=year.version, **values)


def expected(
    total: Decimal, shares: tuple[Decimal, Decimal, Decimal], weights: list[Any]
) -> list[Decimal]:
    """State, region and each municipality, worked out here in exact fractions: the total by the
    three shares, then the municipalities' part by the key, each to the öre by largest
    remainder."""
    state, region, municipal = largest_remainder(int(total / ORE), shares)
    return [D(p) * ORE for p in [state, region, *largest_remainder(municipal, weights)]]


def amounts(year: FinancialYear) -> list[Decimal]:
    return [c.amount for c in Statement(year).contributions]


def snapshot(year: FinancialYear) -> tuple[object, ...]:
    """Everything a refused save could have touched."""
    return (
        FinancialYear.objects.filter(pk=year.pk).values().get(),
        list(MunicipalShare.objects.filter(financial_year=year).order_by("pk").values()),
        AuditEvent.objects.count(),
    )


# ---- contributions -----------------------------------------------------------------------------


def test_opening_a_year_lists_every_member_municipality_and_no_one_else(
    cast: Cast, members: Members
) -> None:
    year = actions.open_year(cast.association, actor=cast.olle, year=2026)
    assert (year.state_share, year.region_share, year.municipal_share) == (D(50), D(25), D(25))
    assert year.municipal_key == MunicipalKey.POPULATION
    rows = list(year.municipal_shares.order_by("organisation__name"))
    assert [r.organisation for r in rows] == members.all
    assert all(r.population is None and r.share is None for r in rows)
    event = AuditEvent.objects.get(object_type="finance.financialyear")
    assert event.action == "create" and event.actor_id == cast.olle.pk
    assert event.participant_id is None


def test_each_members_contribution_to_the_ore_by_population(cast: Cast, members: Members) -> None:
    year = actions.open_year(cast.association, actor=cast.olle, year=2026)
    year = save(year, cast, contributions=D("1000000.01"), key=members.key(87000, 29000, 49000))
    statement = Statement(year)
    rows = statement.contributions
    assert [(c.financier, c.organisation) for c in rows] == [
        (Financier.STATE, cast.fk),
        (Financier.REGION, cast.region),
        *[(Financier.MUNICIPALITIES, m) for m in members.all],
    ]
    # Worked out by hand: 250 000 kr by 87:29:49 is 131 818,1818…, 43 939,3939… and
    # 74 242,4242…; the öre left over goes to Tyresö, which lost most in rounding down.
    assert [c.amount for c in rows] == [
        D("500000.01"),
        D("250000.00"),
        D("131818.18"),
        D("43939.39"),
        D("74242.43"),
    ]
    assert sum(c.amount for c in rows) == D("1000000.01")
    assert [c.share for c in rows] == [D(50), D(25), D("13.182"), D("4.394"), D("7.424")]
    assert statement.by_financier()[Financier.MUNICIPALITIES] == D("250000.00")


@pytest.mark.parametrize("total", [D("1000000.01"), D("7"), D("0"), D("0.01"), D("0.05")])
@pytest.mark.parametrize(
    ("shares", "key_kind", "key"),
    [
        ((D(50), D(25), D(25)), MunicipalKey.POPULATION, (87000, 29000, 49000)),
        ((D(40), D(30), D(30)), MunicipalKey.POPULATION, (1, 1, 1)),
        ((D(50), D(25), D(25)), MunicipalKey.FIXED, (D("33.3333"), D("33.3333"), D("33.3334"))),
        ((D("33.33"), D("33.33"), D("33.34")), MunicipalKey.FIXED, (D(0), D("0.01"), D("99.99"))),
        ((D("91.29"), D(0), D("8.71")), MunicipalKey.POPULATION, (3, 5, 7)),
    ],
)
def test_awkward_totals_and_keys_split_exactly(
    cast: Cast,
    members: Members,
    total: Decimal,
    shares: tuple[Decimal, Decimal, Decimal],
    key_kind: str,
    key: tuple[Any, ...],
) -> None:
    year = actions.open_year(cast.association, actor=cast.olle, year=2026)
    state, region, municipal = shares
    year = save(
        year,
        cast,
        contributions=total,
        state_share=state,
        region_share=region,
        municipal_share=municipal,
        municipal_key=key_kind,
        key=members.key(*key),
    )
    assert amounts(year) == expected(total, shares, list(key))
    assert sum(amounts(year)) == total


def test_fixed_shares_split_the_municipal_part(cast: Cast, members: Members) -> None:
    year = actions.open_year(cast.association, actor=cast.olle, year=2026)
    key = members.key(D("33.3333"), D("33.3333"), D("33.3334"))
    year = save(
        year, cast, contributions=D("1000000.01"), municipal_key=MunicipalKey.FIXED, key=key
    )
    assert amounts(year)[2:] == [D("83333.25"), D("83333.25"), D("83333.50")]
    shares = {row.organisation_id: row.share for row in year.municipal_shares.all()}
    assert shares == key


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    total=st.integers(min_value=0, max_value=10**13),
    region=st.integers(min_value=0, max_value=10_000),
    municipal_fraction=st.integers(min_value=0, max_value=10_000),
    populations=st.lists(st.integers(min_value=1, max_value=2_500_000), min_size=3, max_size=3),
)
def test_any_total_any_shares_any_population_the_parts_add_up(
    cast: Cast,
    members: Members,
    total: int,
    region: int,
    municipal_fraction: int,
    populations: list[int],
) -> None:
    """Totals in öre, shares in hundredths of a per cent adding up to 100, populations: every
    member's amount is the test's own, and they add up to the total."""
    year = FinancialYear.objects.filter(association=cast.association, year=2026).first()
    if year is None:
        year = actions.open_year(cast.association, actor=cast.olle, year=2026)
    municipal = (10_000 - region) * municipal_fraction // 10_000
    shares = (D(10_000 - region - municipal) * ORE, D(region) * ORE, D(municipal) * ORE)
    year = save(
        year,
        cast,
        contributions=D(total) * ORE,
        state_share=shares[0],
        region_share=shares[1],
        municipal_share=shares[2],
        key=members.key(*populations),
    )
    assert amounts(year) == expected(D(total) * ORE, shares, populations)
    assert sum(amounts(year)) == D(total) * ORE


def test_no_member_municipality_leaves_the_municipal_part_in_one_row(cast: Cast) -> None:
    AssociationMember.objects.filter(organisation=cast.tyreso).delete()
    year = actions.open_year(cast.association, actor=cast.olle, year=2026)
    year = save(year, cast, contributions=D("7"), key={})
    rows = Statement(year).contributions
    assert [(c.financier, c.organisation, c.amount) for c in rows] == [
        (Financier.STATE, cast.fk, D("3.50")),
        (Financier.REGION, cast.region, D("1.75")),
        (Financier.MUNICIPALITIES, None, D("1.75")),
    ]
    assert rows[2].label == "Kommunerna"


@pytest.mark.parametrize(
    ("fields", "key", "error", "message"),
    [
        (
            {"state_share": D(50), "region_share": D(25), "municipal_share": D(24)},
            (1, 1, 1),
            "__all__",
            "ska bli exakt 100 procent",
        ),
        (
            {"state_share": D("50.01"), "region_share": D(25), "municipal_share": D(25)},
            (1, 1, 1),
            "__all__",
            "ska bli exakt 100 procent",
        ),
        (
            {"state_share": D(-10), "region_share": D(55), "municipal_share": D(55)},
            (1, 1, 1),
            "state_share",
            "negativ",
        ),
        ({}, (87000, 29000), "__all__", "varje medlemskommun"),
        ({"municipal_key": MunicipalKey.FIXED}, (D(30), D(30), D("39.99")), "__all__", "99,99"),
        ({"municipal_key": MunicipalKey.FIXED}, (D(60), D(60), D(-20)), "key_tyreso", "mellan 0"),
        ({}, (87000, 0, 49000), "key_nynashamn", "större än noll"),
        ({}, (87000, None, 49000), "key_nynashamn", "folkmängd"),
        ({}, (87000, D("29000.5"), 49000), "key_nynashamn", "heltal"),
        ({"contributions": D("-1")}, (1, 1, 1), "contributions", "negativt"),
    ],
)
def test_a_bad_split_or_key_is_refused_and_nothing_changes(
    cast: Cast,
    members: Members,
    fields: dict[str, Any],
    key: tuple[Any, ...],
    error: str,
    message: str,
) -> None:
    year = actions.open_year(cast.association, actor=cast.olle, year=2026)
    year = save(year, cast, contributions=D("1000"), key=members.key(1, 2, 3))
    before = snapshot(year)
    values = {o.pk: v for o, v in zip(members.all, key, strict=False)}
    with pytest.raises(ValidationError) as refused:
        save(year, cast, **({"contributions": D("5000")} | fields), key=values)
    names = {f"key_{o.pk}": f"key_{n}" for n, o in vars(members).items()}
    errors = {names.get(k, k): v for k, v in refused.value.message_dict.items()}
    assert message in " ".join(errors[error]), errors
    assert snapshot(year) == before


def test_a_key_naming_another_organisation_is_refused(cast: Cast, members: Members) -> None:
    year = actions.open_year(cast.association, actor=cast.olle, year=2026)
    before = snapshot(year)
    key = members.key(1, 2, 3) | {cast.fk.pk: 4}
    with pytest.raises(ValidationError) as refused:
        save(year, cast, contributions=D("1000"), key=key)
    assert "varje medlemskommun, och bara dem" in refused.value.message_dict["__all__"][0]
    assert snapshot(year) == before


def test_the_database_refuses_shares_that_do_not_add_up(cast: Cast) -> None:
    year = actions.open_year(cast.association, actor=cast.olle, year=2026)
    for state in (D(60), D("49.99"), D("50.01")):
        year.state_share, year.region_share, year.municipal_share = state, D(25), D(25)
        with pytest.raises(IntegrityError), transaction.atomic():
            year.save()
    # Shares that do add up are kept, also where floating point would not make them 100 exactly
    # (SQLite keeps decimals as floating point: 100 - 0 - 8.71 is not 91.29 there).
    for shares in [("91.29", "0", "8.71"), ("33.33", "33.33", "33.34")]:
        year.state_share, year.region_share, year.municipal_share = map(D, shares)
        with transaction.atomic():
            year.save()
        year.refresh_from_db()
        assert year.state_share == D(shares[0])


def test_a_stale_save_is_refused_with_what_is_there_now(cast: Cast, members: Members) -> None:
    year = actions.open_year(cast.association, actor=cast.olle, year=2026)
    key = members.key(1, 2, 3)
    first = save(year, cast, contributions=D("1000"), key=key)
    before = snapshot(year)
    with pytest.raises(Stale) as stale:
        actions.save_contributions(
            year,
            actor=cast.olle,
            version=first.version - 1,
            contributions=D("2000"),
            state_share=D(50),
            region_share=D(25),
            municipal_share=D(25),
            municipal_key=MunicipalKey.POPULATION,
            key=key,
            carried_over=D(0),
        )
    current = stale.value.current
    assert isinstance(current, FinancialYear) and current.contributions == D("1000")
    assert snapshot(year) == before


# ---- costs, result, capital --------------------------------------------------------------------


@dataclass
class Book:
    year: FinancialYear
    mia: Activity  # individual, not ESF
    steget: Activity  # individual, ESF co-funded
    forum: Activity  # structural
    lines: list[BudgetLine]
    funds: Decimal


LINES: list[tuple[str, str | None, str, str, Decimal, Decimal | None]] = [
    # kind, activity, name, code, budget, actual
    (Kind.ADMINISTRATION, None, "Kansli", "7010", D("1200000"), D("1150000.50")),
    (Kind.ADMINISTRATION, None, "Revision", "7020", D("80000"), None),
    (Kind.ACTIVITY, "mia", "", "4101", D("500000"), D("612345.67")),
    (Kind.ACTIVITY, "steget", "", "4201", D("300000"), D("250000")),
    (Kind.ESF_ACTIVITY, "steget", "", "4202", D("200000.10"), None),
    (Kind.ACTIVITY, "forum", "", "4301", D("100000"), D("99999.99")),
]


def build_book(cast: Cast, members: Members, *, actuals: bool = True) -> Book:
    year = actions.open_year(cast.association, actor=cast.olle, year=2026)
    year = save(
        year,
        cast,
        contributions=D("2000000.01"),
        key=members.key(87000, 29000, 49000),
        carried_over=D("-12000.50"),
    )
    actions.add_income(
        year, actor=cast.olle, kind="esf", description="ESF-rådet, Steget", amount=D("450000")
    )
    actions.add_income(
        year, actor=cast.olle, kind="grant", description="Länsstyrelsen", amount=D("12345.67")
    )
    activities = {
        "mia": individual(cast, name="Mia Vidare"),
        "steget": individual(cast, name="Steget", esf_cofunded=True),
        "forum": structural(cast, name="Forum för handläggare"),
    }
    lines = [
        actions.add_line(
            year,
            actor=cast.olle,
            kind=kind,
            activity=activities[activity] if activity else None,
            name=name,
            code=code,
            budget=budget,
            actual=actual if actuals else None,
        )
        for kind, activity, name, code, budget, actual in LINES
    ]
    funds = D("2000000.01") + D("450000") + D("12345.67")
    return Book(year, activities["mia"], activities["steget"], activities["forum"], lines, funds)


def sums(*kinds: str, actuals: bool = True) -> Money:
    """Budget and actual of the lines of these kinds, summed here from LINES."""
    chosen = [(budget, actual) for kind, _a, _n, _c, budget, actual in LINES if kind in kinds]
    known = [actual for _budget, actual in chosen if actual is not None and actuals]
    return Money(sum((b for b, _a in chosen), D(0)), sum(known, D(0)) if known else None)


def test_budget_actual_and_variance_add_up_for_activities_and_administration(
    cast: Cast, members: Members
) -> None:
    book = build_book(cast, members)
    statement = Statement(book.year)
    for line, (_kind, _a, _n, _c, budget, actual) in zip(book.lines, LINES, strict=True):
        assert line.variance == (None if actual is None else budget - actual)

    assert statement.cost_of(Kind.ADMINISTRATION) == sums(Kind.ADMINISTRATION)
    assert statement.cost_of(Kind.ACTIVITY) == sums(Kind.ACTIVITY)
    assert statement.cost_of(Kind.ESF_ACTIVITY) == Money(D("200000.10"), None)
    assert statement.administration_costs == Money(D("1280000"), D("1150000.50"))
    assert statement.activity_costs == Money(D("1100000.10"), D("962345.66"))
    assert statement.activity_costs == sums(Kind.ACTIVITY, Kind.ESF_ACTIVITY)
    costs = sums(Kind.ADMINISTRATION, Kind.ACTIVITY, Kind.ESF_ACTIVITY)
    assert statement.costs == costs == Money(D("2380000.10"), D("2112346.16"))
    assert statement.costs.variance == D("267653.94")

    assert statement.total_funds == book.funds == D("2462345.68")
    assert statement.by_financier() == {
        Financier.STATE: D("1000000.01"),
        Financier.REGION: D("500000.00"),
        Financier.MUNICIPALITIES: D("500000.00"),
        Financier.ESF: D("450000"),
        Financier.OTHER: D("12345.67"),
    }
    assert costs.actual is not None
    assert statement.result == Money(book.funds - costs.budget, book.funds - costs.actual)
    assert statement.capital_at_year_end == Money(
        D("-12000.50") + book.funds - costs.budget, D("-12000.50") + book.funds - costs.actual
    )

    by_name = {entry.name: entry for entry in statement.activities}
    assert list(by_name) == ["Forum för handläggare", "Mia Vidare", "Steget"]
    steget = by_name["Steget"]
    assert steget.cost == book.lines[3] and steget.esf_cost == book.lines[4]
    assert steget.total == Money(D("500000.10"), D("250000"))
    assert by_name["Mia Vidare"].esf_cost is None
    assert [line.name for line in statement.administration] == ["Kansli", "Revision"]


def test_without_any_actual_the_actual_result_is_not_known(cast: Cast, members: Members) -> None:
    book = build_book(cast, members, actuals=False)
    statement = Statement(book.year)
    assert statement.costs == Money(D("2380000.10"), None)
    assert statement.costs.variance is None
    assert statement.result == Money(book.funds - D("2380000.10"), None)
    assert statement.capital_at_year_end == Money(
        D("-12000.50") + book.funds - D("2380000.10"), None
    )


def test_money_adds_up_an_unknown_actual_as_unknown_only_when_both_are() -> None:
    assert Money(D(1), None) + Money(D(2), None) == Money(D(3), None)
    assert Money(D(1), None) + Money(D(2), D("0.50")) == Money(D(3), D("0.50"))
    assert Money(D(1), D("0.25")) + Money(D(2), None) == Money(D(3), D("0.25"))
    assert Money(D(1), D(0)) + Money(D(2), D(0)) == Money(D(3), D(0))
    assert NOTHING + NOTHING == NOTHING
    assert Money(D(10), D(12)).variance == D(-2)
    assert Money(D(10), None).variance is None


def test_a_new_year_takes_over_the_last_years_capital_shares_and_key(
    cast: Cast, members: Members
) -> None:
    last = actions.open_year(cast.association, actor=cast.olle, year=2025)
    key = members.key(D(20), D(30), D(50))
    last = save(
        last,
        cast,
        contributions=D("1000000"),
        state_share=D(40),
        region_share=D(30),
        municipal_share=D(30),
        municipal_key=MunicipalKey.FIXED,
        key=key,
        carried_over=D("5000"),
    )
    actions.add_income(last, actor=cast.olle, kind="esf", description="ESF", amount=D("100000"))
    for code, budget, actual in [("7010", D("300000"), D("280000.55")), ("7020", D(1), None)]:
        actions.add_line(
            last,
            actor=cast.olle,
            kind=Kind.ADMINISTRATION,
            activity=None,
            name=code,
            code=code,
            budget=budget,
            actual=actual,
        )
    capital = Statement(last).capital_at_year_end
    assert capital.actual == D("5000") + D("1100000") - D("280000.55")

    # Nynäshamn leaves and Värmdö joins between the years.
    AssociationMember.objects.filter(organisation=members.nynashamn).delete()
    varmdo = municipality(cast, "Värmdö", "0120", "212000-0092")

    opened = actions.open_year(cast.association, actor=cast.olle, year=2026)
    assert opened.carried_over == capital.actual
    assert (opened.state_share, opened.region_share, opened.municipal_share) == (
        D(40),
        D(30),
        D(30),
    )
    assert opened.municipal_key == MunicipalKey.FIXED
    assert {row.organisation_id: row.share for row in opened.municipal_shares.all()} == {
        members.haninge.pk: D(20),
        members.tyreso.pk: D(50),
        varmdo.pk: None,
    }
    assert opened.contributions == 0 and not opened.budget_lines.exists()

    # Without an actual, the year's budgeted capital is carried over; after a gap, nothing.
    later = actions.open_year(cast.association, actor=cast.olle, year=2027)
    assert later.carried_over == Statement(opened).capital_at_year_end.budget
    after_gap = actions.open_year(cast.association, actor=cast.olle, year=2030)
    assert after_gap.carried_over == 0 and after_gap.state_share == D(40)

    with pytest.raises(ValidationError) as refused:
        actions.open_year(cast.association, actor=cast.olle, year=2026)
    assert "finns redan" in refused.value.message_dict["year"][0]
    assert FinancialYear.objects.filter(association=cast.association).count() == 4


# ---- budget lines ------------------------------------------------------------------------------


def test_the_budget_lines_rules_refuse_with_nothing_saved(cast: Cast) -> None:
    year = actions.open_year(cast.association, actor=cast.olle, year=2026)
    mia = individual(cast, name="Mia Vidare")
    steget = individual(cast, name="Steget", esf_cofunded=True)
    ended = individual(
        cast, name="Avslutad", starts_on=date(2020, 1, 1), ends_on=date(2025, 12, 31)
    )
    coming = individual(cast, name="Kommande", starts_on=date(2027, 1, 1))
    elsewhere = other_association(cast).activity
    actions.add_line(
        year, actor=cast.olle, kind=Kind.ACTIVITY, activity=mia, name="", code="4101", budget=D(1)
    )
    actions.add_line(
        year,
        actor=cast.olle,
        kind=Kind.ADMINISTRATION,
        activity=None,
        name="Kansli",
        code="7010",
        budget=D(1),
    )
    before = (BudgetLine.objects.count(), AuditEvent.objects.count())

    def refused(**fields: Any) -> dict[str, list[str]]:
        values: dict[str, Any] = {
            "kind": Kind.ACTIVITY,
            "activity": steget,
            "name": "",
            "code": "4999",
            "budget": D(100),
        } | fields
        with pytest.raises(ValidationError) as error:
            actions.add_line(year, actor=cast.olle, **values)
        return error.value.message_dict

    assert "ESF-medfinansierad" in refused(kind=Kind.ESF_ACTIVITY, activity=mia)["kind"][0]
    assert "används redan" in refused(code="4101")["code"][0]
    assert "används redan" in refused(code=" 7010 ")["code"][0]
    assert "redan en sådan budgetpost" in refused(activity=mia)["activity"][0]
    assert "hör inte till förbundet" in refused(activity=elsewhere)["activity"][0]
    assert "pågår inte 2026" in refused(activity=ended)["activity"][0]
    assert "pågår inte 2026" in refused(activity=coming)["activity"][0]
    assert "Välj vilken insats" in refused(activity=None)["activity"][0]
    administration = {"kind": Kind.ADMINISTRATION, "activity": None}
    assert "Ange vad" in refused(**administration, name="  ")["name"][0]
    assert "redan en administrationspost" in refused(**administration, name="Kansli")["name"][0]
    assert "negativ" in refused(budget=D(-1))["budget"][0]
    assert "negativt" in refused(actual=D("-0.01"))["actual"][0]
    assert "Ange postens kod" in refused(code=" ")["code"][0]
    assert (BudgetLine.objects.count(), AuditEvent.objects.count()) == before

    # What is allowed: the ESF activity cost of an ESF co-funded activity, next to its cost.
    actions.add_line(
        year,
        actor=cast.olle,
        kind=Kind.ACTIVITY,
        activity=steget,
        name="",
        code="4201",
        budget=D(1),
    )
    actions.add_line(
        year,
        actor=cast.olle,
        kind=Kind.ESF_ACTIVITY,
        activity=steget,
        name="ignored",
        code="4202",
        budget=D(1),
    )
    assert BudgetLine.objects.get(code="4202").name == ""


def test_changing_a_line_keeps_its_kind_and_refuses_a_stale_version(cast: Cast) -> None:
    year = actions.open_year(cast.association, actor=cast.olle, year=2026)
    mia = individual(cast, name="Mia Vidare")
    line = actions.add_line(
        year, actor=cast.olle, kind=Kind.ACTIVITY, activity=mia, name="", code="4101", budget=D(1)
    )
    actions.add_line(
        year,
        actor=cast.olle,
        kind=Kind.ADMINISTRATION,
        activity=None,
        name="Kansli",
        code="7010",
        budget=D(1),
    )
    changed = actions.change_line(
        line,
        actor=cast.olle,
        version=line.version,
        name="ignored",
        code="4102",
        budget=D("500000"),
        actual=D("499999.99"),
    )
    assert (changed.code, changed.budget, changed.actual, changed.name) == (
        "4102",
        D("500000"),
        D("499999.99"),
        "",
    )
    assert changed.version == line.version + 1 and changed.variance == D("0.01")
    with pytest.raises(ValidationError) as refused:
        actions.change_line(
            changed,
            actor=cast.olle,
            version=changed.version,
            name="",
            code="7010",
            budget=D(1),
            actual=None,
        )
    assert "används redan" in refused.value.message_dict["code"][0]
    with pytest.raises(Stale):
        actions.change_line(
            changed,
            actor=cast.olle,
            version=line.version,
            name="",
            code="4103",
            budget=D(2),
            actual=None,
        )
    changed.refresh_from_db()
    assert (changed.code, changed.budget) == ("4102", D("500000"))


# ---- the cost report ---------------------------------------------------------------------------


def block(report: CostReport, slug: str) -> Any:
    return next(b for b in report.blocks() if b.slug == slug)


def test_the_cost_report_says_what_the_statement_says(cast: Cast, members: Members) -> None:
    book = build_book(cast, members)
    statement = Statement(book.year)
    report = CostReport(statement)

    funds = block(report, "funds")
    assert funds.rows == [
        ["Staten (Försäkringskassan)", D("1000000.01")],
        ["Regionen", D("500000.00")],
        ["Kommunerna", D("500000.00")],
        ["ESF", D("450000")],
        ["Övriga", D("12345.67")],
    ]
    assert funds.footer[1] == statement.total_funds == book.funds
    each = block(CostReport(statement, per_organisation=True), "funds")
    municipal = expected(D("2000000.01"), (D(50), D(25), D(25)), [87000, 29000, 49000])[2:]
    assert each.rows == [
        ["Staten (Försäkringskassan)", D("1000000.01")],
        ["Regionen", D("500000.00")],
        *[[str(m), amount] for m, amount in zip(members.all, municipal, strict=True)],
        ["ESF", D("450000")],
        ["Övriga", D("12345.67")],
    ]
    assert sum(row[1] for row in each.rows) == funds.footer[1]

    activities = block(report, "activities")

    def row(
        name: str, cost: tuple[Any, ...], esf: tuple[Any, ...], both: tuple[Any, ...]
    ) -> list[Any]:
        """An activity's cost (budget, actual, variance), its ESF activity cost (budget,
        actual) and both together (budget, actual, variance)."""
        return [name, *cost, *esf, *both]

    assert activities.rows == [
        row(
            "Forum för handläggare",
            (D(100000), D("99999.99"), D("0.01")),
            (None, None),
            (D(100000), D("99999.99"), D("0.01")),
        ),
        row(
            "Mia Vidare",
            (D(500000), D("612345.67"), D("-112345.67")),
            (None, None),
            (D(500000), D("612345.67"), D("-112345.67")),
        ),
        row(
            "Steget",
            (D(300000), D(250000), D(50000)),
            (D("200000.10"), None),
            (D("500000.10"), D(250000), D("250000.10")),
        ),
    ]
    own = statement.cost_of(Kind.ACTIVITY)
    both = statement.activity_costs
    assert activities.footer[1:] == [
        own.budget,
        own.actual,
        own.variance,
        D("200000.10"),
        None,
        both.budget,
        both.actual,
        both.variance,
    ]

    administration = block(report, "administration")
    assert administration.rows == [
        ["Kansli", D(1200000), D("1150000.50"), D("49999.50")],
        ["Revision", D(80000), None, None],
    ]
    assert administration.footer[1:] == [D(1280000), D("1150000.50"), D("129999.50")]

    summary = block(report, "summary")
    costs = statement.costs
    assert costs.actual is not None and both.actual is not None
    assert [row[1:] for row in summary.rows] == [
        [book.funds, book.funds],
        [-both.budget, -both.actual],
        [D(-1280000), D("-1150000.50")],
        [book.funds - costs.budget, book.funds - costs.actual],
        [D("-12000.50"), D("-12000.50")],
    ]
    capital = statement.capital_at_year_end
    assert summary.footer[1:] == [capital.budget, capital.actual]
    assert summary.rows[0][1] + summary.rows[1][1] + summary.rows[2][1] == statement.result.budget

    records = report.records()
    assert records[0] == [report.title] and "Kostnadsrapport 2026" in report.title
    for b in report.blocks():
        start = records.index([b.title])
        assert records[start + 1] == [str(c.heading) for c in b.columns]
        assert records[start + 2 : start + 2 + len(b.rows)] == b.rows
        assert records[start + 2 + len(b.rows)] == b.footer


def labelled(rows: list[list[Any]]) -> dict[str, list[Decimal | None]]:
    """Each row of a label and amounts, by its label, the amounts read as kronor up to the last
    one known (the first row of a label wins); titles and headings are left out."""
    found: dict[str, list[Decimal | None]] = {}
    for label, *cells in (row for row in rows if len(row) > 1):
        if label in found or any(isinstance(c, str) and c and c[-1].isalpha() for c in cells):
            continue
        # The CSV writes a decimal comma, as Swedish spreadsheets read numbers.
        amounts = [
            None if c in (None, "") else D(str(c).replace(",", ".")).quantize(ORE) for c in cells
        ]
        while amounts and amounts[-1] is None:  # a spreadsheet keeps no empty cells at the end
            amounts.pop()
        found[label] = amounts
    return found


@pytest.mark.parametrize("per_organisation", [False, True])
def test_the_csv_and_xlsx_hold_the_same_numbers(
    cast: Cast, members: Members, client: Client, per_organisation: bool
) -> None:
    book = build_book(cast, members)
    report = CostReport(Statement(book.year), per_organisation=per_organisation)
    wanted = labelled(
        [row for row in report.records() if len(row) > 1 and not isinstance(row[1], str)]
    )
    assert len(wanted) >= 15
    sign_in(client, cast.bodil)  # the board reads the report too
    url = f"/ekonomi/{cast.association.pk}/2026/kostnadsrapport/"
    extra = {"kommuner": "var"} if per_organisation else {}

    response = client.get(url, {"format": "csv", **extra})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    from_csv = labelled(list(csv.reader(io.StringIO(text), delimiter=";")))
    assert {label: from_csv[label] for label in wanted} == wanted

    response = client.get(url, {"format": "xlsx", **extra})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    from_xlsx = labelled([list(row) for row in sheet.iter_rows(values_only=True)])
    assert {label: from_xlsx[label] for label in wanted} == wanted
    money = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, int | float)]
    assert len(money) >= 15
    assert {(c.data_type, c.number_format) for c in money} == {("n", "#,##0.00")}  # kronor, öre
    if per_organisation:
        tyreso = Statement(book.year).contributions[-1]
        assert tyreso.organisation == cast.tyreso
        assert from_csv["Tyresö kommun"] == from_xlsx["Tyresö kommun"] == [tyreso.amount]

    page = client.get(url, extra).content.decode()
    assert "2\u00a0462\u00a0345,68\u00a0kr" in page  # the funds, summed
    assert "\u2212112\u00a0345,67\u00a0kr" in page  # Mia Vidare's variance
