"""A neutral notice for the person who chose one (issue 16, part 3): "Du har något nytt i Samla"
and a link, nothing about them; off until they give an address and choose it themself."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from samla.audit.models import AuditEvent
from samla.mysamla.tests.person import draft_consent_for_pia, enter_as
from samla.notifications.models import Notice, Preference
from samla.notifications.notices import notify_person
from samla.notifications.tasks import send_notice
from samla.people.tests.cast import Cast
from samla.stories.actions import answer_suggestion
from samla.stories.tests.pias_story import pia_suggests, write_pias_story

pytestmark = pytest.mark.django_db

PAGE = "/min-samla/meddelanden/"


def test_the_person_chooses_a_neutral_notice_and_gets_only_that(cast: Cast, client: Client) -> None:
    person = enter_as(client, cast.pia)
    assert client.get(PAGE).status_code == 200
    response = client.post(PAGE, {"email": "pia@example.se", "on_person_news": "on"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == "pia@example.se"
    assert Preference.objects.get(user=person).on_person_news
    assert AuditEvent.objects.filter(actor_id=person.pk, summary="Min Samla: meddelanden").exists()

    notice = notify_person(cast.pia.id_number, about=cast.pia, occasion="test")
    assert notice is not None
    send_notice.call(notice.pk)  # what the worker does with it
    [message] = mail.outbox
    assert message.to == ["pia@example.se"]
    assert message.subject == "Du har något nytt i Samla"
    assert "/min-samla/" in message.body
    assert cast.pia.first_name not in message.body and cast.pia.last_name not in message.body
    assert not message.attachments


def test_choosing_a_notice_without_an_address_is_refused_and_keeps_what_was_typed(
    cast: Cast, client: Client
) -> None:
    person = enter_as(client, cast.pia)
    response = client.post(PAGE, {"email": "", "on_person_news": "on"})
    assert response.status_code == 422
    assert "Skriv din e-postadress för att få meddelanden." in response.content.decode()
    assert "checked" in response.content.decode()
    assert not Preference.objects.filter(user=person).exists()


def test_nobody_is_told_who_did_not_choose_it(cast: Cast, client: Client) -> None:
    person = enter_as(client, cast.pia)
    person.email = "pia@example.se"
    person.save(update_fields=["email"])
    assert notify_person(cast.pia.id_number, about=cast.pia) is None
    assert notify_person(cast.wera.username, about=cast.pia) is None  # no such person
    assert notify_person("", about=cast.pia) is None
    assert not Notice.objects.exists()


def _chooses_notices(client: Client, cast: Cast) -> None:
    enter_as(client, cast.pia)
    client.post(PAGE, {"email": "pia@example.se", "on_person_news": "on"})


def test_an_answer_to_her_suggestion_and_a_consent_to_give_tell_her_neutrally(
    cast: Cast, client: Client
) -> None:
    _chooses_notices(client, cast)
    write_pias_story(cast)
    answer_suggestion(pia_suggests(cast), actor=cast.kim, answer="Tack, vi pratar om det.")
    draft_consent_for_pia(cast)
    notices = Notice.objects.filter(user__person_number=cast.pia.id_number)
    assert sorted(notices.values_list("object_type", flat=True)) == [
        "people.consent",
        "stories.storysuggestion",
    ]
    assert set(notices.values_list("kind", "path", "ics")) == {("person_news", "/min-samla/", "")}
