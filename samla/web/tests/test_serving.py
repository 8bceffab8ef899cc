"""Samla served as production serves it (issue 17 item 1, ADR 0016): gunicorn as its own process
with config/gunicorn.py, static files by WhiteNoise from collectstatic's hashed copies, and
`manage.py check --deploy` clean under production settings."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import httpx
import pytest
from django.test import Client
from pytest_django import DjangoDbBlocker

from samla.web.tests import processes


def test_check_deploy_is_clean_under_production_settings() -> None:
    env = processes.own_env(
        SAMLA_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        SAMLA_AUDIT_KEY=secrets.token_urlsafe(32),
        SAMLA_BASE_URL="https://samla.example.se",
        ALLOWED_HOSTS="samla.example.se",
    )
    done = processes.manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


@pytest.mark.django_db
def test_whitenoise_serves_the_sources_outside_production(client: Client) -> None:
    response = client.get("/static/css/samla.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
) -> Iterator[str]:
    """collectstatic into a fresh directory, a migrated SQLite file (processes.migrated_sqlite),
    and gunicorn on a free port with Samla's own configuration, as `make run` starts it."""
    work = tmp_path_factory.mktemp("served")
    port = processes.free_port()
    env = processes.own_env(
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        SAMLA_STATIC_MANIFEST="1",
        SAMLA_STATIC_ROOT=str(work / "static"),
        SAMLA_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
    )
    done = processes.manage("collectstatic", "--noinput", "-v", "0", env=env)
    assert done.returncode == 0, done.stderr
    with django_db_blocker.unblock():
        processes.migrated_sqlite(work / "db.sqlite3", env)
    process = processes.start_gunicorn(env)
    url = f"http://127.0.0.1:{port}"
    try:
        processes.wait_until_up(url, process)
        yield url
    finally:
        processes.stop(process)


def test_gunicorn_serves_pages_and_hashed_static_files_cached_for_a_year(served: str) -> None:
    assert httpx.get(f"{served}/healthz").json() == {"status": "ok", "database": "ok"}
    login = httpx.get(f"{served}/konto/logga-in/")
    assert login.status_code == 200
    assert login.headers["Content-Security-Policy"]
    [stylesheet] = [
        part.split('"')[0]
        for part in login.text.split('href="')[1:]
        if part.startswith("/static/css/samla.")
    ]
    assert stylesheet != "/static/css/samla.css"  # the hashed copy
    static = httpx.get(f"{served}{stylesheet}", headers={"Accept-Encoding": "gzip"})
    assert static.status_code == 200
    assert "max-age=315360000" in static.headers["Cache-Control"]
    assert static.headers["Content-Encoding"] == "gzip"
    assert "body" in static.text
