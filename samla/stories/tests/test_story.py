"""The story: versions with author and time, sections shown as consent allows (R2, §5B)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samla.audit.models import AuditEvent
from samla.people import actions as people_actions
from samla.people.access import get_participant_for_user
from samla.people.models import InformationCategory
from samla.people.tests.cast import Cast, sign_in
from samla.stories import actions
from samla.stories.access import current_story_for
from samla.stories.models import SectionContent, Story, StorySection, StoryVersion
from samla.stories.tests.pias_story import (
    FIRST,
    HEALTH,
    LIFE,
    SECOND,
    SECRET,
    WORK,
    WORK_BEFORE,
    Kind,
    write_pias_story,
)

STORY = "/deltagare/{pk}/berattelse/"


def page(client: Client, cast: Cast, path: str = "") -> tuple[int, str]:
    response = client.get(STORY.format(pk=cast.pia.pk) + path)
    return response.status_code, response.content.decode()


def consent_for_region(cast: Cast, included: list[str], excluded: list[str]) -> None:
    people_actions.record_consent(
        actor=cast.kim,
        participant=cast.pia,
        organisations=[cast.region],
        categories_included=included,
        categories_excluded=excluded,
        form="written",
        given_by="person",
        valid_from=timezone.localdate(),
        valid_to=None,
    )


def test_each_save_is_a_new_version_with_author_and_time(cast: Cast) -> None:
    before = timezone.now()
    first, second = write_pias_story(cast)
    assert (first.number, second.number) == (1, 2)
    assert first.author == second.author == cast.kim
    assert before <= first.created_at <= second.created_at <= timezone.now()
    assert Story.objects.get(participant=cast.pia).version == 2
    # The first version is untouched; the second carries every section, the unchanged copied.
    assert first.contents() == FIRST
    assert second.contents()[Kind.STRENGTHS].text == WORK
    assert second.contents()[Kind.LIFE_SITUATION] == FIRST[Kind.LIFE_SITUATION]
    assert StorySection.objects.count() == 8


def test_a_version_is_never_edited(cast: Cast) -> None:
    first, _ = write_pias_story(cast)
    first.note = "ändrad"
    with pytest.raises(ValueError, match="never edited"):
        first.save()
    section = first.sections.first()
    assert section is not None
    with pytest.raises(ValueError, match="never edited"):
        section.save()


def test_saving_nothing_new_or_nothing_at_all_is_refused(cast: Cast) -> None:
    write_pias_story(cast)
    with pytest.raises(ValidationError, match="Inget är ändrat sedan version 2"):
        actions.save_story(
            cast.pia,
            actor=cast.kim,
            base_version=2,
            sections=SECOND,
            written="with_person",
        )
    with pytest.raises(ValidationError, match="Skriv minst ett avsnitt"):
        actions.save_story(
            cast.pia, actor=cast.kim, base_version=2, sections={}, written="with_person"
        )
    assert StoryVersion.objects.count() == 2


def test_the_coordinator_sees_every_section_and_the_version_line(
    cast: Cast, client: Client
) -> None:
    write_pias_story(cast)
    sign_in(client, cast.kim)
    status, body = page(client, cast)
    assert status == 200
    for text in (LIFE, HEALTH, WORK, SECRET):
        assert text in body
    assert "Version 2, skriven av Kim Koordinator den" in body
    assert "Personens ord, nedskrivna av koordinatorn" in body
    assert "Pia lade till att hon vill jobba med djur." in body  # the note, for Tyresö only
    assert "Räknas som: Hälsa och vård" in body
    assert "Delas inte" in body


def test_the_fk_handler_sees_only_what_the_consent_includes(cast: Cast, client: Client) -> None:
    """Fia's consent includes work and studies and income, and excludes health."""
    write_pias_story(cast)
    sign_in(client, cast.fia)
    status, body = page(client, cast)
    assert status == 200
    assert WORK in body
    assert WORK_BEFORE not in body  # the older version's text is not shown
    for hidden in (HEALTH, LIFE, SECRET, "Pia lade till", "Hälsa och vård"):
        assert hidden not in body
    assert "Du ser de delar av berättelsen som personens samtycke omfattar." in body
    assert "Version 2, skriven av Kim Koordinator" in body


