"""The log review names people by reference, never by name (ADR 0013), and only a user who may
see the person resolves a reference, in a logged read."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from samla.accounts.models import Role, RoleAssignment, User
from samla.audit.models import AuditEvent
from samla.organisations.models import Organisation
from samla.oversight.references import normalised, participant_id_of, reference_for
from samla.people.models import Participant
from samla.people.tests.cast import Cast, sign_in
from samla.plans.tests.matrix import build_agreed_plan
from samla.web.tests.routes import REFUSED, person_data_state


def reviewer(organisation: Organisation, username: str) -> User:
    """An organisation administrator (log reviewer) on no one's team."""
    admin = User.objects.create_user(
        username=username,
        password="x",
        first_name="Greta",
        last_name="Granskare",
        organisation=organisation,
    )
    RoleAssignment.objects.create(user=admin, role=Role.ORG_ADMIN)
    return admin


def review(client: Client, **filters: str) -> str:
    response = client.get("/granskning/", filters)
    assert response.status_code == 200
    return response.content.decode()


def rows_of(body: str) -> list[str]:
    """The rows of the events table (after the summary per user, if the page has one)."""
    events = (
        body[body.index("<caption>Händelser</caption>") :] if "<caption>Händelser" in body else body
    )
    return [" ".join(row.split()) for row in events.split("<tr>")[2:]]


def assert_not_named(body: str, person: Participant) -> None:
    for shown in (person.first_name, person.last_name, person.id_number):
        assert shown not in body
    assert person.formatted_id_number not in body


def resolve(client: Client, reference: str) -> int:
    return client.get("/granskning/referens/", {"reference": reference}).status_code


def test_a_reviewer_on_no_team_sees_the_reference_not_the_person(
    cast: Cast, client: Client
) -> None:
    build_agreed_plan(cast)  # plan, actions, meeting: rows of many kinds about Pia
    sign_in(client, cast.kim)
    client.get(cast.pia.get_absolute_url())
    sign_in(client, reviewer(cast.tyreso, "greta"))
    pia = reference_for(cast.tyreso.pk, cast.pia.pk)

    body = review(client)
    read = next(row for row in rows_of(body) if "Läste: Översikt" in row)
    assert "Kim Koordinator" in read and pia in read
    assert_not_named(body, cast.pia)
    assert "/granskning/referens/?reference=" not in body  # Greta may not see Pia

    filtered = rows_of(review(client, reference=pia.lower().replace("-", " ")))
    assert filtered and all(pia in row for row in filtered)
    assert "Inga händelser." in review(client, reference=reference_for(cast.tyreso.pk, 10**9))


def test_a_reviewer_filters_by_reference_only(cast: Cast, client: Client) -> None:
    sign_in(client, reviewer(cast.tyreso, "greta"))
    body = review(client, reference="Pia Persson")
    assert "Det är ingen referens. En referens ser ut som P-7K3F-Q9XM." in body
    assert "Deltagarens nummer i Samla" not in body


def test_a_protected_identity_is_never_named_even_to_a_reviewer_on_the_team(
    cast: Cast, client: Client
) -> None:
    Participant.objects.filter(pk=cast.pia.pk).update(protection="registration")
    RoleAssignment.objects.create(user=cast.kim, role=Role.ORG_ADMIN)  # Kim reviews, too
    sign_in(client, cast.kim)
    assert client.get(cast.pia.get_absolute_url()).status_code == 200

    body = review(client, flagged="on")
    pia = reference_for(cast.tyreso.pk, cast.pia.pk)
    row = next(row for row in rows_of(body) if "Läste: Översikt" in row)
    assert pia in row and "Skyddad" in row
    assert_not_named(body, cast.pia)
    assert f'href="/granskning/referens/?reference={pia}"' in body  # he may look her up


def test_a_participant_another_organisation_controls_is_shown_only_by_reference(
    cast: Cast, client: Client
) -> None:
    sign_in(client, cast.fia)
    client.get(cast.pia.get_absolute_url())
    sign_in(client, reviewer(cast.fk, "frida"))  # FK reviews Fia's reads; Tyresö controls Pia

    body = review(client)
    fk_reference = reference_for(cast.fk.pk, cast.pia.pk)
    read = next(row for row in rows_of(body) if "Läste: Översikt" in row)
    assert "Fia Handläggare" in read and fk_reference in read
    assert reference_for(cast.tyreso.pk, cast.pia.pk) not in body  # one per organisation
    assert_not_named(body, cast.pia)


def test_who_may_see_the_person_resolves_the_reference_in_a_logged_read(
    cast: Cast, client: Client
) -> None:
    pia = reference_for(cast.tyreso.pk, cast.pia.pk)
    for refused in (reviewer(cast.tyreso, "greta"), cast.tove):  # not on Pia's team
        sign_in(client, refused)
        before = person_data_state()
        assert resolve(client, pia) == 404
        assert person_data_state() == before

    sign_in(client, cast.kim)
    response = client.get("/granskning/referens/", {"reference": pia})
    assert response.status_code == 302
    assert response["Location"] == cast.pia.get_absolute_url()
    logged = AuditEvent.objects.latest("pk")
    assert (logged.actor_id, logged.participant_id, logged.action, logged.summary) == (
        cast.kim.pk,
        cast.pia.pk,
        AuditEvent.Action.VIEW,
        "Referens från loggranskningen",
    )


def test_a_reference_resolves_only_in_its_own_organisation(cast: Cast, client: Client) -> None:
    sign_in(client, cast.fia)  # she may see Pia, by consent
    assert resolve(client, reference_for(cast.tyreso.pk, cast.pia.pk)) == 404
    assert resolve(client, reference_for(cast.fk.pk, cast.pia.pk)) == 302

    Participant.objects.filter(pk=cast.pia.pk).update(protection="marking")
    assert resolve(client, reference_for(cast.fk.pk, cast.pia.pk)) == 404


@pytest.mark.parametrize("who", REFUSED)
def test_users_who_may_not_see_the_person_cannot_resolve_her_reference(
    who: str, cast: Cast, client: Client
) -> None:
    person = cast.everyone()[who]
    assert person.organisation_id is not None
    sign_in(client, person)
    before = person_data_state()
    assert resolve(client, reference_for(person.organisation_id, cast.pia.pk)) == 404
    assert person_data_state() == before


def test_the_lookup_page_asks_for_a_reference(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    page = client.get("/granskning/referens/")
    assert page.status_code == 200 and "Slå upp en referens" in page.content.decode()
    wrong = client.get("/granskning/referens/", {"reference": "Pia Persson"})
    assert wrong.status_code == 422
    assert "Det är ingen referens." in wrong.content.decode()


@given(
    organisation=st.integers(min_value=1, max_value=10**6),
    participant=st.integers(min_value=1, max_value=2**40 - 1),
)
def test_a_reference_reads_back_to_the_participant(organisation: int, participant: int) -> None:
    reference = reference_for(organisation, participant)
    assert normalised(reference) == reference
    assert participant_id_of(organisation, reference) == participant
    assert participant_id_of(organisation, reference.lower().replace("-", " ")) == participant
    assert reference_for(organisation + 1, participant) != reference


def test_only_a_reference_is_read_as_one() -> None:
    assert normalised("p-7k3f q9xm") == "P-7K3F-Q9XM"
    assert normalised("P7K3F-Q9XO") == "P-7K3F-Q9X0"  # O read as zero
    for text in ("", "Pia Persson", "199005172380", "P-7K3F-Q9X", "P-7K3F-Q9XMU", "7K3FQ9XM"):
        assert normalised(text) is None
