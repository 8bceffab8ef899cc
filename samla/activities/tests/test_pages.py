"""The catalogue through its pages: who reads, who keeps it, each rule refused in Swedish with
nothing saved, years and staff counts, stale edits, and the list's queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from samla.activities import actions
from samla.activities.models import Activity, ActivityYear, StructuralParticipation
from samla.activities.tests.builders import individual, other_association, provider, structural
from samla.audit.models import AuditEvent
from samla.money import kronor
from samla.people.models import TargetGroup
from samla.people.tests.cast import Cast, sign_in

NBSP = "\u00a0"


def create_data(cast: Cast, **overrides: object) -> dict[str, object]:
    return {
        "association": cast.association.pk,
        "name": "Mia Vidare",
        "description": "Arbetsträning",
        "kind": "individual",
        "provider": provider(cast).pk,
        "target_groups": [g.pk for g in TargetGroup.objects.filter(association=cast.association)],
        "starts_on": "2024-01-01",
        "ends_on": "",
        "capacity": "20",
    } | overrides


def test_the_office_creates_an_activity_and_it_is_audited(cast: Cast, client: Client) -> None:
    sign_in(client, cast.olle)
    response = client.post("/insatser/ny/", create_data(cast, esf_cofunded="on"))
    activity = Activity.objects.get()
    assert response["Location"] == f"/insatser/{activity.pk}/"
    assert activity.esf_cofunded and activity.created_by == cast.olle
    event = AuditEvent.objects.get(object_type__icontains="activity", action="create")
    assert event.participant_id is None and event.actor_id == cast.olle.pk


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"capacity": ""}, "capacity", "Ange hur många platser"),
        ({"ends_on": "2023-12-31"}, "ends_on", "kan inte sluta innan den startar"),
        ({"name": "  "}, "name", "Detta fält måste fyllas i"),
    ],
)
def test_each_rule_is_refused_in_swedish_and_nothing_is_saved(
    cast: Cast, client: Client, overrides: dict[str, object], field: str, message: str
) -> None:
    sign_in(client, cast.olle)
    response = client.post("/insatser/ny/", create_data(cast, **overrides))
    assert response.status_code == 422
    assert message in str(response.context["form"].errors[field])
    assert not Activity.objects.exists()


# An id or a count of 26 digits: more than the database holds (was a server error, issue 15).
HUGE = "9" * 26


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"target_groups": [HUGE]}, "target_groups", f"Välj ett giltigt alternativ. {HUGE} finns"),
        ({"municipalities": ["1", HUGE]}, "municipalities", "Välj ett giltigt alternativ."),
        ({"provider": HUGE}, "provider", "Välj ett giltigt alternativ."),
        ({"capacity": HUGE}, "capacity", "mindre än eller lika med 2147483647"),
    ],
)
def test_a_number_no_database_holds_is_refused_in_swedish_with_the_input_kept(
    cast: Cast, client: Client, overrides: dict[str, object], field: str, message: str
) -> None:
    sign_in(client, cast.olle)
    response = client.post("/insatser/ny/", create_data(cast, **overrides))
    assert response.status_code == 422
    assert message in str(response.context["form"].errors[field])
    assert 'value="Mia Vidare"' in response.content.decode()  # what was typed is kept
    assert not Activity.objects.exists()


def test_a_count_no_database_holds_is_refused_for_a_year(cast: Cast, client: Client) -> None:
    activity = individual(cast)
    sign_in(client, cast.olle)
    posted = {"year": "2026", "planned_participants": HUGE}
    response = client.post(f"/insatser/{activity.pk}/ar/ny/", posted)
    assert response.status_code == 422
    errors = str(response.context["form"].errors["planned_participants"])
    assert "mindre än eller lika med 2147483647" in errors
    assert not ActivityYear.objects.filter(activity=activity).exists()


def test_the_actions_refuse_what_the_form_cannot_offer(cast: Cast) -> None:
    elsewhere = other_association(cast)
    foreign_group = TargetGroup.objects.create(
        association=elsewhere.association, code="other", name="Norrbygdens målgrupp"
    )
    with pytest.raises(ValidationError) as refused:
        individual(cast, provider=elsewhere.activity.provider, target_groups=[foreign_group])
    errors = refused.value.message_dict
    assert "inte medlem eller samarbetspart" in errors["provider"][0]
    assert "hör till ett annat samordningsförbund" in errors["target_groups"][0]
    assert not Activity.objects.filter(association=cast.association).exists()


def test_a_structural_activity_needs_no_capacity_but_takes_no_participants(cast: Cast) -> None:
    activity = structural(cast)
    with pytest.raises(ValidationError) as refused:
        actions.add_staff_count(
            individual(cast, name="Annan"),
            actor=cast.olle,
            organisation=cast.fk,
            year=2025,
            staff_count=3,
        )
    assert "bara för strukturövergripande" in refused.value.messages[0]
    actions.add_staff_count(
        activity, actor=cast.olle, organisation=cast.fk, year=2025, staff_count=3
    )
    assert StructuralParticipation.objects.get().staff_count == 3


def test_board_and_handlers_read_but_do_not_edit(cast: Cast, client: Client) -> None:
    activity = individual(cast)
    for who in (cast.bodil, cast.kim, cast.fia):
        sign_in(client, who)
        assert "Mia Vidare" in client.get("/insatser/").content.decode()
        page = client.get(f"/insatser/{activity.pk}/").content.decode()
        assert "Mia Vidare" in page and "Ändra insatsen" not in page
        assert client.get(f"/insatser/{activity.pk}/andra/").status_code == 403
        assert client.post("/insatser/ny/", create_data(cast)).status_code == 404
    assert Activity.objects.count() == 1


def test_another_association_and_anonymous_visitors_are_refused(cast: Cast, client: Client) -> None:
    activity = individual(cast)
    assert client.get(f"/insatser/{activity.pk}/")["Location"].startswith("/konto/logga-in/")
    elsewhere = other_association(cast)
    sign_in(client, elsewhere.greta)
    assert client.get(f"/insatser/{activity.pk}/").status_code == 404
    assert "Mia Vidare" not in client.get("/insatser/").content.decode()


def test_years_are_added_and_changed(cast: Cast, client: Client) -> None:
    activity = individual(cast)
    sign_in(client, cast.olle)
    data = {"year": "2025", "planned_participants": "40"}
    assert client.post(f"/insatser/{activity.pk}/ar/ny/", data).status_code == 302
    entry = ActivityYear.objects.get()
    assert entry.planned_participants == 40
    data |= {"planned_participants": "45"}
    assert client.post(f"/insatser/{activity.pk}/ar/2025/", data).status_code == 302
    entry.refresh_from_db()
    assert entry.planned_participants == 45
    page = client.get(f"/insatser/{activity.pk}/").content.decode()
    assert '<td class="number">45</td>' in page
    assert AuditEvent.objects.filter(object_type__icontains="activityyear").count() == 2


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"year": "2023"}, "year", "ligger utanför insatsens period"),
        ({"year": "2025"}, "year", "Året 2025 finns redan"),
        ({"planned_participants": ""}, "planned_participants", "Detta fält måste fyllas i"),
    ],
)
def test_year_rules_are_refused_in_swedish(
    cast: Cast, client: Client, data: dict[str, str], field: str, message: str
) -> None:
    activity = individual(cast)
    actions.save_year(activity, actor=cast.olle, year=2025, planned_participants=1)
    sign_in(client, cast.olle)
    posted = {"year": "2026", "planned_participants": "5"} | data
    response = client.post(f"/insatser/{activity.pk}/ar/ny/", posted)
    assert response.status_code == 422
    assert message in str(response.context["form"].errors[field])
    assert ActivityYear.objects.count() == 1


def test_staff_counts_for_a_structural_activity(cast: Cast, client: Client) -> None:
    activity = structural(cast)
    sign_in(client, cast.olle)
    body = client.get(f"/insatser/{activity.pk}/ar/ny/").content.decode()
    assert "planned_participants" not in body
    url = f"/insatser/{activity.pk}/personal/ny/"
    data = {"organisation": cast.fk.pk, "year": "2025", "staff_count": "12"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 422
    assert "finns redan" in str(again.context["form"].errors["organisation"])
    page = client.get(f"/insatser/{activity.pk}/").content.decode()
    assert "Deltagande personal" in page and "Försäkringskassan" in page
    assert client.get(f"/insatser/{individual(cast, name='X').pk}/personal/ny/").status_code == 404


def test_a_stale_edit_is_refused_with_what_changed(cast: Cast, client: Client) -> None:
    activity = individual(cast)
    loaded = activity.version
    actions.update_activity(activity, actor=cast.olle, version=loaded, capacity=25)
    sign_in(client, cast.olle)
    data = {
        "name": "Mia Vidare",
        "description": activity.description,
        "provider": activity.provider_id,
        "starts_on": "2024-01-01",
        "capacity": "30",
        "version": loaded,
    }
    response = client.post(f"/insatser/{activity.pk}/andra/", data)
    assert response.status_code == 409
    changed = {str(label): (theirs, yours) for label, theirs, yours in response.context["changed"]}
    assert changed["Antal platser"] == (25, 30)
    activity.refresh_from_db()
    assert activity.capacity == 25 and activity.version == loaded + 1


def test_the_list_filters(cast: Cast, client: Client) -> None:
    individual(cast)
    structural(cast, starts_on=date(2015, 1, 1), ends_on=date(2016, 12, 31), name="Gammal")
    sign_in(client, cast.bodil)

    def names(query: dict[str, str | int]) -> list[str]:
        return [a.name for a in client.get("/insatser/", query).context["activities"]]

    assert names({}) == ["Gammal", "Mia Vidare"]
    assert names({"kind": "structural"}) == ["Gammal"]
    assert names({"active": "on"}) == ["Mia Vidare"]
    assert names({"association": cast.association.pk}) == ["Gammal", "Mia Vidare"]


def test_the_list_takes_the_same_queries_for_5_and_50(cast: Cast, client: Client) -> None:
    sign_in(client, cast.bodil)

    def queries(count: int) -> int:
        while Activity.objects.count() < count:
            individual(cast, name=f"Insats {Activity.objects.count()}")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/insatser/").status_code == 200
        return len(captured)

    assert queries(5) == queries(50)


def test_kronor() -> None:
    assert kronor(Decimal("1234567")) == f"1{NBSP}234{NBSP}567{NBSP}kr"
    assert kronor(Decimal("24338177.00")) == f"24{NBSP}338{NBSP}177{NBSP}kr"
    assert kronor(Decimal("999.5")) == f"999,50{NBSP}kr"
    assert kronor(0) == f"0{NBSP}kr"
    assert kronor(None) == ""
