"""The demo people's numbers: Skatteverket's test numbers that nobody else in the demo has."""

from __future__ import annotations

from samla import idnumbers
from samla.demo.logins import (
    DEMO_PEOPLE,
    DEMO_USERS,
    identity_number,
    logins_table,
    person_number,
    reserved_numbers,
)
from samla.demo.oidc_provider import PERSONAL_NUMBER, demo_users


def test_each_demo_person_has_a_test_personnummer_of_their_own() -> None:
    numbers = [person_number(person) for person in DEMO_PEOPLE]
    staff = {identity_number(user) for user in DEMO_USERS}
    assert len(set(numbers)) == len(DEMO_PEOPLE) == 3
    assert not set(numbers) & staff
    assert reserved_numbers() == staff | set(numbers)
    for person, value in zip(DEMO_PEOPLE, numbers, strict=True):
        number = idnumbers.parse(value)
        assert idnumbers.is_test_number(number)
        assert number.kind is idnumbers.IdNumberKind.PERSONNUMMER
        assert (number.birth_date, number.legal_sex) == (person.birth_date, person.sex)


def test_the_demo_provider_offers_each_person_with_their_number() -> None:
    offered = {user.sub: user.claims for user in demo_users()}
    for person in DEMO_PEOPLE:
        claims = offered[f"demo-person-{person.first_name.lower()}"]
        assert claims[PERSONAL_NUMBER] == person_number(person)
        assert claims["acr"].endswith("/loa3")


def test_the_printout_lists_the_people_of_min_samla() -> None:
    table = logins_table()
    assert "http://127.0.0.1:8000/min-samla/" in table
    for person in DEMO_PEOPLE:
        assert f"{person.first_name} {person.last_name} – {person.description}" in table
