"""Who may read which part of a person's story.

Reaching the person is ``samla.people.access``'s decision, and it writes the audit row. This
module decides what of the story that reach shows (R2, docs/domain.md §5B):

- the controlling organisation sees every section of every version;
- another organisation sees only the latest version, and in it only the sections whose
  category the consent includes and does not exclude. A section without a category (what the
  person does not want shared, or what the writer kept to the controlling organisation) is
  never shown to another organisation;
- the person themself, in Min Samla, sees every section of the latest version of each of their
  records, and what they suggested (``own_stories``);
- what the person suggests about a section counts as that section's category, so another
  organisation sees a suggestion exactly when it would see the section.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django_stubs_ext import StrOrPromise

from samla.accounts.models import User
from samla.people.access import (
    ParticipantAccess,
    get_participant_for_user,
    own_participants,
    read_list,
    read_own,
    visible_participants,
)
from samla.people.models import InformationCategory, Participant, TeamMember
from samla.stories.models import (
    DEFAULT_CATEGORY,
    KIND_ORDER,
    StorySection,
    StorySuggestion,
    StoryVersion,
    category_label,
)


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
    suggestions: list[StorySuggestion] = field(default_factory=list)

    @property
    def is_latest(self) -> bool:
        return self.version is None or self.version.number == self.version.story.version


def may_see(access: ParticipantAccess, section: StorySection) -> bool:
    if access.is_controller:
        return True
    return bool(section.category) and access.allows(InformationCategory(section.category))


def _in_order(version: StoryVersion) -> list[StorySection]:
    return sorted(version.sections.all(), key=lambda s: KIND_ORDER.index(StorySection.Kind(s.kind)))


def visible_sections(access: ParticipantAccess, version: StoryVersion) -> list[VisibleSection]:
    """The sections of ``version`` this viewer may see, in the story's order."""
    return [
        VisibleSection(StorySection.Kind(s.kind), s.text, s.category)
        for s in _in_order(version)
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
    sections = visible_sections(access, version) if version else []
    return ShownStory(access, version, sections, visible_suggestions(access, version))


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


# What the person suggests (Min Samla) -------------------------------------------------------


def suggestion_category(suggestion: StorySuggestion, version: StoryVersion | None) -> str:
    """What a suggestion counts as: the category of the section it is about in the latest
    version, or the category such a section gets by default. Something new, not yet placed in
    a section, stays with the controlling organisation."""
    if not suggestion.kind:
        return ""
    if version is not None:
        for section in version.sections.all():
            if section.kind == suggestion.kind:
                return section.category
    return DEFAULT_CATEGORY[suggestion.kind]


def visible_suggestions(
    access: ParticipantAccess, version: StoryVersion | None
) -> list[StorySuggestion]:
    """The person's suggestions this viewer may see, newest first (``version``: the latest,
    its sections prefetched). Part of the read of the story that ``access`` logged."""
    suggestions = list(
        StorySuggestion.objects.filter(participant=access.participant).select_related(
            "handled_by", "taken_in_version"
        )
    )
    if access.is_controller:
        return suggestions
    return [
        s
        for s in suggestions
        if (category := suggestion_category(s, version))
        and access.allows(InformationCategory(category))
    ]


def get_suggestion_for_user(
    user: User, pk: int, suggestion_pk: int, *, purpose: str
) -> tuple[ParticipantAccess, StorySuggestion]:
    """A suggestion, for a coordinator who may change the story (403 for another organisation
    that sees the person, 404 for anyone else or a suggestion about someone else)."""
    access = get_participant_for_user(user, pk, purpose=purpose, manage=True)
    suggestion = StorySuggestion.objects.filter(
        participant=access.participant, pk=suggestion_pk
    ).first()
    if suggestion is None:
        raise Http404
    suggestion.participant = access.participant
    return access, suggestion


def suggestions_waiting_for(user: User) -> list[StorySuggestion]:
    """Open suggestions from the people on whose team the user is the coordinator, at the
    controlling organisation, oldest first: one query and one audit row, however many."""
    if user.organisation_id is None or not user.reaches_person_data:
        return []
    coordinated = (
        TeamMember.objects.current()
        .filter(user=user, role=TeamMember.Role.COORDINATOR)
        .values("participant_id")
    )
    return read_list(
        user,
        StorySuggestion.objects.open()
        .filter(
            participant__in=visible_participants(user).values("pk"),
            participant_id__in=coordinated,
            participant__controlling_organisation_id=user.organisation_id,
        )
        .select_related("participant")
        .order_by("created_at", "pk"),
        purpose="Arbetslista, förslag till berättelser",
    )


@dataclass(frozen=True)
class OwnStory:
    """One of the person's records with its story, as the person reads it: every section."""

    participant: Participant
    version: StoryVersion | None  # None while no story is written
    sections: list[VisibleSection]
    suggestions: list[StorySuggestion]


def own_stories(user: User, *, purpose: str = "Min berättelse") -> list[OwnStory]:
    """The person's story at each of their records, with what they suggested; each record's
    read logged as the person's own, in the same transaction."""
    with transaction.atomic():
        participants = read_own(user, purpose=purpose)
        stories = []
        for participant in participants:
            version = latest_version(participant)
            sections = (
                [
                    VisibleSection(StorySection.Kind(s.kind), s.text, s.category)
                    for s in _in_order(version)
                ]
                if version
                else []
            )
            suggestions = list(
                StorySuggestion.objects.filter(participant=participant).select_related(
                    "taken_in_version"
                )
            )
            stories.append(OwnStory(participant, version, sections, suggestions))
    return stories


def own_suggestion_start(
    user: User, *, pk: int | None, kind: str, purpose: str
) -> tuple[Participant, str]:
    """Where the person's suggestion starts: one of their records (``pk``, or the first) and
    the current text of the section ``kind`` there, to correct ("" for something new or a
    section not yet written). A ``pk`` that is not one of theirs is 404. Each record's read is
    logged as the person's own (the form names their organisations)."""
    with transaction.atomic():
        records = read_own(user, purpose=purpose)
        record = next((r for r in records if r.pk == pk), None) if pk else next(iter(records), None)
        if record is None:
            raise Http404
        version = latest_version(record) if kind else None
        text = (
            next((s.text for s in version.sections.all() if s.kind == kind), "") if version else ""
        )
    return record, text


def own_records(user: User) -> QuerySet[Participant]:
    """The person's records to choose from in a form (read nothing of them but the names of
    their organisations)."""
    return own_participants(user).order_by("pk")
