from __future__ import annotations

from dataclasses import dataclass

import pytest

from samla.audit.tests.plugin import _audit_log_flushable  # noqa: F401


@dataclass(frozen=True)
class StubActor:
    """What record() needs of a user; the audit app's tests do not depend on accounts."""

    pk: int
    organisation_id: int | None
    name: str

    is_person = False

    def get_full_name(self) -> str:
        return self.name


@pytest.fixture
def alice() -> StubActor:
    """A coordinator at the controlling organisation."""
    return StubActor(pk=11, organisation_id=1, name="Alice Andersson")


@pytest.fixture
def bob() -> StubActor:
    """A case handler at another organisation that a consent names."""
    return StubActor(pk=12, organisation_id=2, name="Bob Berg")
