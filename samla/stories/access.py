"""Who may read which part of a person's story.

Reaching the person is ``samla.people.access``'s decision, and it writes the audit row. This
module decides what of the story that reach shows (R2, docs/domain.md §5B):

- the controlling organisation sees every section of every version;
- another organisation sees only the latest version, and in it only the sections whose
  category the consent includes and does not exclude. A section without a category (what the
  person does not want shared, or what the writer kept to the controlling organisation) is
  never shown to another organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django_stubs_ext import StrOrPromise

from samla.accounts.models import User
from samla.people.access import ParticipantAccess, get_participant_for_user
from samla.people.models import InformationCategory, Participant
from samla.stories.models import KIND_ORDER, StorySection, StoryVersion, category_label


@dataclass(frozen=True)
class VisibleSection:
    """One section of the story as one viewer may see it."""

    kind: StorySection.Kind
    text: str
    category: str  # an InformationCategory value, or "" for the controlling organisation only

    @property
    def heading(self) -> StrOrPromise:
        return self.kind.label

    @property
    def category_label(self) -> StrOrPromise:
        return category_label(self.category)

    @property
    def stays_with_controller(self) -> bool:
        return not self.category


@dataclass(frozen=True)
class ShownStory:
    """A version of the story and the sections of it this viewer may see."""

    access: ParticipantAccess
    version: StoryVersion | None  # None while no story is written
    sections: list[VisibleSection]

    @property
    def is_latest(self) -> bool:
        return self.version is None or self.version.number == self.version.story.version


def may_see(access: ParticipantAccess, section: StorySection) -> bool:
    if access.is_controller:
        return True
    return bool(section.category) and access.allows(InformationCategory(section.category))


def visible_sections(access: ParticipantAccess, version: StoryVersion) -> list[VisibleSection]:
    """The sections of ``version`` this viewer may see, in the story's order."""
    sections = sorted(
        version.sections.all(), key=lambda s: KIND_ORDER.index(StorySection.Kind(s.kind))
    )
    return [
        VisibleSection(StorySection.Kind(s.kind), s.text, s.category)
        for s in sections
        if may_see(access, s)
    ]


def versions_of(participant: Participant) -> QuerySet[StoryVersion]:
    return StoryVersion.objects.filter(story__participant=participant).select_related(
        "author", "story"
    )


def latest_version(participant: Participant) -> StoryVersion | None:
    return versions_of(participant).prefetch_related("sections").order_by("-number").first()


def current_story_for(access: ParticipantAccess) -> list[VisibleSection]:
    """The person's own description as this viewer may see it: the latest version's sections
    that the consent allows (all of them for the controlling organisation), or [] before any
    story is written. For reuse where the story is shown beside other things (a meeting's
    agenda); the caller has reached the person through ``get_participant_for_user``, which
    logged the read."""
    version = latest_version(access.participant)
    return visible_sections(access, version) if version else []


def get_story_for_user(user: User, pk: int) -> ShownStory:
    """The latest version of the person's story, as this user may see it; the read is logged."""
    access = get_participant_for_user(user, pk, purpose="Berättelse")
    version = latest_version(access.participant)
    return ShownStory(access, version, visible_sections(access, version) if version else [])


def get_controller_access(user: User, pk: int, *, purpose: str) -> ParticipantAccess:
    """The person, for a user of the controlling organisation only: older versions are theirs.
    Another organisation's user who may see the person gets 403, anyone else 404, and a
    refused read leaves no audit row."""
    with transaction.atomic():
        access = get_participant_for_user(user, pk, purpose=purpose)
        if not access.is_controller:
            raise PermissionDenied
    return access


def get_story_version_for_user(user: User, pk: int, number: int) -> ShownStory:
    access = get_controller_access(user, pk, purpose="Berättelse, version")
    version = (
        versions_of(access.participant).prefetch_related("sections").filter(number=number).first()
    )
    if version is None:
        raise Http404
    return ShownStory(access, version, visible_sections(access, version))
