"""Gallringsstopp (issue 18 item 2): the organisation's administrator puts a person's records,
or one record, on hold with a reason, and lifts it with one; both are logged, and the person is
named by the organisation's reference, never by name."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from samla.accounts.models import User
from samla.audit.models import AuditEvent
from samla.oversight.references import reference_for
from samla.oversight.tests.test_references import assert_not_named, reviewer
from samla.people.models import Participant, TeamMember
from samla.people.tests.cast import Cast, sign_in
from samla.retention.models import LegalHold

pytestmark = pytest.mark.django_db


def hold_data(person: str, **changes: str) -> dict[str, str]:
    data = {
        "person": person,
        "record_type": "",
        "object_id": "",
        "reason": "supervision",
        "note": "IVO:s tillsyn, dnr 3.5.1-12345/2026",
    }
    return data | changes


@pytest.fixture
def greta(cast: Cast) -> User:
    return reviewer(cast.tyreso, "greta")


def test_a_hold_by_reference_is_placed_logged_and_listed_without_the_name(
    cast: Cast, greta: User, client: Client
) -> None:
    reference = reference_for(cast.tyreso.pk, cast.pia.pk)
    sign_in(client, greta)
    response = client.post("/gallring/gallringsstopp/", hold_data(reference.lower()), follow=True)
    body = response.content.decode()
    assert f"Gallringsstopp är lagt för {reference}." in body
    assert "IVO:s tillsyn, dnr 3.5.1-12345/2026" in body
    assert "Gäller" in body
    assert_not_named(body, cast.pia)
    hold = LegalHold.objects.get()
    assert (hold.participant, hold.organisation, hold.record_type) == (cast.pia, cast.tyreso, "")
    event = AuditEvent.objects.get(summary="Gallringsstopp")
    assert (event.actor_id, event.participant_id) == (greta.pk, cast.pia.pk)
    assert event.role == "org_admin"


def test_a_hold_on_one_record_by_identity_number(cast: Cast, greta: User, client: Client) -> None:
    sign_in(client, greta)
    data = hold_data(cast.pia.formatted_id_number, record_type="plan", object_id="41")
    assert client.post("/gallring/gallringsstopp/", data).status_code == 302
    hold = LegalHold.objects.get()
    assert (hold.participant, hold.record_type, hold.object_id) == (cast.pia, "plan", 41)
    assert "Samordnad plan nr 41" in client.get("/gallring/gallringsstopp/").content.decode()


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"person": "P-0000-0000"}, "Ingen person med den referensen eller det numret"),
        ({"person": "19121212-1212"}, "Ingen person med den referensen eller det numret"),
        ({"person": ""}, "Detta fält måste fyllas i."),
        ({"reason": ""}, "Detta fält måste fyllas i."),
        ({"reason": "because"}, "Välj ett giltigt alternativ."),
        ({"note": ""}, "Detta fält måste fyllas i."),
        ({"object_id": "12"}, "Välj vilken typ av uppgift numret gäller."),
        ({"object_id": "9" * 30, "record_type": "plan"}, "mindre än eller lika med"),
    ],
)
def test_bad_input_is_refused_in_swedish_keeps_what_was_typed_and_holds_nothing(
    cast: Cast, greta: User, client: Client, changes: dict[str, str], field_message: str
) -> None:
    sign_in(client, greta)
    data = hold_data(reference_for(cast.tyreso.pk, cast.pia.pk)) | changes
    response = client.post("/gallring/gallringsstopp/", data)
    body = response.content.decode()
    assert response.status_code == 422
    assert field_message in body
    if data["note"]:
        assert data["note"] in body
    assert not LegalHold.objects.exists()
    assert not AuditEvent.objects.filter(summary="Gallringsstopp").exists()


def test_an_organisation_holds_only_people_whose_records_it_keeps(
    cast: Cast, client: Client
) -> None:
    """The association's office keeps no person's records; the Region does while someone of it
    is or was on the person's team."""
    sign_in(client, reviewer(cast.association.organisation, "ossian"))
    response = client.post("/gallring/gallringsstopp/", hold_data(cast.pia.formatted_id_number))
    assert response.status_code == 422
    region_admin = reviewer(cast.region, "rut")
    membership = TeamMember.objects.get(participant=cast.pia, user=cast.nils)
    membership.removed_at, membership.removed_by = timezone.now(), cast.kim
    membership.save()
    assert Participant.objects.with_records_of(cast.region.pk).get() == cast.pia
    sign_in(client, region_admin)
    data = hold_data(reference_for(cast.region.pk, cast.pia.pk))
    assert client.post("/gallring/gallringsstopp/", data).status_code == 302
    # Another organisation's reference names no one this one keeps.
    data = hold_data(reference_for(cast.tyreso.pk, cast.pia.pk))
    assert client.post("/gallring/gallringsstopp/", data).status_code == 422


