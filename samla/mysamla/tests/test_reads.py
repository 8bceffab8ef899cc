"""Vem har läst om mig (issue 16, part 2): the person's own access extract, on the page and as a
PDF, made by the same code as the staff's extract (samla.oversight.logs)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samla.accounts.models import User
from samla.accounts.tests.oidc import RunningProvider
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.mysamla.tests.person import another_participant, log_in_person, pia_at_fk
from samla.people.models import TeamMember
from samla.people.tests.cast import Cast, sign_in
from samla.web.tests.pdf import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

PAGE = "/min-samla/vem-har-last/"
PDF = "/min-samla/vem-har-last.pdf"


def summary_cards(body: str) -> list[str]:
    """The summary's cards, each as its text without tags."""
    summary = body[body.index('id="summary-title"') : body.index('id="details-title"')]
    cards = summary.split('<section class="card"')[1:]
    return [_text(card.split(">", 1)[1]) for card in cards]


def details(body: str) -> str:
    return _text(body[body.index('id="details-title"') :])


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def fia_reads_pia(client: Client, cast: Cast) -> None:
    sign_in(client, cast.fia)
    assert client.get(f"/deltagare/{cast.pia.pk}/").status_code == 200
    client.logout()


def test_pia_sees_that_fia_at_fk_read_her_once_under_her_consent(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    fia_reads_pia(client, cast)
    log_in_person(client, eid, cast.pia.id_number)
    response = client.get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    fk = next(card for card in summary_cards(body) if "Försäkringskassan" in card)
    assert "Roll Handläggare" in fk
    assert "Antal gånger 1 " in fk
    assert f"Med stöd av ditt samtycke (nummer {cast.consent_fk.pk})" in fk
    assert "Senast" in fk
    text = details(body)
    assert "Vem Fia Handläggare Organisation Försäkringskassan Roll Handläggare" in text
    assert "Vad Läste: översikt" in text
    assert "fia@example.se" not in body


def test_opening_the_page_is_logged_and_shown_as_du_sjalv(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    log_in_person(client, eid, cast.pia.id_number)
    client.get(PAGE)
    body = client.get(PAGE).content.decode()
    person = User.objects.get(person_number=cast.pia.id_number)
    reads = AuditEvent.objects.filter(
        actor_id=person.pk, participant_id=cast.pia.pk, action=AuditEvent.Action.VIEW
    )
    assert [(e.role, e.summary) for e in reads] == [("person", "Vem har läst om mig")] * 2
    (own,) = [card for card in summary_cards(body) if card.startswith("Du själv")]
    assert "Antal gånger 2 " in own and "Du läste själv i Min Samla" in own
    assert "Roll" not in own
    text = details(body)
    assert text.count("Vem Du själv Vad Läste: vem har läst om mig") == 2
    assert person.get_full_name() not in text


def test_the_details_can_be_narrowed_to_a_period(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    today = timezone.localdate()
    with time_machine.travel(timezone.now() - timedelta(days=5)):
        fia_reads_pia(client, cast)
    fia_reads_pia(client, cast)
    log_in_person(client, eid, cast.pia.id_number)

    earlier = details(
        client.get(PAGE, {"date_to": str(today - timedelta(days=1))}).content.decode()
    )
    assert earlier.count("Fia Handläggare") == 1
    assert "Du själv" not in earlier  # this very read is today's

    later = client.get(PAGE, {"date_from": str(today)}).content.decode()
    assert details(later).count("Fia Handläggare") == 1
    fk = next(card for card in summary_cards(later) if "Försäkringskassan" in card)
    assert "Antal gånger 2 " in fk  # the summary counts all the time

    both = details(client.get(PAGE).content.decode())
    assert both.count("Fia Handläggare") == 2


def test_a_bad_date_is_refused_in_swedish_and_the_form_kept(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    log_in_person(client, eid, cast.pia.id_number)
    response = client.get(PAGE, {"date_from": "2026-13-45", "date_to": "2026-01-01"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Fyll i ett giltigt datum." in body
    assert 'value="2026-13-45"' in body and 'value="2026-01-01"' in body

    backwards = client.get(PAGE, {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert backwards.status_code == 422
    assert "Slutdatumet kan inte vara före startdatumet." in backwards.content.decode()


def test_the_whole_extract_as_a_pdf_summary_first(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    fia_reads_pia(client, cast)
    log_in_person(client, eid, cast.pia.id_number)
    client.get(PAGE)
    response = client.get(PDF)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Vem har läst dina uppgifter?" in text
    assert "Det här är en lista till dig, Pia Persson." in text
    assert text.index("Sammanfattning") < text.index("Läsningar och ändringar")
    summary = text[text.index("Sammanfattning") : text.index("Läsningar och ändringar")]
    assert "Försäkringskassan Handläggare 1 gång" in summary
    assert "Du själv 2 gånger" in summary  # the page, and the PDF itself
    assert f"Med stöd av ditt samtycke (nummer {cast.consent_fk.pk})" in summary
    rest = text[text.index("Läsningar och ändringar") :]
    assert "Fia Handläggare på Försäkringskassan" in rest
    assert "Du själv Skrev ut: vem har läst om mig" in rest
    person = User.objects.get(person_number=cast.pia.id_number)
    printed = AuditEvent.objects.get(actor_id=person.pk, action=AuditEvent.Action.PRINT)
    assert printed.participant_id == cast.pia.pk and printed.role == "person"


def test_another_persons_events_never_appear(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    per = another_participant(cast, last_name="Persson")
    TeamMember.objects.create(participant=per, user=cast.kim, role="coordinator", added_by=cast.kim)
    sign_in(client, cast.kim)
    assert client.get(f"/deltagare/{per.pk}/").status_code == 200
    client.logout()
    fia_reads_pia(client, cast)

    log_in_person(client, eid, per.id_number)
    pers = client.get(PAGE).content.decode()
    assert "Kim Koordinator" in pers
    assert "Fia Handläggare" not in pers and "Försäkringskassan" not in pers

    pias_client = Client()
    log_in_person(pias_client, eid, cast.pia.id_number)
    pias = pias_client.get(PAGE).content.decode()
    assert "Fia Handläggare" in pias
    assert "Kim Koordinator" not in pias
    pdf = pdf_text(pias_client.get(PDF).content)
    assert "Kim Koordinator" not in pdf and "Per Persson" not in pdf


def test_records_at_two_organisations_are_one_extract_saying_whose_record(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    other = pia_at_fk(cast)
    record(
        actor=cast.fia,
        action=AuditEvent.Action.VIEW,
        participant_id=other.pk,
        role="case_handler",
        summary="Översikt",
    )
    fia_reads_pia(client, cast)
    log_in_person(client, eid, cast.pia.id_number)
    body = client.get(PAGE).content.decode()
    fk = [card for card in summary_cards(body) if "Försäkringskassan" in card]
    assert len(fk) == 2  # one under the consent, one as the organisation's own record
    assert any(
        "Med stöd av att organisationen är ansvarig för dina uppgifter" in card for card in fk
    )
    own = next(card for card in summary_cards(body) if card.startswith("Du själv"))
    assert "Antal gånger 2 " in own  # this read, of each record
    text = details(body)
    assert "Uppgifterna hos Försäkringskassan" in text and "Uppgifterna hos Tyresö kommun" in text


def test_staff_get_404(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    assert client.get(PAGE).status_code == 404
    assert client.get(PDF).status_code == 404


def test_someone_not_signed_in_is_sent_to_the_login(client: Client) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/min-samla/logga-in/")


def _page_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)
    assert response.status_code == 200
    return len(queries)


def _fia_reads(cast: Cast, times: int) -> None:
    for _ in range(times):
        record(
            actor=cast.fia,
            action=AuditEvent.Action.VIEW,
            participant_id=cast.pia.pk,
            consent_id=cast.consent_fk.pk,
            role="case_handler",
            summary="Översikt",
        )


def test_the_page_makes_as_many_queries_for_many_events_as_for_few(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    log_in_person(client, eid, cast.pia.id_number)
    _fia_reads(cast, 2)
    few = _page_queries(client)
    _fia_reads(cast, 60)
    record(
        actor=cast.kim,
        action=AuditEvent.Action.UPDATE,
        participant_id=cast.pia.pk,
        role="coordinator",
        summary="Kontaktuppgifter",
    )
    many = _page_queries(client)
    assert many == few
    body = client.get(PAGE).content.decode()
    assert "Sida 1 av 3" in body
    fk = next(card for card in summary_cards(body) if "Försäkringskassan" in card)
    assert "Antal gånger 62 " in fk
