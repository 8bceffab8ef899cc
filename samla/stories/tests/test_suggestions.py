"""The person's suggestions on the staff side: who sees them (the story's category rules), who
handles them, and that one suggestion is handled once."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from samla.people.actions import add_team_member
from samla.people.tests.cast import Cast, sign_in
from samla.stories import actions
from samla.stories.models import SectionContent, StorySuggestion, StoryVersion
from samla.stories.tests.pias_story import (
    CORRECTION,
    SECOND,
    Kind,
    pia_suggests,
    write_pias_story,
)

pytestmark = pytest.mark.django_db

STORY = "/deltagare/{pk}/berattelse/"
TAKE_IN = "/deltagare/{pk}/berattelse/forslag/{suggestion}/ta-in/"
ANSWER = "/deltagare/{pk}/berattelse/forslag/{suggestion}/svara/"


def texts(cast: Cast) -> dict[str, str]:
    """One suggestion per kind of section, and one about something new."""
    write_pias_story(cast)
    suggested = {kind: f"Förslag om {kind}." for kind in [*Kind, ""]}
    for kind, text in suggested.items():
        pia_suggests(cast, kind=kind, text=text)
    return suggested


def test_the_coordinator_sees_every_suggestion_with_its_actions(cast: Cast, client: Client) -> None:
    suggested = texts(cast)
    page = sign_in(client, cast.kim).get(STORY.format(pk=cast.pia.pk)).content.decode()
    assert "Förslag från personen" in page
    assert all(text in page for text in suggested.values())
    assert page.count("Ta in i berättelsen") == len(suggested)


def test_another_organisation_sees_a_suggestion_only_where_the_consent_allows_its_section(
    cast: Cast, client: Client
) -> None:
    suggested = texts(cast)
    page = sign_in(client, cast.fia).get(STORY.format(pk=cast.pia.pk)).content.decode()
    # FK's consent includes work and studies and excludes health: Pia's strengths are work,
    # her needs health; what she keeps from others and something not yet placed stay at Tyresö.
    assert suggested[Kind.STRENGTHS] in page
    for kind in (Kind.NEEDS, Kind.NOT_SHARED, Kind.LIFE_SITUATION, Kind.WHAT_MATTERS, ""):
        assert suggested[kind] not in page, kind
    assert "Ta in i berättelsen" not in page
    suggestion = StorySuggestion.objects.get(kind=Kind.STRENGTHS)
    for url in (TAKE_IN, ANSWER):
        assert client.get(url.format(pk=cast.pia.pk, suggestion=suggestion.pk)).status_code == 403
    sign_in(client, cast.wera)  # AF's consent was withdrawn
    assert client.get(STORY.format(pk=cast.pia.pk)).status_code == 404


def test_a_suggestion_about_someone_else_is_not_found(cast: Cast, client: Client) -> None:
    write_pias_story(cast)
    suggestion = pia_suggests(cast)
    sign_in(client, cast.tove)  # a coordinator at Tyresö, not on Pia's team
    url = TAKE_IN.format(pk=cast.pia.pk, suggestion=suggestion.pk)
    assert client.get(url).status_code == 404
    sign_in(client, cast.kim)
    assert client.get(TAKE_IN.format(pk=cast.pia.pk, suggestion=10**9)).status_code == 404


def test_something_new_is_shown_for_the_coordinator_to_place(cast: Cast, client: Client) -> None:
    write_pias_story(cast)
    suggestion = pia_suggests(cast, kind="", text="Jag har en hund som heter Zorro.")
    response = sign_in(client, cast.kim).get(
        TAKE_IN.format(pk=cast.pia.pk, suggestion=suggestion.pk)
    )
    page = response.content.decode()
    assert "Jag har en hund som heter Zorro." in page
    assert "Förslaget gäller något nytt." in page


def editor_data(client: Client, url: str) -> dict[str, str]:
    form = client.get(url).context["form"]
    return {name: value for name, value in form.initial.items() if value is not None}


def test_two_coordinators_on_one_suggestion_the_second_is_told_and_nothing_is_doubled(
    cast: Cast,
) -> None:
    write_pias_story(cast)
    add_team_member(cast.pia, actor=cast.kim, user=cast.tove)
    suggestion = pia_suggests(cast)
    kim, tove = sign_in(Client(), cast.kim), sign_in(Client(), cast.tove)
    take_in = TAKE_IN.format(pk=cast.pia.pk, suggestion=suggestion.pk)
    kims, toves = editor_data(kim, take_in), editor_data(tove, take_in)

    assert kim.post(take_in, kims).status_code == 302
    response = tove.post(take_in, toves, follow=True)
    assert "Någon annan har redan tagit in eller besvarat förslaget." in response.content.decode()
    assert StoryVersion.objects.filter(story__participant=cast.pia).count() == 3
    answer = tove.post(
        ANSWER.format(pk=cast.pia.pk, suggestion=suggestion.pk), {"answer": "Jag tar det."}
    )
    assert answer.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.handled_by, suggestion.answer) == (
        StorySuggestion.State.TAKEN_IN,
        cast.kim,
        "",
    )


def test_a_suggestion_answered_meanwhile_is_not_taken_in_and_the_story_stays(
    cast: Cast,
) -> None:
    write_pias_story(cast)
    suggestion = pia_suggests(cast)
    stale = StorySuggestion.objects.get(pk=suggestion.pk)
    actions.answer_suggestion(suggestion, actor=cast.kim, answer="Vi pratar om det.")
    with pytest.raises(actions.SuggestionHandled):
        actions.save_story(
            cast.pia,
            actor=cast.kim,
            base_version=2,
            sections=SECOND | {Kind.STRENGTHS: SectionContent(CORRECTION, "work_studies")},
            written=StoryVersion.Written.BY_PERSON,
            suggestion=stale,
        )
    with pytest.raises(actions.SuggestionHandled):
        actions.answer_suggestion(stale, actor=cast.kim, answer="En gång till.")
    assert StoryVersion.objects.filter(story__participant=cast.pia).count() == 2
    suggestion.refresh_from_db()
    assert suggestion.answer == "Vi pratar om det."


def test_the_database_refuses_a_handled_suggestion_without_its_marks(cast: Cast) -> None:
    suggestion = pia_suggests(cast)
    for change in (
        {
            "state": StorySuggestion.State.ANSWERED,
            "handled_by": cast.kim,
            "handled_at": timezone.now(),
        },
        {
            "state": StorySuggestion.State.TAKEN_IN,
            "handled_by": cast.kim,
            "handled_at": timezone.now(),
        },
        {"answer": "Svar utan att vara besvarat"},
        {"text": ""},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            StorySuggestion.objects.filter(pk=suggestion.pk).update(**change)
