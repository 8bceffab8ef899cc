"""Registering, consent and team through the pages, with bad input refused in Swedish."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samla import idnumbers
from samla.audit.models import AuditEvent
from samla.people.models import Consent, Participant, TeamMember
from samla.people.tests.cast import Cast, sign_in
from samla.web.tests.pdf import pdf_text

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

VALID_NUMBER = idnumbers.test_personnummer(date(1987, 3, 4), "M").formatted()


def register(client: Client, cast: Cast, **overrides: object) -> _MonkeyPatchedWSGIResponse:
    data = {
        "kind": "identified",
        "association": cast.association.pk,
        "id_number": VALID_NUMBER,
        "first_name": "Ali",
        "last_name": "Andersson",
        "sex": "",
        "start_year": 2026,
        "protection": "none",
    }
    data.update(overrides)
    return client.post("/deltagare/ny/", data)


def test_a_coordinator_registers_a_person_and_becomes_coordinator(
    cast: Cast, client: Client
) -> None:
    sign_in(client, cast.kim)
    response = register(client, cast)
    participant = Participant.objects.get(last_name="Andersson")
    assert response.status_code == 302
    assert response["Location"] == participant.get_absolute_url()
    assert participant.controlling_organisation == cast.tyreso
    assert participant.birth_date == date(1987, 3, 4)
    assert participant.sex == "M"
    assert TeamMember.objects.get(participant=participant).user == cast.kim
    assert AuditEvent.objects.filter(participant_id=participant.pk, action="create").exists()
    page = client.get(participant.get_absolute_url()).content.decode()
    assert "Ali Andersson" in page
    assert VALID_NUMBER in page


def test_an_anonymous_participant_carries_only_sex_and_start_year(
    cast: Cast, client: Client
) -> None:
    sign_in(client, cast.kim)
    response = register(
        client, cast, kind="anonymous", id_number="", first_name="", last_name="", sex="X"
    )
    assert response.status_code == 302
    participant = Participant.objects.get(kind="anonymous")
    assert (participant.id_number, participant.first_name, participant.sex) == ("", "", "X")


def test_an_anonymous_registration_with_a_name_is_refused(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    response = register(client, cast, kind="anonymous", sex="F")
    assert response.status_code == 422
    assert "En anonym deltagare registreras utan identitet." in response.content.decode()
    assert not Participant.objects.filter(kind="anonymous").exists()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("19870304-1235", "Kontrollsiffran stämmer inte"),
        ("19870230-9802", "Datumet i numret finns inte"),
        ("8703049802", "århundrade"),
        ("hej", ""),
    ],
)
def test_invalid_numbers_are_refused_with_a_swedish_message(
    cast: Cast, client: Client, number: str, message: str
) -> None:
    sign_in(client, cast.kim)
    response = register(client, cast, id_number=number)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Något behöver rättas innan det kan sparas" in body
    assert message in body
    assert not Participant.objects.filter(last_name="Andersson").exists()


def test_a_duplicate_number_in_the_same_organisation_is_refused(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    response = register(client, cast, id_number=cast.pia.formatted_id_number)
    assert response.status_code == 422
    assert "Det finns redan en deltagare med det här numret" in response.content.decode()
    assert Participant.objects.filter(id_number=cast.pia.id_number).count() == 1


def test_oversized_text_and_markup_are_refused_or_escaped(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    response = register(client, cast, first_name="A" * 10_000)
    assert response.status_code == 422
    assert "har som mest 100 tecken" in response.content.decode()
    response = register(client, cast, first_name="<script>alert(1)</script>")
    participant = Participant.objects.get(last_name="Andersson")
    body = client.get(participant.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_a_handler_without_coordinator_role_cannot_register(cast: Cast, client: Client) -> None:
    sign_in(client, cast.fia)
    response = register(client, cast)
    assert response.status_code == 403
    assert "Bara koordinatorer kan registrera deltagare." in response.content.decode()
    assert not Participant.objects.filter(last_name="Andersson").exists()


def consent_data(cast: Cast, **overrides: object) -> dict[str, object]:
    today = timezone.localdate()
    data: dict[str, object] = {
        "organisations": [cast.region.pk],
        "categories_included": ["health", "work_studies"],
        "categories_excluded": [],
        "form": "written",
        "given_by": "person",
        "legal_basis": "public_task",
        "valid_from": today.isoformat(),
        "valid_to": (today + timedelta(days=365)).isoformat(),
    }
    data.update(overrides)
    return data


def test_recording_a_consent_lets_the_named_organisation_in(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    response = client.post(f"/deltagare/{cast.pia.pk}/samtycken/nytt/", consent_data(cast))
    assert response.status_code == 302
    consent = Consent.objects.get(organisations=cast.region)
    assert consent.recorded_by == cast.kim
    sign_in(client, cast.nils)
    assert client.get(cast.pia.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"valid_to": "2020-01-01"}, "Slutdatumet kan inte vara före startdatumet."),
        ({"valid_from": "2026-02-30"}, "Fyll i ett giltigt datum."),
        ({"categories_excluded": ["health"]}, "En uppgift kan inte både ingå och vara undantagen"),
        ({"given_by": "guardian"}, "Skriv namnet på den som lämnade samtycket."),
        ({"organisations": []}, "Detta fält måste fyllas i."),
    ],
)
def test_a_bad_consent_is_refused_and_nothing_is_saved(
    cast: Cast, client: Client, overrides: dict[str, object], message: str
) -> None:
    sign_in(client, cast.kim)
    before = Consent.objects.count()
    response = client.post(
        f"/deltagare/{cast.pia.pk}/samtycken/nytt/", consent_data(cast, **overrides)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Consent.objects.count() == before


def test_a_consent_is_never_edited(cast: Cast) -> None:
    cast.consent_fk.note = "ändrad"
    with pytest.raises(ValueError, match="never edited"):
        cast.consent_fk.save()


def test_withdrawing_needs_a_reason_and_then_locks_the_handler_out(
    cast: Cast, client: Client
) -> None:
    url = f"/deltagare/{cast.pia.pk}/samtycken/{cast.consent_fk.pk}/aterkalla/"
    sign_in(client, cast.kim)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 422
    assert Consent.objects.get(pk=cast.consent_fk.pk).withdrawn_at is None
    response = client.post(url, {"reason": "Pia sa det på mötet."})
    assert response.status_code == 302
    consent = Consent.objects.get(pk=cast.consent_fk.pk)
    assert consent.withdrawn_by == cast.kim and consent.withdrawal_reason == "Pia sa det på mötet."
    sign_in(client, cast.fia)
    assert client.get(cast.pia.get_absolute_url()).status_code == 404


def test_team_member_from_an_unconsented_organisation_cannot_be_added(
    cast: Cast, client: Client
) -> None:
    other = type(cast.nils).objects.create_user(
        username="rut", password="x", first_name="Rut", organisation=cast.region
    )
    other.role_assignments.create(role="case_handler", association=cast.association)
    sign_in(client, cast.kim)
    response = client.post(f"/deltagare/{cast.pia.pk}/team/", {"user": other.pk, "role": "member"})
    assert response.status_code == 422
    assert not TeamMember.objects.filter(user=other).exists()


def test_adding_and_removing_a_team_member(cast: Cast, client: Client) -> None:
    colleague = cast.tove
    sign_in(client, cast.kim)
    page = client.get(f"/deltagare/{cast.pia.pk}/team/").content.decode()
    assert "Tove Kollega" in page
    response = client.post(
        f"/deltagare/{cast.pia.pk}/team/", {"user": colleague.pk, "role": "member"}
    )
    assert response.status_code == 302
    member = TeamMember.objects.current().get(participant=cast.pia, user=colleague)
    assert Participant.objects.visible_to(colleague).filter(pk=cast.pia.pk).exists()
    client.post(f"/deltagare/{cast.pia.pk}/team/{member.pk}/ta-bort/")
    assert not Participant.objects.visible_to(colleague).filter(pk=cast.pia.pk).exists()


def test_the_team_page_shows_who_lacks_consent(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    body = client.get(cast.pia.get_absolute_url()).content.decode()
    assert body.count("Nej, samtycke saknas") == 2  # Wera (withdrawn) and Nils (none)


def test_two_people_editing_the_same_record_do_not_overwrite_each_other(
    cast: Cast, client: Client
) -> None:
    sign_in(client, cast.kim)
    url = f"/deltagare/{cast.pia.pk}/andra/"
    form = {"first_name": "Pia", "last_name": "Persson", "protection": "none", "version": 1}
    first = client.post(url, {**form, "phone": "070-1740606"})
    assert first.status_code == 302
    second = client.post(url, {**form, "phone": "070-1740607"})
    assert second.status_code == 409
    body = second.content.decode()
    assert "Någon annan sparade ändringar medan du arbetade" in body
    assert "070-1740606" in body and "070-1740607" in body
    assert Participant.objects.get(pk=cast.pia.pk).phone == "070-1740606"


def test_search_by_name_and_by_number(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    assert "Pia Persson" in client.get("/deltagare/", {"q": "pers"}).content.decode()
    assert (
        "Pia Persson"
        in client.get("/deltagare/", {"q": cast.pia.formatted_id_number}).content.decode()
    )
    assert "Pia Persson" not in client.get("/deltagare/", {"q": "Nilsson"}).content.decode()
    htmx = client.get("/deltagare/", {"q": "pia"}, headers={"HX-Request": "true"})
    assert "<html" not in htmx.content.decode() and "Pia Persson" in htmx.content.decode()
    # htmx swaps what is inside the page's one live region #results: the answer holds no second
    # #results (it was nested inside the first, with a second aria-live region).
    assert 'id="results"' not in htmx.content.decode()
    assert "aria-live" not in htmx.content.decode()
    page = client.get("/deltagare/", {"q": "pia"}).content.decode()
    assert page.count('id="results"') == 1 and page.count("aria-live") == 1


def searched(event: AuditEvent) -> tuple[int | None, str, str, int | None]:
    return (event.actor_id, event.action, event.summary, event.consent_id)


def test_a_search_by_identity_number_is_in_the_persons_access_extract(
    cast: Cast, client: Client
) -> None:
    sign_in(client, cast.fia)
    number = cast.pia.formatted_id_number
    assert idnumbers.is_test_number(idnumbers.parse(number))  # Skatteverket's test series

    assert "Pia Persson" in client.get("/deltagare/", {"q": number}).content.decode()

    read = AuditEvent.objects.for_participant(cast.pia.pk).latest("pk")
    assert searched(read) == (
        cast.fia.pk,
        "view",
        "Sökning på personnummer",
        cast.consent_fk.pk,
    )
    sign_in(client, cast.kim)
    extract = f"/granskning/deltagare/{cast.pia.pk}/vem-har-last"
    body = client.get(f"{extract}/").content.decode()
    row = next(row for row in body.split("<tr>") if "Sökning på personnummer" in row)
    assert "Fia Handläggare" in row and "Försäkringskassan" in row
    text = pdf_text(client.get(f"{extract}.pdf").content)
    assert "Fia Handläggare" in text and "sökning på personnummer" in text


def test_a_name_search_that_finds_one_person_is_in_that_persons_extract(
    cast: Cast, client: Client
) -> None:
    number = idnumbers.test_personnummer(date(1985, 1, 2), "M")
    per = Participant.objects.create(
        association=cast.association,
        controlling_organisation=cast.tyreso,
        kind="identified",
        id_number=number.value,
        id_number_kind=number.kind.value,
        birth_date=number.birth_date,
        sex="M",
        first_name="Per",
        last_name="Persson",
        start_year=2026,
        created_by=cast.kim,
    )
    TeamMember.objects.create(participant=per, user=cast.tove, role="member", added_by=cast.kim)
    TeamMember.objects.create(participant=per, user=cast.kim, role="member", added_by=cast.kim)
    sign_in(client, cast.tove)  # Per's team, not Pia's: one Persson found
    before = AuditEvent.objects.count()

    assert "Per Persson" in client.get("/deltagare/", {"q": "persson"}).content.decode()

    read = AuditEvent.objects.for_participant(per.pk).latest("pk")
    assert searched(read) == (cast.tove.pk, "view", "Sökning på namn, en träff", None)
    assert AuditEvent.objects.count() == before + 2  # the list's row and Per's
    sign_in(client, cast.kim)
    body = client.get(f"/granskning/deltagare/{per.pk}/vem-har-last/").content.decode()
    row = next(row for row in body.split("<tr>") if "Sökning på namn, en träff" in row)
    assert "Tove Kollega" in row
    # Two found by name single nobody out: one row for the list, none about either person.
    before = AuditEvent.objects.count()
    body = client.get("/deltagare/", {"q": "persson"}).content.decode()
    assert "Per Persson" in body and "Pia Persson" in body
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("pk").summary == "Sökning (2 visade)"


def add_participants(cast: Cast, count: int) -> None:
    created = Participant.objects.bulk_create(
        Participant(
            association=cast.association,
            controlling_organisation=cast.tyreso,
            kind="anonymous",
            sex="F",
            start_year=2026,
            created_by=cast.kim,
        )
        for _ in range(count)
    )
    TeamMember.objects.bulk_create(
        TeamMember(participant=p, user=cast.kim, role="coordinator", added_by=cast.kim)
        for p in created
    )


def count_queries(client: Client, url: str) -> tuple[int, str]:
    client.get(url)  # the session, the menu and Django's caches settle first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("url", ["/deltagare/", "/deltagare/?q=a", "/deltagare/?q=900517", "/"])
def test_list_pages_keep_their_query_count_from_10_to_1000_participants(
    cast: Cast, client: Client, url: str
) -> None:
    sign_in(client, cast.kim)
    add_participants(cast, 9)
    small, body = count_queries(client, url)
    add_participants(cast, 990)
    large, body = count_queries(client, url)
    assert small == large
    if url == "/deltagare/":
        assert "Visar 1–25, fler finns" in body


def test_a_reserve_number_is_linked_to_the_real_number_later(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    register(client, cast, id_number="19850312-TF12", first_name="Rami", sex="M")
    participant = Participant.objects.get(first_name="Rami")
    assert participant.id_number_kind == "reserve"
    url = f"/deltagare/{participant.pk}/koppla-nummer/"
    refused = client.post(url, {"id_number": "19850312-TF13"})
    assert refused.status_code == 422
    real = idnumbers.test_personnummer(date(1985, 3, 12), "M")
    response = client.post(url, {"id_number": real.formatted()})
    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.id_number, participant.former_reserve_number) == (
        real.value,
        "19850312TF12",
    )
    assert participant.id_number_kind == "personnummer"
    assert "19850312TF12" in client.get(participant.get_absolute_url()).content.decode()
