"""While the database cannot be reached: a calm 503 with Retry-After, never a traceback; and
DEBUG stays off unless someone asks for it.

The outage is real: the default connection is swapped for one to a server that is not there (a
PostgreSQL port nobody listens on, an SQLite file in a folder that does not exist), and the
driver's own attempt to connect fails. Nothing in Samla or Django is mocked.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.db import OperationalError, connections
from django.db.utils import load_backend
from django.test import Client, RequestFactory

from samla.people.tests.cast import Cast, sign_in
from samla.web.outage import server_error

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

# A refused connection is the driver's own: run on PostgreSQL too (ADR 0009).
pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[3]
CALM = "Samla är inte tillgängligt just nu"


@contextmanager
def database_down() -> Iterator[None]:
    """The default database, inside the block, on a server that is not there."""
    live = connections["default"]
    settings_dict = dict(live.settings_dict)
    if live.vendor == "postgresql":
        settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    else:
        folder = Path(tempfile.gettempdir()) / f"samla-gone-{uuid.uuid4().hex}"
        settings_dict["NAME"] = str(folder / "samla.sqlite3")
    dead = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    connections["default"] = dead
    try:
        with pytest.raises(OperationalError):
            dead.ensure_connection()  # the outage is real before the test relies on it
        yield
    finally:
        dead.close()
        connections["default"] = live


def closed_port() -> int:
    """A port on this machine that nothing listens on (the kernel's free one, released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def assert_calm_503(response: _MonkeyPatchedWSGIResponse) -> None:
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert CALM in body
    assert "försök igen om en liten stund" in body
    assert "Traceback" not in body and "OperationalError" not in body


@pytest.fixture
def browser_client() -> Client:
    """A client that gets the page a browser would, not the exception behind it."""
    return Client(raise_request_exception=False)


def test_a_signed_in_page_answers_503_while_the_database_is_down(
    cast: Cast, browser_client: Client
) -> None:
    """The session is the first thing read, before any view."""
    sign_in(browser_client, cast.kim)
    with database_down():
        response = browser_client.get("/deltagare/")
    assert_calm_503(response)
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_a_page_open_without_login_answers_503_while_the_database_is_down(
    db: None, browser_client: Client
) -> None:
    """No session: the first query is the view's own, a survey round found by its link."""
    with database_down():
        response = browser_client.get("/enkat/en-lank-till-en-enkat/")
    assert_calm_503(response)


def test_the_page_is_in_english_for_whoever_chose_english(db: None, browser_client: Client) -> None:
    browser_client.post("/i18n/setlang/", {"language": "en", "next": "/konto/logga-in/"})
    with database_down():
        response = browser_client.get("/enkat/en-lank-till-en-enkat/")
    assert response.status_code == 503
    assert '<html lang="en">' in response.content.decode()


def test_any_other_error_is_still_the_plain_500_page(rf: RequestFactory) -> None:
    try:
        raise RuntimeError("a bug, not an outage")
    except RuntimeError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()
    assert "Retry-After" not in response


def test_healthz_answers_503_while_the_database_is_down(db: None, client: Client) -> None:
    """The load balancer's question, without a session; the view answers it itself."""
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_the_pages_answer_again_when_the_database_is_back(
    cast: Cast, browser_client: Client
) -> None:
    sign_in(browser_client, cast.kim)
    with database_down():
        assert browser_client.get("/deltagare/").status_code == 503
    assert browser_client.get("/deltagare/").status_code == 200
    assert browser_client.get("/healthz").status_code == 200


def debug_setting(**env: str) -> str:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SAMLA_", "SECRET_KEY", "DEBUG", "DATABASE_URL"))
    }
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.DEBUG)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_debug_is_off_unless_asked_for() -> None:
    assert debug_setting() == "False"
    assert debug_setting(SAMLA_DEMO="1") == "False"
    assert debug_setting(DEBUG="1") == "True"
