"""Samla's state lives in the database alone (issue 17 item 5), so any number of app servers and
workers run side by side; and the replica router sends only the counts it is asked to the
replica. The servers themselves, nginx, two workers and a real replica: test_scale_out.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, models, transaction

from config.settings import replica_database
from samla.people.models import Participant
from samla.replica import REPLICA, ReplicaRouter, read_alias, reading_from_replica


@pytest.fixture
def replica_configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A ``replica`` alias in the settings, as DATABASE_REPLICA_URL adds one (never connected to
    here: the router only decides where a read would go)."""
    monkeypatch.setitem(settings.DATABASES, REPLICA, dict(settings.DATABASES[DEFAULT_DB_ALIAS]))
    yield


def test_the_replica_has_its_own_address_and_the_primarys_session_settings() -> None:
    primary = settings.DATABASES[DEFAULT_DB_ALIAS] | {
        "OPTIONS": {"host": "/run/primary", "port": 5432, "options": "-c jit=off"}
    }
    replica = replica_database("postgres://samla@/samla?host=/run/replica&port=5433", primary)
    assert replica["OPTIONS"] == {"host": "/run/replica", "port": 5433, "options": "-c jit=off"}
    assert replica["CONN_MAX_AGE"] == primary["CONN_MAX_AGE"]
    assert replica["TEST"] == {"MIRROR": "default"}


def test_without_a_replica_every_read_goes_to_the_primary() -> None:
    assert REPLICA not in settings.DATABASES
    with reading_from_replica():
        assert read_alias() == DEFAULT_DB_ALIAS
        assert Participant.objects.all().db == DEFAULT_DB_ALIAS


@pytest.mark.usefixtures("replica_configured")
def test_with_a_replica_only_reads_asked_for_and_outside_a_transaction_go_there() -> None:
    router = ReplicaRouter()
    assert router.db_for_read(Participant) == DEFAULT_DB_ALIAS  # not asked for
    with reading_from_replica():
        assert router.db_for_read(Participant) == REPLICA
        assert Participant.objects.all().db == REPLICA
        assert router.db_for_write(Participant) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Participant) == DEFAULT_DB_ALIAS  # the context has ended
    assert router.allow_migrate(REPLICA, "people") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "people") is True


@pytest.mark.django_db
@pytest.mark.usefixtures("replica_configured")
def test_inside_a_transaction_reads_stay_on_the_primary() -> None:
    """A transaction that wrote reads its own writes; an audited read writes its row in the
    same transaction as the read (ADR 0003): neither may read a lagging replica."""
    with transaction.atomic(), reading_from_replica():
        assert read_alias() == DEFAULT_DB_ALIAS
        assert Participant.objects.all().db == DEFAULT_DB_ALIAS


@pytest.mark.django_db
def test_the_cache_is_the_database_shared_by_every_server() -> None:
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    cache.set("samla:test:shared", 3)  # the table exists: migrations made it
    assert cache.get("samla:test:shared") == 3


def test_sessions_and_tasks_are_kept_in_the_database() -> None:
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    # django-axes counts failed logins in its own tables unless told otherwise.
    assert getattr(settings, "AXES_HANDLER", None) in {
        None,
        "axes.handlers.database.AxesDatabaseHandler",
    }


def test_no_model_keeps_a_file_on_a_servers_disk() -> None:
    """Uploads and PDFs are kept in the database (BinaryField): no server writes a file another
    server or worker must read. A FileField would need SAMLA_MEDIA_ROOT on a shared volume."""
    file_fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert file_fields == []
