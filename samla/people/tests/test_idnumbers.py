"""Swedish identity numbers (docs/domain.md R9), with Skatteverket's test numbers only.

No database: the module is pure and must also work before Django is set up.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import pytest
from django.apps import apps
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from samla.idnumbers import (
    IdNumber,
    IdNumberKind,
    InvalidIdNumber,
    is_test_number,
    looks_like_number,
    parse,
    test_personnummer,
)

TODAY = date(2025, 6, 15)
EXAMPLE = "191212121212"

Sex = Literal["F", "M"]


def number(first_eleven: str) -> str:
    """Complete "YYYYMMDDNNN" with a correct check digit, so only the rule under test fails."""
    return first_eleven + luhn.calc_check_digit(first_eleven[2:])


def refusal(value: str, today: date = TODAY) -> InvalidIdNumber:
    with pytest.raises(InvalidIdNumber) as caught:
        parse(value, today=today)
    return caught.value


# Accepted forms


@pytest.mark.parametrize(
    "value",
    [
        "19121212-1212",
        "191212121212",
        "  19121212-1212\n",
        "19121212\u20131212",
        "121212+1212",
    ],
)
def test_accepted_forms_of_the_documented_example(value: str) -> None:
    parsed = parse(value, today=TODAY)

    assert parsed == IdNumber(EXAMPLE, IdNumberKind.PERSONNUMMER)
    assert parsed.birth_date == date(1912, 12, 12)
    assert parsed.legal_sex == "M"


def test_today_defaults_to_the_current_date() -> None:
    assert parse("19121212-1212").value == EXAMPLE


def test_ten_digits_without_separator_are_refused_rather_than_guessed() -> None:
    error = refusal("1212121212")

    assert error.code == "century"
    assert error.message == (
        "Ange numret med århundrade (ÅÅÅÅMMDD-NNNN), eller med - eller + före de fyra sista "
        "siffrorna."
    )


def test_separator_picks_the_century() -> None:
    assert parse("121212-1212", today=TODAY).birth_date == date(2012, 12, 12)
    assert parse("121212+1212", today=TODAY).birth_date == date(1912, 12, 12)


def test_plus_applies_from_the_year_of_the_hundredth_birthday() -> None:
    centenarian = test_personnummer(date(1925, 6, 1), "F")
    before_birthday = date(2025, 3, 1)
    digits = centenarian.value[2:8], centenarian.value[8:]

    assert centenarian.age(before_birthday) == 99
    assert centenarian.short(before_birthday) == "{}+{}".format(*digits)
    assert centenarian.short(date(2024, 12, 31)) == "{}-{}".format(*digits)
    assert parse("{}+{}".format(*digits), today=before_birthday) == centenarian
    assert parse("{}-{}".format(*digits), today=date(2024, 12, 31)) == centenarian


def test_minus_for_someone_turning_100_this_year_is_refused_with_a_hint() -> None:
    error = refusal(test_personnummer(date(1925, 6, 1), "F").value[2:8] + "-9802", date(2025, 3, 1))

    assert error.code == "future"
    assert "+" in error.message


def test_twelve_digits_with_plus_are_refused() -> None:
    assert refusal("19121212+1212").code == "format"


@pytest.mark.parametrize(
    "value", ["", "   ", "abc", "19121212-12", "19121212 1212", "1912-12-12-1212", "19121212--1212"]
)
def test_malformed_input_is_refused(value: str) -> None:
    assert refusal(value).code == "format"


# Checks


def test_wrong_check_digit_is_refused() -> None:
    error = refusal("19121212-1213")

    assert error.code == "checksum"
    assert error.message == "Kontrollsiffran stämmer inte. Kontrollera numret."
    assert str(error) == error.message
    assert isinstance(error, ValueError)


@pytest.mark.parametrize("yyyymmdd", ["19121312", "19121232", "19121200", "19120431", "20230229"])
def test_dates_that_do_not_exist_are_refused(yyyymmdd: str) -> None:
    error = refusal(number(yyyymmdd + "982"))

    assert error.code == "date"
    assert error.message == "Datumet i numret finns inte."


def test_29_february_2000_exists() -> None:
    leap_day = number("20000229982")

    assert parse(leap_day, today=TODAY).birth_date == date(2000, 2, 29)
    assert parse(leap_day[2:8] + "-" + leap_day[8:], today=TODAY).birth_date == date(2000, 2, 29)


def test_29_february_1900_does_not_exist() -> None:
    assert refusal(number("19000229982")).code == "date"
    assert refusal(number("20000229982")[2:8] + "+" + number("20000229982")[8:]).code == "date"


def test_birth_dates_in_the_future_are_refused() -> None:
    error = refusal(test_personnummer(date(2025, 6, 16), "F").formatted())

    assert error.code == "future"
    assert error.message == "Födelsedatumet i numret ligger i framtiden."


def test_a_child_born_today_is_accepted() -> None:
    newborn = test_personnummer(TODAY, "M")

    assert parse(newborn.formatted(), today=TODAY) == newborn
    assert newborn.age(TODAY) == 0


def test_a_century_typed_wrong_is_refused_when_the_year_is_implausible() -> None:
    assert refusal("09121212-1212").code == "year"


# Samordningsnummer


@pytest.mark.parametrize(("day", "birth_day"), [(61, 1), (72, 12), (91, 31)])
def test_samordningsnummer_days_61_to_91(day: int, birth_day: int) -> None:
    parsed = parse(number(f"191212{day}982"), today=TODAY)

    assert parsed.kind is IdNumberKind.SAMORDNINGSNUMMER
    assert parsed.birth_date == date(1912, 12, birth_day)
    assert parsed.formatted() == f"191212{day}-" + parsed.value[8:]


@pytest.mark.parametrize("yyyymmdd", ["19121260", "19121292", "19120491", "19000289"])
def test_samordningsnummer_with_impossible_days_are_refused(yyyymmdd: str) -> None:
    assert refusal(number(yyyymmdd + "982")).code == "date"


def test_samordningsnummer_on_29_february_of_a_leap_year() -> None:
    assert parse(number("20000289982"), today=TODAY).birth_date == date(2000, 2, 29)


# Reserve numbers


@pytest.mark.parametrize("value", ["19800101-TF12", "19800101tf12", " 800101-TF12 "])
def test_reserve_numbers(value: str) -> None:
    parsed = parse(value, today=TODAY)

    assert parsed == IdNumber("19800101TF12", IdNumberKind.RESERVE)
    assert parsed.birth_date == date(1980, 1, 1)
    assert parsed.legal_sex is None
    assert parsed.formatted() == "19800101-TF12"
    assert parsed.short(TODAY) == "800101-TF12"
    assert not is_test_number(parsed)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("19801301-TF12", "date"),
        ("20991231-TF12", "future"),
        ("19800101-T#12", "format"),
        ("19800101-TF1", "format"),
        ("800101TF12", "century"),
    ],
)
def test_invalid_reserve_numbers_are_refused(value: str, code: str) -> None:
    assert refusal(value).code == code


# Properties of a parsed number


@pytest.mark.parametrize(
    ("serial", "sex"), [("980", "F"), ("981", "M"), ("122", "F"), ("121", "M")]
)
def test_legal_sex_comes_from_the_third_serial_digit(serial: str, sex: str) -> None:
    assert parse(number("19121212" + serial), today=TODAY).legal_sex == sex


def test_formatted_and_short_forms() -> None:
    example = parse(EXAMPLE, today=TODAY)
    young = parse("20121212-1212", today=TODAY)

    assert example.formatted() == "19121212-1212"
    assert str(example) == "19121212-1212"
    assert example.short(TODAY) == "121212+1212"
    assert young.short(TODAY) == "121212-1212"
    assert parse(example.short(TODAY), today=TODAY) == example
    assert parse(young.short(TODAY), today=TODAY) == young


def test_age_counts_birthdays() -> None:
    leapling = parse(number("20000229982"), today=TODAY)

    assert leapling.age(date(2025, 2, 28)) == 24
    assert leapling.age(date(2025, 3, 1)) == 25
    with pytest.raises(ValueError):
        leapling.age(date(2000, 2, 28))
    with pytest.raises(ValueError):
        leapling.short(date(2000, 2, 28))


@pytest.mark.skipif(not apps.ready, reason="lazy labels need Django set up")
def test_kind_labels_are_swedish() -> None:
    assert [str(kind.label) for kind in IdNumberKind] == [
        "Personnummer",
        "Samordningsnummer",
        "Reservnummer",
    ]


# Test numbers


def test_test_numbers_are_recognised() -> None:
    assert is_test_number(parse(EXAMPLE, today=TODAY))
    assert is_test_number(parse(number("19800101980"), today=TODAY))
    assert is_test_number(parse(number("19800101999"), today=TODAY))
    assert not is_test_number(parse(number("19800101979"), today=TODAY))
    assert not is_test_number(parse(number("19800101122"), today=TODAY))


@pytest.mark.parametrize("sex", ["F", "M"])
def test_there_are_ten_test_numbers_per_date_and_sex(sex: Sex) -> None:
    born = date(1980, 1, 1)
    numbers = {test_personnummer(born, sex, index).value for index in range(10)}

    assert len(numbers) == 10
    with pytest.raises(ValueError):
        test_personnummer(born, sex, 10)
    with pytest.raises(ValueError):
        test_personnummer(born, sex, -1)


def test_generator_refuses_an_unknown_sex() -> None:
    with pytest.raises(ValueError):
        test_personnummer(date(1980, 1, 1), "X")  # type: ignore[arg-type]


# Properties over all test numbers

REAL_TODAY = timezone.localdate()
births = st.dates(min_value=date(1890, 1, 1), max_value=REAL_TODAY)
sexes: st.SearchStrategy[Sex] = st.sampled_from(["F", "M"])
indexes = st.integers(min_value=0, max_value=9)


@st.composite
def generated_numbers(draw: st.DrawFn, coordination: bool | None = None) -> IdNumber:
    return test_personnummer(
        draw(births),
        draw(sexes),
        draw(indexes),
        coordination=draw(st.booleans()) if coordination is None else coordination,
    )


@st.composite
def numbers_with_a_later_day(draw: st.DrawFn) -> tuple[IdNumber, date]:
    """Any day up to age 199: beyond that the ten-digit form cannot name the century."""
    id_number = draw(generated_numbers())
    born = id_number.birth_date
    return id_number, draw(st.dates(min_value=born, max_value=date(born.year + 199, 12, 31)))


@given(births, sexes, indexes, st.booleans())
def test_generated_test_numbers_parse_back(
    born: date, sex: Sex, index: int, coordination: bool
) -> None:
    generated = test_personnummer(born, sex, index, coordination=coordination)
    parsed = parse(generated.value, today=REAL_TODAY)

    assert parsed == generated
    assert parsed.birth_date == born
    assert parsed.legal_sex == sex
    assert parsed.kind is (
        IdNumberKind.SAMORDNINGSNUMMER if coordination else IdNumberKind.PERSONNUMMER
    )
    assert is_test_number(parsed)


@given(generated_numbers())
def test_formatted_form_round_trips(id_number: IdNumber) -> None:
    assert parse(id_number.formatted(), today=REAL_TODAY) == id_number


@given(numbers_with_a_later_day())
def test_short_form_round_trips_on_any_later_day(case: tuple[IdNumber, date]) -> None:
    id_number, today = case
    short = id_number.short(today)

    assert parse(short, today=today) == id_number
    assert ("+" in short) == (today.year - id_number.birth_date.year >= 100)


@given(generated_numbers(coordination=True), st.data())
def test_samordningsnummer_short_form_round_trips(id_number: IdNumber, data: st.DataObject) -> None:
    born = id_number.birth_date
    today = data.draw(st.dates(min_value=born, max_value=date(born.year + 199, 12, 31)))

    assert parse(id_number.short(today), today=today) == id_number


@given(
    generated_numbers(),
    st.integers(min_value=2, max_value=11),
    st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_change_is_refused(id_number: IdNumber, position: int, shift: int) -> None:
    """Positions 0 and 1 are the century, which no check digit covers."""
    digit = str((int(id_number.value[position]) + shift) % 10)
    changed = id_number.value[:position] + digit + id_number.value[position + 1 :]

    with pytest.raises(InvalidIdNumber):
        parse(changed, today=REAL_TODAY)


@given(generated_numbers(), st.data())
def test_plus_throughout_the_year_of_the_hundredth_birthday(
    id_number: IdNumber, data: st.DataObject
) -> None:
    """Folkbokföringslagen 18 §: the "+" comes with the year, not with the birthday."""
    year = id_number.birth_date.year + 100
    today = data.draw(st.dates(min_value=date(year, 1, 1), max_value=date(year, 12, 31)))
    short = id_number.short(today)

    assert "+" in short
    assert parse(short, today=today) == id_number


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("19121212-1212", True),
        ("121212-1212", True),
        ("900517", True),  # a birth date singles people out too
        ("19850312-TF12", True),  # a reserve number
        ("Pia Persson", False),
        ("12345", False),
        ("pia 900517", False),
    ],
)
def test_which_search_texts_are_identity_numbers(text: str, number: bool) -> None:
    assert looks_like_number(text) is number
