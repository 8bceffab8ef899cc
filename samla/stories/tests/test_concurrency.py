"""No lost updates under real concurrency: of two saves on the same version exactly one wins."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from samla.concurrency import Stale
from samla.people.actions import add_team_member
from samla.people.tests.cast import Cast, sign_in
from samla.stories import actions
from samla.stories.models import SectionContent, StorySuggestion, StoryVersion
from samla.stories.tests.pias_story import Kind, pia_suggests

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Only PostgreSQL runs concurrent writers: SQLite lets one transaction write at a "
        "time, and its in-memory test database is not shared between threads.",
    ),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 5


def run_together(*jobs: Callable[[], None]) -> list[BaseException]:
    """Run each job in its own thread and database connection, all starting at once."""
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            connection.ensure_connection()
            start.wait()
            job()
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_two_people_saving_the_same_version_at_once_one_is_refused(cast: Cast) -> None:
    add_team_member(cast.pia, actor=cast.kim, user=cast.tove)
    clients = {"kim": sign_in(Client(), cast.kim), "tove": sign_in(Client(), cast.tove)}
    url = f"/deltagare/{cast.pia.pk}/berattelse/skriv/"

    for base in range(ROUNDS):
        statuses: dict[str, int] = {}

        def save(who: str, base: int = base, statuses: dict[str, int] = statuses) -> None:
            text = f"{who} skrev runda {base}."
            data = {"written": "with_person", "base_version": str(base), "life_situation": text}
            statuses[who] = clients[who].post(url, data).status_code

        errors = run_together(lambda: save("kim"), lambda: save("tove"))

        assert errors == []
        assert sorted(statuses.values()) == [302, 409], statuses
        [winner] = [who for who, status in statuses.items() if status == 302]
        latest = StoryVersion.objects.get(number=base + 1)
        assert latest.contents()[Kind.LIFE_SITUATION].text == f"{winner} skrev runda {base}."
        assert StoryVersion.objects.count() == base + 1


@pytest.mark.parametrize("base", [0, 1], ids=["first version", "later version"])
def test_the_second_save_waits_for_the_first_and_is_then_refused(cast: Cast, base: int) -> None:
    """The first save holds its transaction open; the second must wait on the story's lock and
    then see the new version, rather than pass the check and fail (or win) afterwards."""
    if base:
        save(cast, "Första versionen.", base=0)
    first_saved, second_started = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        with transaction.atomic():
            save(cast, "Kims text.", base=base)
            first_saved.set()
            second_started.wait(timeout=5)
            time.sleep(0.3)  # the second save is now blocked on the lock

    def second() -> None:
        first_saved.wait(timeout=5)
        second_started.set()
        began = time.monotonic()
        try:
            save(cast, "Toves text.", base=base)
        except Stale as stale:
            outcome["stale"] = stale.current.number
        outcome["waited"] = time.monotonic() - began

    assert run_together(first, second) == []
    assert outcome["stale"] == base + 1
    assert isinstance(outcome["waited"], float) and outcome["waited"] >= 0.2
    assert StoryVersion.objects.count() == base + 1
    latest = StoryVersion.objects.get(number=base + 1)
    assert latest.contents()[Kind.LIFE_SITUATION].text == "Kims text."


def save(cast: Cast, text: str, *, base: int) -> StoryVersion:
    return actions.save_story(
        cast.pia,
        actor=cast.kim,
        base_version=base,
        sections={Kind.LIFE_SITUATION: SectionContent(text, "life_situation")},
        written="with_person",
    )


def test_two_coordinators_handling_one_suggestion_at_once_exactly_one_does(cast: Cast) -> None:
    """Kim takes Pia's suggestion in while Tove answers it, in rounds: each time one wins and
    the other is told, and the suggestion is never both taken in and answered."""
    add_team_member(cast.pia, actor=cast.kim, user=cast.tove)
    for base in range(ROUNDS):
        suggestion = pia_suggests(cast, kind=Kind.LIFE_SITUATION, text=f"Runda {base}.")
        outcome: dict[str, str] = {}

        def take_in(
            suggestion: StorySuggestion = suggestion,
            base: int = base,
            outcome: dict[str, str] = outcome,
        ) -> None:
            try:
                actions.save_story(
                    cast.pia,
                    actor=cast.kim,
                    base_version=base,
                    sections={Kind.LIFE_SITUATION: SectionContent(suggestion.text, "")},
                    written="by_person",
                    suggestion=suggestion,
                )
                outcome["kim"] = "done"
            except actions.SuggestionHandled:
                outcome["kim"] = "told"

        def answer(
            suggestion: StorySuggestion = suggestion, outcome: dict[str, str] = outcome
        ) -> None:
            try:
                actions.answer_suggestion(suggestion, actor=cast.tove, answer="Vi ses.")
                outcome["tove"] = "done"
            except actions.SuggestionHandled:
                outcome["tove"] = "told"

        assert run_together(take_in, answer) == []
        assert sorted(outcome.values()) == ["done", "told"], outcome
        suggestion.refresh_from_db()
        taken = outcome["kim"] == "done"
        assert suggestion.state == ("taken_in" if taken else "answered")
        assert StoryVersion.objects.count() == base + (1 if taken else 0)
        if not taken:  # keep the rounds' base versions in step
            save(cast, f"Kim skrev runda {base}.", base=base)
