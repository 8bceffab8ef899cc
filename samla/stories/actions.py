"""Writing the story. Each save is one transaction with its audit row."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samla.accounts.models import User
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.concurrency import check_version
from samla.people.models import Participant
from samla.stories.models import KIND_ORDER, SectionContent, Story, StorySection, StoryVersion


@transaction.atomic
def save_story(
    participant: Participant,
    *,
    actor: User,
    base_version: int,
    sections: Mapping[str, SectionContent],
    written: str,
    note: str = "",
) -> StoryVersion:
    """Save the story as a new version with all its sections, unless someone else saved a
    version since ``base_version`` (0 for a first story): then raise ``concurrency.Stale``.

    The story row is locked until the transaction ends, so of two saves on the same version
    exactly one wins, whatever the timing. Sections with no text are left out.
    """
    story, _created = Story.objects.select_for_update().get_or_create(participant=participant)
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
    )
    return version
