"""Bringing a refused save up to date with the version someone else saved meanwhile.

When two people write at once, the second save is refused (``concurrency.Stale``). Handing
the second writer their own form back unchanged would make a deliberate second save undo the
other person's work in every section the second writer never touched. So the form is rebased,
section by section, against the version the writer started from:

- a section only the other person changed takes the saved text;
- a section the writer changed keeps the writer's text;
- every section the other person changed is listed, saved text beside the writer's, so that
  nothing is taken or kept without the writer seeing it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django_stubs_ext import StrOrPromise

from samla.stories.models import KIND_ORDER, SectionContent, StorySection, category_label

Contents = Mapping[str, SectionContent]


@dataclass(frozen=True)
class OtherChange:
    """A section the other person changed, and what this writer had in it."""

    kind: StorySection.Kind
    saved: SectionContent | None  # None: the other person emptied the section
    yours: SectionContent | None
    kept_yours: bool  # the writer changed it too, so the form keeps the writer's text

    @property
    def heading(self) -> StrOrPromise:
        return self.kind.label

    @property
    def saved_category(self) -> StrOrPromise | None:
        return category_label(self.saved.category) if self.saved else None

    @property
    def your_category(self) -> StrOrPromise | None:
        return category_label(self.yours.category) if self.yours else None


def rebase(
    base: Contents, saved: Contents, yours: Contents
) -> tuple[dict[str, SectionContent], list[OtherChange]]:
    """The writer's sections brought up to ``saved``, and what the other person changed."""
    merged: dict[str, SectionContent] = {}
    changes: list[OtherChange] = []
    for kind in KIND_ORDER:
        was, theirs, mine = base.get(kind), saved.get(kind), yours.get(kind)
        writer_changed = mine != was
        result = mine if writer_changed else theirs
        if result is not None:
            merged[kind] = result
        if theirs != was and theirs != mine:
            changes.append(OtherChange(kind, theirs, mine, kept_yours=writer_changed))
    return merged, changes
