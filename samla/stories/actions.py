"""Writing the story, and what the person suggests for it. Each write is one transaction with
its audit row."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samla.accounts.models import User
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.concurrency import check_version
from samla.notifications.notices import notify_person
from samla.people.access import OWN_ROLE, basis_of
from samla.people.models import Participant
from samla.stories.models import (
    KIND_ORDER,
    SectionContent,
    Story,
    StorySection,
    StorySuggestion,
    StoryVersion,
)


class SuggestionHandled(Exception):
    """Someone else took the suggestion in or answered it first: nothing was done."""


@transaction.atomic
def save_story(
    participant: Participant,
    *,
    actor: User,
    base_version: int,
    sections: Mapping[str, SectionContent],
    written: str,
    note: str = "",
    suggestion: StorySuggestion | None = None,
) -> StoryVersion:
    """Save the story as a new version with all its sections, unless someone else saved a
    version since ``base_version`` (0 for a first story): then raise ``concurrency.Stale``.

    The story row is locked until the transaction ends, so of two saves on the same version
    exactly one wins, whatever the timing. Sections with no text are left out.

    With ``suggestion``, the person's suggestion the coordinator took in: it is marked taken in
    by this version in the same transaction, or, if someone else handled it meanwhile,
    ``SuggestionHandled`` is raised and nothing is saved.
    """
    story, _created = Story.objects.select_for_update().get_or_create(participant=participant)
    if suggestion is not None and not _still_open(suggestion, participant):
        raise SuggestionHandled
    latest = (
        story.versions.prefetch_related("sections").get(number=story.version)
        if story.version
        else None
    )
    if latest is not None:
        check_version(latest, base_version, version=latest.number)
    written_sections = {kind: c for kind, c in sections.items() if c.text.strip()}
    if not written_sections:
        raise ValidationError(_("Skriv minst ett avsnitt innan du sparar."))
    if latest is not None and latest.contents() == written_sections:
        raise ValidationError(
            _("Inget är ändrat sedan version %(number)s.") % {"number": latest.number}
        )
    story.version += 1
    story.save(update_fields=["version"])
    version = StoryVersion.objects.create(
        story=story, number=story.version, author=actor, written=written, note=note
    )
    StorySection.objects.bulk_create(
        StorySection(version=version, kind=kind, category=content.category, text=content.text)
        for kind in KIND_ORDER
        if (content := written_sections.get(kind)) is not None
    )
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=version,
        participant_id=participant.pk,
        summary=f"Sparade berättelsen, version {version.number}",
        **basis_of(actor, participant),
    )
    if suggestion is not None:
        _handle(
            suggestion,
            actor=actor,
            state=StorySuggestion.State.TAKEN_IN,
            taken_in_version=version,
            summary=f"Tog in personens förslag i berättelsen, version {version.number}",
        )
    return version


def _still_open(suggestion: StorySuggestion, participant: Participant) -> bool:
    return (
        StorySuggestion.objects.open()
        .select_for_update()
        .filter(pk=suggestion.pk, participant=participant)
        .exists()
    )


def _handle(suggestion: StorySuggestion, *, actor: User, summary: str, **change: object) -> None:
    """Mark the suggestion handled if it is still open: a conditional update, so that of two
    coordinators acting at once exactly one does, on either database."""
    now = timezone.now()
    updated = (
        StorySuggestion.objects.open()
        .filter(pk=suggestion.pk)
        .update(handled_by=actor, handled_at=now, **change)
    )
    if not updated:
        raise SuggestionHandled
    suggestion.refresh_from_db()
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=suggestion,
        participant_id=suggestion.participant_id,
        summary=summary,
        **basis_of(actor, suggestion.participant),
    )
    # The person sees the answer in Min Samla; told only if they chose it, and neutrally.
    notify_person(suggestion.participant.id_number, about=suggestion)


@transaction.atomic
def suggest(participant: Participant, *, actor: User, kind: str, text: str) -> StorySuggestion:
    """The person's suggestion for their story (``kind`` "" for something new). The caller
    found ``participant`` among the person's own records."""
    suggestion = StorySuggestion.objects.create(
        participant=participant, kind=kind, text=text, created_by=actor
    )
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=suggestion,
        participant_id=participant.pk,
        role=OWN_ROLE,
        flagged=participant.is_protected,
        summary="Min Samla: förslag till berättelsen",
    )
    return suggestion


@transaction.atomic
def answer_suggestion(suggestion: StorySuggestion, *, actor: User, answer: str) -> None:
    """Answer the person without changing the story; ``SuggestionHandled`` if someone else
    took it in or answered it first."""
    _handle(
        suggestion,
        actor=actor,
        state=StorySuggestion.State.ANSWERED,
        answer=answer,
        summary="Svarade på personens förslag till berättelsen",
    )
