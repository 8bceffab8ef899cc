"""Samla served as production serves it (issue 17 item 1, ADR 0016): gunicorn as its own process
with config/gunicorn.py, static files by WhiteNoise from collectstatic's hashed copies, and
`manage.py check --deploy` clean under production settings."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _env(**extra: str) -> dict[str, str]:
    """The environment of a process of its own, with none of the test run's settings (the
    browser tests' DJANGO_ALLOW_ASYNC_UNSAFE, a test database's URL)."""
    left_out = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in left_out}
    return env | {"DJANGO_SETTINGS_MODULE": "config.settings"} | extra


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_check_deploy_is_clean_under_production_settings() -> None:
    env = _env(
        SAMLA_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        SAMLA_AUDIT_KEY=secrets.token_urlsafe(32),
        SAMLA_BASE_URL="https://samla.example.se",
        ALLOWED_HOSTS="samla.example.se",
    )
    done = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


@pytest.mark.django_db
def test_whitenoise_serves_the_sources_outside_production(client: Client) -> None:
    response = client.get("/static/css/samla.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """collectstatic into a fresh directory, a migrated SQLite file, and gunicorn on a free port
    with Samla's own configuration, as `make run` starts it."""
    work = tmp_path_factory.mktemp("served")
    port = _free_port()
    env = _env(
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        SAMLA_STATIC_MANIFEST="1",
        SAMLA_STATIC_ROOT=str(work / "static"),
        SAMLA_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
    )
    for command in (["collectstatic", "--noinput", "-v", "0"], ["migrate", "-v", "0"]):
        done = _manage(*command, env=env)
        assert done.returncode == 0, done.stderr
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/healthz").raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


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
