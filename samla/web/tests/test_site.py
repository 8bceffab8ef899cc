"""Settings, security headers, health check and the language switch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client

from samla.people.tests.cast import Cast, sign_in

ROOT = Path(__file__).resolve().parents[3]


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("SAMLA_", "SECRET_KEY", "DEBUG"))
    }
    script = (
        "import config.settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.DEBUG)"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = load_settings(SAMLA_ENV="production", SAMLA_AUDIT_KEY="k")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_with_debug_on() -> None:
    result = load_settings(
        SAMLA_ENV="production", SECRET_KEY="s" * 50, DEBUG="1", SAMLA_AUDIT_KEY="k"
    )
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_refuses_the_demo_mode() -> None:
    result = load_settings(
        SAMLA_ENV="production", SECRET_KEY="s" * 50, SAMLA_AUDIT_KEY="k", SAMLA_DEMO="1"
    )
    assert result.returncode != 0


@pytest.mark.parametrize("address", [None, "http://samla.example.se"])
def test_production_refuses_to_start_without_the_site_s_https_address(
    address: str | None,
) -> None:
    env = {"SAMLA_ENV": "production", "SECRET_KEY": "s" * 50, "SAMLA_AUDIT_KEY": "k"}
    if address is not None:
        env["SAMLA_BASE_URL"] = address
    result = load_settings(**env)
    assert result.returncode != 0
    assert "SAMLA_BASE_URL must be set" in result.stderr


def test_production_turns_on_hsts_and_secure_cookies() -> None:
    result = load_settings(
        SAMLA_ENV="production",
        SECRET_KEY="s" * 50,
        SAMLA_AUDIT_KEY="k",
        SAMLA_BASE_URL="https://samla.example.se",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "False"]


def test_healthz_answers_without_login_when_the_database_answers(db: None, client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(
    db: None, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Unreachable:
        def cursor(self) -> None:
            raise OperationalError("could not connect to server")

    # Only the health view's handle on the database fails; the test database stays usable.
    monkeypatch.setattr("samla.web.views.connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503


def test_every_page_carries_the_security_headers(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_anonymous_visitors_are_sent_to_login(db: None, client: Client) -> None:
    response = client.get("/deltagare/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logga-in/")


def test_swedish_by_default_whatever_the_browser_asks(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="sv">' in response.content.decode()
    assert "Välkommen, Kim" in response.content.decode()


def test_english_before_logging_in(db: None, client: Client) -> None:
    """The login page and a survey's answering pages are open, and so is choosing a language."""
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/konto/logga-in/"})
    assert response.status_code == 302
    assert response["Location"] == "/konto/logga-in/"
    body = client.get("/konto/logga-in/").content.decode()
    assert '<html lang="en">' in body
    assert "<h1>Log in</h1>" in body
    assert "På svenska</button>" in body


def test_english_when_the_user_chooses_it(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "Welcome, Kim" in body
    assert "My participants" in body
