"""The stories' routes in the permission matrix (samla/web/tests/test_permission_matrix.py).

Pia's story has two versions; a consenting handler reads the latest, never the older ones.
Her open suggestion is taken in or answered by her coordinator only."""

from __future__ import annotations

from samla.people.tests.cast import Cast
from samla.stories.tests.pias_story import pia_suggests, write_pias_story

READABLE_WITH_CONSENT = {"stories:story"}


def parameters(cast: Cast) -> dict[str, int]:
    write_pias_story(cast)
    return {"story_version": 1, "suggestion": pia_suggests(cast).pk}
