"""Income sources: several, each once, with an extent of 1–100 % of full time; 'none' and
'unknown' alone and without extent. The form says what is wrong, next to the field, and saves
nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from samla.measurements.actions import check_income_sources
from samla.measurements.models import IncomeSource, IncomeSourceKind, Measurement
from samla.measurements.tests.builders import form_data, started
from samla.measurements.tests.conftest import at
from samla.people.tests.cast import sign_in
from samla.referrals.tests.builders import Setting


@pytest.fixture
def entry_url(setting: Setting, client: Client, time_machine) -> str:
    referral = started(setting)
    time_machine.move_to(at(2026, 1, 20))
    sign_in(client, setting.ulla)
    return f"/remisser/{referral.pk}/matningar/start/registrera/"


def test_several_sources_are_saved_with_their_extent(entry_url: str, client: Client) -> None:
    data = form_data(income_salary="on", extent_salary="25", extent_social_assistance="75")
    assert client.post(entry_url, data).status_code == 302
    saved = IncomeSource.objects.values_list("source", "extent")
    assert sorted(saved) == [("salary", 25), ("social_assistance", 75)]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"extent_social_assistance": "0"}, "Ange en siffra mellan 1 och 100."),
        ({"extent_social_assistance": "101"}, "Ange en siffra mellan 1 och 100."),
        ({"extent_social_assistance": ""}, "Ange omfattningen i procent, 1–100."),
        ({"extent_salary": "50"}, "Kryssa i inkomstkällan, eller töm rutan."),
        (
            {"income_none": "on"},
            "”Ingen inkomst” och ”Okänt” kan inte kombineras med andra inkomstkällor.",
        ),
        (
            {"income_social_assistance": "", "extent_social_assistance": ""},
            "Välj minst en inkomstkälla, eller ”Okänt”.",
        ),
    ],
)
def test_a_wrong_combination_is_refused_and_nothing_is_saved(
    entry_url: str, client: Client, changes: dict[str, str], message: str
) -> None:
    response = client.post(entry_url, form_data(**changes))
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert 'class="error-summary"' in body
    assert not Measurement.objects.exists()


def test_an_extent_error_links_to_its_field(entry_url: str, client: Client) -> None:
    body = client.post(entry_url, form_data(extent_social_assistance="150")).content.decode()
    assert (
        '<a href="#id_extent_social_assistance">Ekonomiskt bistånd: omfattning i procent: '
        "Ange en siffra mellan 1 och 100.</a>"
    ) in body


def test_unknown_alone_has_no_extent(entry_url: str, client: Client) -> None:
    data = form_data(income_social_assistance="", extent_social_assistance="", income_unknown="on")
    assert client.post(entry_url, data).status_code == 302
    assert list(IncomeSource.objects.values_list("source", "extent")) == [("unknown", None)]
    assert 'name="extent_unknown"' not in client.get(entry_url).content.decode()


@pytest.mark.parametrize(
    "sources",
    [
        [("salary", 50), ("salary", 50)],
        [("none", None), ("unknown", None)],
        [("unknown", 100)],
        [("salary", None)],
        [("salary", 0)],
    ],
)
def test_the_action_refuses_what_the_form_would(sources: list[tuple[str, int | None]]) -> None:
    with pytest.raises(ValidationError):
        check_income_sources(sources)


def test_the_action_takes_several_sources() -> None:
    sources = [(IncomeSourceKind.SALARY.value, 50), (IncomeSourceKind.STUDENT_AID.value, 50)]
    assert check_income_sources(sources) == sources
