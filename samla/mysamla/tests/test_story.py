"""Min berättelse (issue 16, part 2): the person reads their story as it is now, suggests a
correction or something new in their own words, and sees what their coordinator did with it."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from samla.accounts.models import User
from samla.accounts.tests.oidc import RunningProvider
from samla.audit.models import AuditEvent
from samla.idnumbers import test_personnummer
from samla.mysamla.tests.person import log_in_person
from samla.organisations.models import Organisation
from samla.people.models import Participant
from samla.people.tests.cast import Cast, sign_in
from samla.stories.models import StorySuggestion, StoryVersion
from samla.stories.tests.pias_story import (
    CORRECTION,
    LIFE,
    SECRET,
    WORK,
    WORK_BEFORE,
    Kind,
    pia_suggests,
    write_pias_story,
)

pytestmark = pytest.mark.django_db

STORY = "/min-samla/berattelse/"
SUGGEST = "/min-samla/berattelse/forslag/"
OTHER = test_personnummer(date(1988, 3, 9), "M")


def participant(
    cast: Cast, number: str, *, organisation: Organisation | None = None, first: str = "Pia"
) -> Participant:
    return Participant.objects.create(
        association=cast.association,
        controlling_organisation=organisation or cast.tyreso,
        kind=Participant.Kind.IDENTIFIED,
        id_number=number,
        id_number_kind=cast.pia.id_number_kind,
        first_name=first,
        last_name="Persson" if first == "Pia" else "Olsson",
        sex="F",
        start_year=2026,
        created_by=cast.kim,
    )


def test_the_person_reads_every_section_as_it_is_now_and_the_read_is_logged(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    write_pias_story(cast)
    log_in_person(client, eid, cast.pia.id_number)
    page = client.get(STORY).content.decode()
    assert LIFE in page and WORK in page
    assert SECRET in page  # her own words, even those kept from the others
    assert WORK_BEFORE + "<" not in page  # the older version is gone from her page
    person = User.objects.get(person_number=cast.pia.id_number)
    read = AuditEvent.objects.filter(actor_id=person.pk, summary="Min berättelse").get()
    assert read.role == "person" and read.participant_id == cast.pia.pk


def test_before_any_story_the_person_is_told_kindly_and_may_write_something(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    log_in_person(client, eid, cast.pia.id_number)
    page = client.get(STORY).content.decode()
    assert "Du har ingen berättelse här ännu." in page
    assert "Skriv något nytt med dina egna ord" in page


def test_a_person_with_two_controlling_organisations_sees_each_story_under_its_name(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    write_pias_story(cast)
    participant(cast, cast.pia.id_number, organisation=cast.fk)
    log_in_person(client, eid, cast.pia.id_number)
    page = client.get(STORY).content.decode()
    assert "<h2" in page and "Tyresö kommun</h2>" in page and "Försäkringskassan</h2>" in page
    assert page.count("Du har ingen berättelse här ännu.") == 1


def test_a_correction_starts_from_the_section_and_lands_in_the_coordinators_worklist(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    write_pias_story(cast)
    log_in_person(client, eid, cast.pia.id_number)
    form = client.get(SUGGEST, {"deltagare": str(cast.pia.pk), "avsnitt": "strengths"})
    assert WORK in form.content.decode()
    response = client.post(
        SUGGEST, {"record": cast.pia.pk, "kind": "strengths", "text": CORRECTION}, follow=True
    )
    page = response.content.decode()
    assert "Tack! Ditt förslag är skickat till din koordinator." in page
    assert "Ditt förslag väntar på din koordinator." in page
    suggestion = StorySuggestion.objects.get()
    assert (suggestion.participant, suggestion.kind, suggestion.text) == (
        cast.pia,
        "strengths",
        CORRECTION,
    )
    assert suggestion.state == StorySuggestion.State.OPEN
    created = AuditEvent.objects.get(summary="Min Samla: förslag till berättelsen")
    assert created.role == "person" and created.participant_id == cast.pia.pk

    kim = sign_in(Client(), cast.kim)
    worklist = kim.get("/arbetslista/").content.decode()
    assert "Förslag från personen" in worklist
    assert f'href="/deltagare/{cast.pia.pk}/berattelse/"' in worklist
    for other in (cast.tove, cast.fia):  # not on the team as coordinator
        assert (
            "Förslag från personen"
            not in sign_in(Client(), other).get("/arbetslista/").content.decode()
        )


def test_the_coordinator_takes_the_correction_in_and_the_person_sees_the_new_text(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    write_pias_story(cast)
    suggestion = pia_suggests(cast)
    kim = sign_in(Client(), cast.kim)
    url = f"/deltagare/{cast.pia.pk}/berattelse/forslag/{suggestion.pk}/ta-in/"
    editor = kim.get(url)
    form = editor.context["form"]
    assert form.initial["strengths"] == CORRECTION
    data = {name: value for name, value in form.initial.items() if value is not None}
    response = kim.post(url, data, follow=True)
    assert "Berättelsen är sparad som version 3." in response.content.decode()
    latest = StoryVersion.objects.get(number=3)
    assert latest.sections.get(kind=Kind.STRENGTHS).text == CORRECTION
    suggestion.refresh_from_db()
    assert suggestion.state == StorySuggestion.State.TAKEN_IN
    assert (suggestion.taken_in_version, suggestion.handled_by) == (latest, cast.kim)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, summary__startswith="Tog in personens förslag"
    ).exists()

    log_in_person(client, eid, cast.pia.id_number)
    page = client.get(STORY).content.decode()
    assert CORRECTION in page and WORK not in page
    assert "Din koordinator har lagt in ditt förslag." in page


def test_the_coordinator_answers_without_changing_the_story(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    write_pias_story(cast)
    suggestion = pia_suggests(cast, kind="", text="Jag har en hund som heter Zorro.")
    kim = sign_in(Client(), cast.kim)
    url = f"/deltagare/{cast.pia.pk}/berattelse/forslag/{suggestion.pk}/svara/"
    assert kim.post(url, {"answer": ""}).status_code == 422
    answer = "Vi tar upp det på mötet på tisdag."
    assert kim.post(url, {"answer": answer}).status_code == 302
    assert StoryVersion.objects.filter(story__participant=cast.pia).count() == 2
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.answer) == (StorySuggestion.State.ANSWERED, answer)

    log_in_person(client, eid, cast.pia.id_number)
    page = client.get(STORY).content.decode()
    assert "Svar från din koordinator:" in page and answer in page


def test_another_person_reaches_nothing_of_pias(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    write_pias_story(cast)
    participant(cast, OTHER.value, first="Olof")
    log_in_person(client, eid, OTHER.value)
    assert LIFE not in client.get(STORY).content.decode()
    assert (
        client.get(
            SUGGEST, {"deltagare": str(cast.pia.pk), "avsnitt": "life_situation"}
        ).status_code
        == 404
    )
    response = client.post(SUGGEST, {"record": cast.pia.pk, "kind": "", "text": "Hej"})
    assert response.status_code == 404
    assert not StorySuggestion.objects.exists()
    pias = pia_suggests(cast)
    assert pias.text not in client.get(STORY).content.decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * 10_000, "Texten får vara högst 4000 tecken. Nu är den 10000."),
        ("Jag heter\x00Pia", "Texten innehåller ett tecken som inte går att spara."),
        ("   ", "Skriv något innan du skickar."),
    ],
)
def test_hostile_input_is_refused_in_swedish_and_nothing_is_saved(
    cast: Cast, eid: RunningProvider, client: Client, text: str, message: str
) -> None:
    log_in_person(client, eid, cast.pia.id_number)
    response = client.post(SUGGEST, {"record": cast.pia.pk, "kind": "needs", "text": text})
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    if text.strip() and "\x00" not in text:
        assert text in page  # the text is kept
    assert not StorySuggestion.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"record": "9" * 30, "kind": "needs"},
        {"record": "en", "kind": "needs"},
        {"kind": "påhittat"},
    ],
)
def test_tampered_fields_save_nothing(
    cast: Cast, eid: RunningProvider, client: Client, fields: dict[str, str]
) -> None:
    log_in_person(client, eid, cast.pia.id_number)
    data = {"record": str(cast.pia.pk), "text": "Hej"} | fields
    assert client.post(SUGGEST, data).status_code in (404, 422)
    assert client.get(SUGGEST, {"deltagare": "9" * 30, "avsnitt": "x\x00"}).status_code == 404
    assert not StorySuggestion.objects.exists()
