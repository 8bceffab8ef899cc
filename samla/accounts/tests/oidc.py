"""The test harness's OpenID provider: samla/demo/oidc_provider.py as a real process on a free
port of 127.0.0.1, one per test session (per xdist worker), and a login driven through it with
Django's test client on Samla's side and plain HTTP on the provider's (ADR 0014). No HTTP mocked.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]
PERSONAL_NUMBER = "https://id.oidc.se/claim/personalIdentityNumber"
COORDINATION_NUMBER = "https://id.oidc.se/claim/coordinationNumber"
LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
LOA2 = "http://id.elegnamnden.se/loa/1.0/loa2"
SITHS_LOA3 = "http://id.sambi.se/loa/loa3"
SITHS_CLIENT = "samla-siths"


@dataclass(frozen=True)
class RunningProvider:
    url: str
    key_file: Path

    def set_user(self, sub: str, claims: dict[str, Any]) -> None:
        httpx.put(f"{self.url}/users/{quote(sub, safe='')}", json=claims).raise_for_status()

    def set_faults(self, **faults: object) -> None:
        httpx.put(f"{self.url}/_test/faults", json=faults).raise_for_status()

    def settings(self) -> dict[str, dict[str, str]]:
        """Two providers on the one process: a citizen e-ID with private_key_jwt, and SITHS with
        a client secret."""
        common = {"issuer": self.url, "private_key_file": "", "client_secret": "", "label": ""}
        return {
            "eid": common
            | {
                "client_id": "samla",
                "private_key_file": str(self.key_file),
                "kind": "citizen",
                "min_acr": LOA3,
            },
            "siths": common
            | {
                "client_id": SITHS_CLIENT,
                "client_secret": "hemligt",
                "kind": "siths",
                "min_acr": SITHS_LOA3,
            },
        }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    port = _free_port()
    key_file = tmp_path_factory.mktemp("oidc") / "samla.jwk"
    command = [sys.executable, "-m", "samla.demo.oidc_provider", "--port", str(port)]
    command += ["--client-key", str(key_file), "--faults", "--demo-users"]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/.well-known/openid-configuration").raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        yield RunningProvider(url=url, key_file=key_file)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def eid(settings: Any, oidc_provider: RunningProvider) -> Iterator[RunningProvider]:
    """The two providers configured for the test, the provider's faults off again after it."""
    settings.SAMLA_OIDC_PROVIDERS = oidc_provider.settings()
    yield oidc_provider
    oidc_provider.set_faults(wrong_key=False, code_ttl=60)


def start(client: Client, provider: str, **query: str) -> str:
    """Samla's start of a login: the address of the provider's form it sends the browser to."""
    response = client.get(f"/konto/e-legitimation/{provider}/", query)
    assert response.status_code == 302, response.status_code
    location: str = response["Location"]
    return location


def choose(authorize_url: str, sub: str) -> dict[str, str]:
    """The person chooses who they are on the provider's form: the callback's parameters."""
    answer = httpx.post(authorize_url, data={"sub": sub})
    assert answer.status_code == 302, answer.text
    return {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["location"]).query).items()}


def callback(client: Client, provider: str, params: dict[str, str]):
    return client.get(f"/konto/e-legitimation/{provider}/svar/", params)


def log_in(client: Client, op: RunningProvider, provider: str, sub: str, claims: dict[str, Any]):
    """The whole round: claims set for ``sub``, Samla to the provider, the form, the callback."""
    op.set_user(sub, claims)
    return callback(client, provider, choose(start(client, provider), sub))
