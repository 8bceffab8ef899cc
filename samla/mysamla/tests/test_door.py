"""The person's door to Min Samla (issue 16, items 1 and 3): e-ID through the real provider
process, one person across controllers, no staff page, idle timeout, logout everywhere."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from samla.accounts.models import User
from samla.accounts.tests.oidc import LOA2, RunningProvider
from samla.audit.models import AuditEvent
from samla.idnumbers import test_personnummer
from samla.mysamla.tests.person import draft_consent_for_pia, enter_as, log_in_person, pia_at_fk
from samla.people.tests.cast import Cast, sign_in

pytestmark = pytest.mark.django_db

STRANGER = test_personnummer(date(1991, 11, 2), "F")


def test_a_participant_logs_in_with_e_id_and_sees_their_start_page(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    response = log_in_person(client, eid, cast.pia.id_number)
    assert response.status_code == 302
    assert response["Location"] == "/min-samla/"
    page = client.get("/min-samla/")
    assert page.status_code == 200
    assert f"Hej {cast.pia.first_name}!" in page.content.decode()
    person = User.objects.get(person_number=cast.pia.id_number)
    assert person.organisation is None and not person.has_usable_password()
    assert not person.role_assignments.exists()
    login = AuditEvent.objects.get(actor_id=person.pk, action=AuditEvent.Action.LOGIN)
    assert login.role == "person" and "tillitsnivå" in login.summary
    read = AuditEvent.objects.get(
        actor_id=person.pk, action=AuditEvent.Action.VIEW, participant_id=cast.pia.pk
    )
    assert read.role == "person"


def test_someone_samla_holds_nothing_about_is_refused_and_no_account_is_made(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    response = log_in_person(client, eid, STRANGER.value)
    assert response.status_code == 403
    assert "Samla har inga uppgifter om dig." in response.content.decode()
    assert not User.objects.filter(person_number=STRANGER.value).exists()
    assert client.get("/min-samla/").status_code == 302


def test_a_too_low_assurance_level_is_refused(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    response = log_in_person(client, eid, cast.pia.id_number, acr=LOA2)
    assert response.status_code == 403
    assert "för låg tillitsnivå" in response.content.decode()
    assert not User.objects.filter(person_number=cast.pia.id_number).exists()


def test_one_person_at_two_controllers_sees_both_records(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    other = pia_at_fk(cast)
    log_in_person(client, eid, cast.pia.id_number)
    page = client.get("/min-samla/").content.decode()
    assert str(cast.tyreso) in page and str(cast.fk) in page
    person = User.objects.get(person_number=cast.pia.id_number)
    reads = AuditEvent.objects.filter(actor_id=person.pk, action=AuditEvent.Action.VIEW)
    assert set(reads.values_list("participant_id", flat=True)) == {cast.pia.pk, other.pk}


@pytest.mark.parametrize(
    "path", ["/", "/deltagare/", "/arbetslista/", "/konto/profil/", "/granskning/", "/moten/"]
)
def test_a_person_reaches_no_staff_page(
    cast: Cast, eid: RunningProvider, client: Client, path: str
) -> None:
    log_in_person(client, eid, cast.pia.id_number)
    assert client.get(path).status_code == 404
    assert client.get(f"/deltagare/{cast.pia.pk}/").status_code == 404


def test_staff_reach_no_person_page(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    assert client.get("/min-samla/").status_code == 404


def test_the_session_ends_after_the_idle_timeout(
    cast: Cast, eid: RunningProvider, client: Client, settings: Any
) -> None:
    settings.SAMLA_PERSON_IDLE_MINUTES = 15
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        log_in_person(client, eid, cast.pia.id_number)
        assert client.get("/min-samla/").status_code == 200
        traveller.shift(14 * 60)
        assert client.get("/min-samla/").status_code == 200
        traveller.shift(16 * 60)
        response = client.get("/min-samla/")
    assert response.status_code == 302
    assert response["Location"] == "/min-samla/logga-in/"
    login = client.get(response["Location"]).content.decode()
    assert "Du loggades ut efter en stund utan aktivitet." in login


def test_logout_everywhere_ends_every_session(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    phone, computer = Client(), client
    log_in_person(phone, eid, cast.pia.id_number)
    log_in_person(computer, eid, cast.pia.id_number)
    assert phone.get("/min-samla/").status_code == 200
    response = computer.post("/min-samla/logga-ut-overallt/")
    assert response["Location"] == "/min-samla/logga-in/"
    assert phone.get("/min-samla/").status_code == 302
    assert computer.get("/min-samla/").status_code == 302
    assert User.objects.filter(person_number=cast.pia.id_number).count() == 1


def test_the_start_page_says_what_waits_for_the_person(cast: Cast, client: Client) -> None:
    enter_as(client, cast.pia)
    assert "Det här väntar på dig" not in client.get("/min-samla/").content.decode()
    draft_consent_for_pia(cast)
    page = client.get("/min-samla/").content.decode()
    assert "Det här väntar på dig" in page
    assert "Ett samtycke väntar på ditt svar." in page
