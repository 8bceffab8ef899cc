from __future__ import annotations

import copy
import fnmatch
import functools
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.middleware import csrf
from django.utils.crypto import get_random_string
from pytest_django import DjangoDbBlocker

from samla.accounts.tests.oidc import eid, oidc_provider  # noqa: F401
from samla.audit.tests.plugin import _audit_log_flushable  # noqa: F401
from samla.people.tests.cast import Cast, build_cast

ROOT = Path(__file__).resolve().parent.parent

# The tests that can come out differently on PostgreSQL than on SQLite: they get the mark
# ``postgres``, and ``make test-postgres`` runs only them (ADR 0009). A module that asks
# ``connection.vendor`` is marked without being listed; a single test elsewhere carries
# ``@pytest.mark.postgres`` itself. Paths are fnmatch patterns from the repository's root.
DIFFERS_BY_DATABASE = [
    "samla/web/tests/test_permission_matrix*.py",  # every access query, every route
    "samla/web/tests/test_hostile_*.py",  # how wide an integer column is, what overflows
    "samla/*/tests/test_access.py",  # consent, team and role filters, dates of validity
    "samla/*/tests/test_*concurrency.py",  # row locks: select_for_update is a no-op on SQLite
    "samla/audit/tests/*",  # triggers, raw SQL, the chain's advisory lock
    "samla/activities/tests/test_fixed_fields.py",  # a trigger
    "samla/activities/tests/test_age_range.py",  # a check constraint
    "samla/surveys/tests/test_versions.py",  # a trigger
    "samla/surveys/tests/test_results.py",  # counts through statistics
    "samla/referrals/tests/*",  # a trigger, capacity under a lock, figures.py's counts
    "samla/imports/tests/*",  # COPY on PostgreSQL, bulk inserts elsewhere
    "samla/indicators/tests/*",  # one GROUP BY query per table, dates truncated in SQL
    "samla/finance/tests/*",  # sums of money in numeric (REAL on SQLite), their constraints
    "samla/reports/tests/*",  # the year's figures and money in queries
    "samla/*/tests/test_reminders.py",  # date arithmetic in queries
    "samla/notifications/tests/*",  # date arithmetic in queries
    "samla/*/tests/test_migration*.py",  # data migrations run as SQL
    "samla/people/tests/test_pages.py",  # search: icontains on å, ä, ö
    "samla/retention/tests/*",  # check constraints, rows locked for a rule's save
    "samla/oversight/tests/test_checks.py",  # counts with filters and distinct, constraints
    "samla/oversight/tests/test_grounds.py",  # the consent that decides, by date, in SQL
]


def pytest_configure() -> None:
    # Hashing passwords at full strength takes most of a test's time and proves nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every page carries a CSRF token of random letters and digits, and once in some thousand
    # pages it spelt "Pia" where a test asserts that her name is not on the page. In tests the
    # token is drawn from digits, so it holds only digits and the letters Q-Z (Django adds the
    # mask to the secret character by character): no name can hide in it.
    csrf.get_random_string = _digits  # type: ignore[attr-defined]


def _digits(length: int, allowed_chars: str = "") -> str:
    return get_random_string(length, allowed_chars=string.digits)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what differs by database ``postgres`` (see ``DIFFERS_BY_DATABASE``)."""
    for item in items:
        if _differs_by_database(item.path):
            item.add_marker(pytest.mark.postgres)


@functools.cache
def _differs_by_database(path: Path) -> bool:
    relative = path.relative_to(ROOT).as_posix()
    if any(fnmatch.fnmatch(relative, pattern) for pattern in DIFFERS_BY_DATABASE):
        return True
    return "connection.vendor" in path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def module_db(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """The database for a whole module, in one transaction rolled back after its last test.

    What a module-scoped fixture builds on it (``module_cast``, a matrix's route parameters) is
    built once. Each test then runs in pytest-django's ``db``, which inside this transaction is
    a savepoint rolled back after the test, so every test starts from the same rows: Django's
    ``setUpTestData``, per module. A module asks for both, before anything else::

        pytestmark = pytest.mark.usefixtures("db", "module_cast")

    (``db`` by name, so that pytest-django sees the module needs a database.) Its tests cannot be
    transactional (``transactional_db``, ``live_server``): those commit, and empty every table.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def module_cast(module_db: None) -> Cast:
    """The cast, built once for the module; each test gets a copy of it through ``cast``."""
    return build_cast()


@pytest.fixture(autouse=True)
def _module_db_in_savepoints(request: pytest.FixtureRequest) -> None:
    """Refuses a test that would change a module's shared rows for the tests after it."""
    if "module_db" not in request.fixturenames:
        return
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        transactional.add("django_db(transaction=True)")
    if transactional or "db" not in request.fixturenames:
        pytest.fail(
            "a test in a module on module_db must run in a savepoint: it needs db, and cannot "
            f"use {', '.join(sorted(transactional)) or 'anything transactional'}"
        )


@pytest.fixture
def cast(request: pytest.FixtureRequest, db: None) -> Cast:
    """The cast (samla/people/tests/cast.py), built for the test; in a module that uses
    ``module_cast``, a deep copy of that one instead, so that no test sees what another did to
    the objects (the rows are rolled back after each test anyway)."""
    if "module_cast" in request.fixturenames:
        module_cast: Cast = request.getfixturevalue("module_cast")
        return copy.deepcopy(module_cast)
    return build_cast()
