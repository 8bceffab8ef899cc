from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import transaction
from pytest_django import DjangoDbBlocker

from samla.audit.tests.plugin import _audit_log_flushable  # noqa: F401
from samla.people.tests.cast import Cast, build_cast


def pytest_configure() -> None:
    # Hashing passwords at full strength takes most of a test's time and proves nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
