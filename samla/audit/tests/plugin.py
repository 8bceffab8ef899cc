"""A pytest plugin for the whole project: lets transactional tests that write audit events
flush the database on SQLite.

Enable it in the root conftest.py with ``pytest_plugins = ["samla.audit.tests.plugin"]``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from samla.audit.tests.tampering import clear_log_for_flush

_TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool(_TRANSACTIONAL_FIXTURES & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _audit_log_flushable(request: pytest.FixtureRequest) -> Iterator[None]:
    if not _is_transactional(request):
        yield
        return
    # Depending on the database fixture makes this teardown run before the flush.
    request.getfixturevalue("transactional_db")
    yield
    clear_log_for_flush()
