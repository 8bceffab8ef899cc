"""Samla's own processes started by a test: gunicorn, a task worker, as production runs them
(test_serving.py, test_scale_out.py)."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def own_env(**extra: str) -> dict[str, str]:
    """The environment of a process of its own, with none of the test run's settings (the
    browser tests' DJANGO_ALLOW_ASYNC_UNSAFE, a test database's URL)."""
    left_out = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in left_out}
    return env | {"DJANGO_SETTINGS_MODULE": "config.settings"} | extra


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def migrated_sqlite(path: Path, env: dict[str, str]) -> None:
    """A migrated SQLite database at ``path``, for a process of its own. On SQLite, a copy of the
    test run's database, migrated when the run began (``manage.py backup``: milliseconds, where
    ``migrate`` takes half a minute of a busy machine's time); on another database, ``migrate``
    in ``env``. The caller has the test database open (``django_db_blocker.unblock()``)."""
    if connection.vendor == "sqlite":
        call_command("backup", str(path), stdout=io.StringIO())
        return
    done = manage("migrate", "-v", "0", env=env)
    assert done.returncode == 0, done.stderr


def start_gunicorn(env: dict[str, str], log: Path | None = None) -> subprocess.Popen[bytes]:
    """gunicorn with Samla's own configuration (config/gunicorn.py), bound to env's SAMLA_BIND."""
    output = log.open("wb") if log is not None else subprocess.DEVNULL
    return subprocess.Popen(
        [str(GUNICORN), "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )


def wait_until_up(url: str, *processes: subprocess.Popen[bytes], seconds: float = 180) -> None:
    """Until ``url``/healthz answers 200; fails if a process ends first or time runs out. A
    busy two-core machine may take a minute to load Django in a new server's first request."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(f"{url}/healthz", timeout=60).raise_for_status()
            return
        except httpx.HTTPError:
            ended = [p.args for p in processes if p.poll() is not None]
            if ended or time.monotonic() > deadline:
                raise AssertionError(f"{url} did not come up; ended: {ended}") from None
            time.sleep(0.2)


def stop(*processes: subprocess.Popen[bytes]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