def test_lifting_a_hold_needs_a_reason_is_logged_and_happens_once(
    cast: Cast, greta: User, client: Client
) -> None:
    sign_in(client, greta)
    client.post("/gallring/gallringsstopp/", hold_data(cast.pia.formatted_id_number))
    hold = LegalHold.objects.get()
    response = client.post("/gallring/gallringsstopp/hav/", {"hold": hold.pk}, follow=True)
    assert "Skriv varför stoppet hävs." in response.content.decode()
    hold.refresh_from_db()
    assert hold.in_force
    note = "Tillsynen avslutad utan kritik"
    response = client.post(
        "/gallring/gallringsstopp/hav/", {"hold": hold.pk, "lift_note": note}, follow=True
    )
    body = response.content.decode()
    assert "Gallringsstoppet är hävt." in body
    assert note in body
    hold.refresh_from_db()
    assert (hold.in_force, hold.lifted_by, hold.lift_note) == (False, greta, note)
    event = AuditEvent.objects.get(summary="Gallringsstopp hävt")
    assert (event.actor_id, event.participant_id) == (greta.pk, cast.pia.pk)
    again = client.post(
        "/gallring/gallringsstopp/hav/", {"hold": hold.pk, "lift_note": "igen"}, follow=True
    )
    assert "Gallringsstoppet är redan hävt." in again.content.decode()
    assert AuditEvent.objects.filter(summary="Gallringsstopp hävt").count() == 1


def test_another_organisation_s_hold_is_not_found(cast: Cast, greta: User, client: Client) -> None:
    sign_in(client, greta)
    client.post("/gallring/gallringsstopp/", hold_data(cast.pia.formatted_id_number))
    hold = LegalHold.objects.get()
    sign_in(client, reviewer(cast.fk, "frans"))
    assert "IVO:s tillsyn" not in client.get("/gallring/gallringsstopp/").content.decode()
    for posted in ({"hold": hold.pk, "lift_note": "x"}, {"hold": "9" * 30, "lift_note": "x"}):
        assert client.post("/gallring/gallringsstopp/hav/", posted).status_code == 404
    assert LegalHold.objects.get().in_force


@pytest.mark.parametrize("who", ["kim", "fia", "olle", "bodil"])
def test_only_an_organisation_administrator_reaches_the_holds(
    who: str, cast: Cast, client: Client
) -> None:
    sign_in(client, cast.everyone()[who])
    data = hold_data(cast.pia.formatted_id_number)
    for url in ("/gallring/gallringsstopp/", "/gallring/gallringsstopp/hav/"):
        assert client.get(url).status_code in (404, 405)
        assert client.post(url, data).status_code == 404
    assert not LegalHold.objects.exists()


def test_the_database_keeps_a_hold_whole(cast: Cast, greta: User) -> None:
    values = {"organisation": cast.tyreso, "participant": cast.pia, "placed_by": greta}
    for broken in (
        {"object_id": 4, "reason": "court", "note": "x"},  # a record with no type
        {"reason": "court", "note": ""},  # no note
        {"reason": "whim", "note": "x"},
        {"reason": "court", "note": "x", "lifted_at": timezone.now(), "lifted_by": greta},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            LegalHold.objects.create(**values, **broken)


def test_holds_in_force_come_first_and_a_protected_person_s_rows_are_flagged(
    cast: Cast, greta: User, client: Client
) -> None:
    Participant.objects.filter(pk=cast.pia.pk).update(
        protection=Participant.Protection.PROTECTED_REGISTRATION
    )
    sign_in(client, greta)
    number = cast.pia.formatted_id_number
    for note in ("Första stoppet", "Andra stoppet"):
        client.post("/gallring/gallringsstopp/", hold_data(number, note=note))
    first = LegalHold.objects.get(note="Första stoppet")
    client.post("/gallring/gallringsstopp/hav/", {"hold": first.pk, "lift_note": "Klart"})
    body = client.get("/gallring/gallringsstopp/").content.decode()
    assert body.index("Andra stoppet") < body.index("Första stoppet")  # in force first
    events = AuditEvent.objects.filter(summary__startswith="Gallringsstopp")
    assert events.count() == 3 and all(event.flagged for event in events)


def test_a_number_on_two_of_the_organisation_s_records_asks_for_the_reference(
    cast: Cast, greta: User, client: Client
) -> None:
    other = Participant.objects.get(pk=cast.pia.pk)
    other.pk, other.controlling_organisation = None, cast.fk  # FK's record of the same person,
    other.save()
    TeamMember.objects.create(participant=other, user=cast.kim, added_by=cast.fia)  # Kim on it
    sign_in(client, greta)
    response = client.post("/gallring/gallringsstopp/", hold_data(cast.pia.formatted_id_number))
    assert response.status_code == 422
    assert "Personnumret finns i flera akter hos din organisation." in response.content.decode()
    assert not LegalHold.objects.exists()
    data = hold_data(reference_for(cast.tyreso.pk, other.pk))
    assert client.post("/gallring/gallringsstopp/", data).status_code == 302
    assert LegalHold.objects.get().participant_id == other.pk


def test_another_organisation_s_hold_is_not_found_even_without_a_reason(
    cast: Cast, greta: User, client: Client
) -> None:
    sign_in(client, greta)
    client.post("/gallring/gallringsstopp/", hold_data(cast.pia.formatted_id_number))
    hold = LegalHold.objects.get()
    sign_in(client, reviewer(cast.fk, "frans"))
    assert client.post("/gallring/gallringsstopp/hav/", {"hold": hold.pk}).status_code == 404
    assert client.post("/gallring/gallringsstopp/hav/", {"hold": "x"}).status_code == 404
    assert LegalHold.objects.get().in_force
