from __future__ import annotations

import pytest
from django.conf import settings

from samla.audit.tests.plugin import _audit_log_flushable  # noqa: F401
from samla.people.tests.cast import Cast, build_cast


def pytest_configure() -> None:
    # Hashing passwords at full strength takes most of a test's time and proves nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()