def test_a_region_handler_whose_consent_includes_health_sees_health(
    cast: Cast, client: Client
) -> None:
    consent_for_region(cast, ["health"], [])
    write_pias_story(cast)
    sign_in(client, cast.nils)
    status, body = page(client, cast)
    assert status == 200
    assert HEALTH in body
    for hidden in (LIFE, WORK, SECRET):
        assert hidden not in body


# What each organisation's consent lets it read, written out rather than computed.
FIA_READS = {"work_studies", "income"}  # the cast's consent also excludes health
NILS_READS = {"health", "life_situation", "contact"}  # his consent also excludes work_studies


@pytest.mark.parametrize("category", [c.value for c in InformationCategory])
def test_category_exclusion_hides_exactly_the_excluded_sections_from_exactly_the_excluded(
    cast: Cast, client: Client, category: str
) -> None:
    consent_for_region(cast, ["health", "life_situation", "contact"], ["work_studies"])
    marker = f"Avsnitt i kategorin {category}."
    actions.save_story(
        cast.pia,
        actor=cast.kim,
        base_version=0,
        sections={
            Kind.NEEDS: SectionContent(marker, category),
            Kind.NOT_SHARED: SectionContent(SECRET, ""),
        },
        written="with_person",
    )
    seen = {}
    for who in ("kim", "fia", "nils"):
        sign_in(client, cast.everyone()[who])
        status, body = page(client, cast)
        assert status == 200
        seen[who] = marker in body
        assert (SECRET in body) == (who == "kim")
    assert seen == {"kim": True, "fia": category in FIA_READS, "nils": category in NILS_READS}


def test_a_section_kept_to_the_controlling_organisation_is_shown_to_no_one_else(
    cast: Cast, client: Client
) -> None:
    actions.save_story(
        cast.pia,
        actor=cast.kim,
        base_version=0,
        sections={Kind.STRENGTHS: SectionContent(WORK, "")},
        written="with_person",
    )
    sign_in(client, cast.fia)
    status, body = page(client, cast)
    assert status == 200
    assert WORK not in body
    assert "Det finns inget i berättelsen som personens samtycke omfattar." in body


def test_a_withdrawn_or_expired_consent_closes_the_story(
    cast: Cast, client: Client, time_machine
) -> None:
    write_pias_story(cast)
    sign_in(client, cast.fia)
    assert page(client, cast)[0] == 200
    now = timezone.now()
    assert cast.consent_fk.valid_to is not None
    time_machine.move_to(cast.consent_fk.valid_to + timedelta(days=1))
    sign_in(client, cast.fia)  # the session itself has long expired
    assert page(client, cast)[0] == 404
    time_machine.move_to(now)
    sign_in(client, cast.fia)
    assert page(client, cast)[0] == 200
    people_actions.withdraw_consent(cast.consent_fk, actor=cast.kim, reason="Pia ringde.")
    status, body = page(client, cast)
    assert status == 404
    assert WORK not in body


def test_older_versions_are_for_the_controlling_organisation(cast: Cast, client: Client) -> None:
    write_pias_story(cast)
    sign_in(client, cast.kim)
    status, body = page(client, cast, "versioner/")
    assert status == 200
    assert "Version 1" in body and "Version 2" in body
    status, body = page(client, cast, "versioner/1/")
    assert status == 200
    assert WORK_BEFORE in body and WORK not in body
    assert "Det här är en äldre version. Den senaste är version 2." in body
    assert page(client, cast, "versioner/3/")[0] == 404

    sign_in(client, cast.fia)
    for path in ("versioner/", "versioner/1/", "versioner/2/"):
        status, body = page(client, cast, path)
        assert status == 403
        assert WORK_BEFORE not in body
    assert "Alla versioner" not in page(client, cast)[1]


