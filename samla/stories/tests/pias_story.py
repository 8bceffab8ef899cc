"""Pia's story, as the tests share it: two versions written by Kim, one section per category
that the cast's consents include, exclude, or never name."""

from __future__ import annotations

from samla.accounts.models import User
from samla.people.models import InformationCategory
from samla.people.tests.cast import Cast
from samla.stories import actions
from samla.stories.models import SectionContent, StorySection, StorySuggestion, StoryVersion

Kind = StorySection.Kind

LIFE = "Jag bor med min dotter i Tyresö och cyklar överallt."
HEALTH = "Ryggen värker och jag sover dåligt sedan olyckan."
WORK_BEFORE = "Jag har jobbat i stall i fem år."
WORK = "Jag har jobbat i stall i fem år och vill jobba med djur igen."
SECRET = "Berätta inte om skulderna för någon utanför kommunen."
CORRECTION = "Jag har jobbat i stall i sju år och vill jobba med hästar igen."

FIRST: dict[str, SectionContent] = {
    Kind.LIFE_SITUATION: SectionContent(LIFE, InformationCategory.LIFE_SITUATION),
    Kind.NEEDS: SectionContent(HEALTH, InformationCategory.HEALTH),
    Kind.STRENGTHS: SectionContent(WORK_BEFORE, InformationCategory.WORK_STUDIES),
    Kind.NOT_SHARED: SectionContent(SECRET, ""),
}
SECOND: dict[str, SectionContent] = FIRST | {
    Kind.STRENGTHS: SectionContent(WORK, InformationCategory.WORK_STUDIES)
}


def write_pias_story(cast: Cast) -> tuple[StoryVersion, StoryVersion]:
    first = actions.save_story(
        cast.pia,
        actor=cast.kim,
        base_version=0,
        sections=FIRST,
        written=StoryVersion.Written.WITH_PERSON,
    )
    second = actions.save_story(
        cast.pia,
        actor=cast.kim,
        base_version=1,
        sections=SECOND,
        written=StoryVersion.Written.IN_THEIR_WORDS,
        note="Pia lade till att hon vill jobba med djur.",
    )
    return first, second


def pia_in_min_samla(cast: Cast) -> User:
    """Pia's own account, as her first e-ID login makes it (without the login)."""
    person, _created = User.objects.get_or_create(
        person_number=cast.pia.id_number,
        defaults={"username": "person-pia", "first_name": "Pia", "last_name": "Persson"},
    )
    return person


def pia_suggests(cast: Cast, kind: str = Kind.STRENGTHS, text: str = CORRECTION) -> StorySuggestion:
    return actions.suggest(cast.pia, actor=pia_in_min_samla(cast), kind=kind, text=text)