def test_a_refused_history_read_leaves_no_audit_row(cast: Cast, client: Client) -> None:
    write_pias_story(cast)
    sign_in(client, cast.fia)
    before = AuditEvent.objects.count()
    assert page(client, cast, "versioner/1/")[0] == 403
    assert AuditEvent.objects.count() == before


def test_every_read_and_every_save_writes_an_audit_row(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    before = AuditEvent.objects.count()
    response = client.post(
        STORY.format(pk=cast.pia.pk) + "skriv/",
        {"written": "with_person", "base_version": "0", "life_situation": LIFE},
    )
    assert response.status_code == 302
    version = StoryVersion.objects.get()
    save = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=str(version.pk))
    assert (save.object_type, save.participant_id, save.actor_id) == (
        "stories.storyversion",
        cast.pia.pk,
        cast.kim.pk,
    )
    assert LIFE not in save.summary
    assert AuditEvent.objects.count() == before + 2  # the edit page's read, and the save

    sign_in(client, cast.fia)
    for _ in range(2):
        page(client, cast)
    reads = AuditEvent.objects.filter(actor_id=cast.fia.pk, summary="Berättelse")
    assert reads.count() == 2
    assert {e.consent_id for e in reads} == {cast.consent_fk.pk}
    assert {e.participant_id for e in reads} == {cast.pia.pk}

    sign_in(client, cast.kim)
    page(client, cast, "versioner/1/")
    assert AuditEvent.objects.filter(
        actor_id=cast.kim.pk, summary="Berättelse, version", participant_id=cast.pia.pk
    ).exists()


def test_current_story_for_gives_a_viewer_what_they_may_see(cast: Cast) -> None:
    assert current_story_for(get_participant_for_user(cast.kim, cast.pia.pk, purpose="t")) == []
    write_pias_story(cast)
    kim = current_story_for(get_participant_for_user(cast.kim, cast.pia.pk, purpose="t"))
    fia = current_story_for(get_participant_for_user(cast.fia, cast.pia.pk, purpose="t"))
    assert [s.kind for s in kim] == [
        Kind.LIFE_SITUATION,
        Kind.NEEDS,
        Kind.STRENGTHS,
        Kind.NOT_SHARED,
    ]
    assert [(s.heading, s.text) for s in fia] == [("Det här är jag bra på", WORK)]


def test_the_history_keeps_its_query_count_as_versions_grow(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    write_pias_story(cast)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert page(client, cast, "versioner/")[0] == 200
        return len(queries)

    small = count()
    for number in range(3, 13):
        actions.save_story(
            cast.pia,
            actor=cast.kim,
            base_version=number - 1,
            sections={Kind.LIFE_SITUATION: SectionContent(f"Version {number}", "life_situation")},
            written="with_person",
        )
    assert count() == small


def test_the_overview_links_to_the_story(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    overview = client.get(cast.pia.get_absolute_url()).content.decode()
    assert "Skriv berättelsen" in overview
    assert f'href="/deltagare/{cast.pia.pk}/berattelse/skriv/"' in overview
    write_pias_story(cast)
    overview = client.get(cast.pia.get_absolute_url()).content.decode()
    assert "Läs berättelsen" in overview
    sign_in(client, cast.fia)
    overview = client.get(cast.pia.get_absolute_url()).content.decode()
    assert f'href="/deltagare/{cast.pia.pk}/berattelse/"' in overview


def test_the_empty_story_invites_the_coordinator_to_write_it(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    status, body = page(client, cast)
    assert status == 200
    assert "Ingen berättelse är skriven ännu" in body
    assert "Skriv berättelsen" in body
    sign_in(client, cast.fia)
    status, body = page(client, cast)
    assert "Ingen berättelse är skriven ännu" in body
    assert "Skriv berättelsen" not in body
