"""An OpenID provider for the demo and the tests, run as its own process on 127.0.0.1 (ADR 0014).

    python -m samla.demo.oidc_provider --port 9400 --client-id samla --client-key /tmp/samla.jwk

oidc-provider-mock (a development dependency) is the provider: discovery, JWKS, a form at its
authorize endpoint where one chooses who one is (``sub`` and claims, or one of the demo staff
with ``--demo-users``), signed ID tokens. ``PUT /users/<sub>`` with a JSON body sets a user's
claims beforehand. This wrapper adds what the Swedish OIDC profile requires and the mock lacks:

- PKCE: an authorize request without ``code_challenge_method=S256`` is refused, and the token
  endpoint checks the verifier against the challenge;
- a code lives ``--code-ttl`` seconds (60);
- private_key_jwt: a client assertion is checked against the client's public key (``--client-key``
  holds the private key Samla signs with; written there, new, if the file does not exist); other
  clients authenticate with any secret, as the mock allows;
- with ``--faults``, ``PUT /_test/faults {"wrong_key": true, "code_ttl": 0}`` makes ID tokens
  signed with a key the provider does not publish, or codes that have expired: for the tests.

Only for 127.0.0.1: never a provider for real people. Its packages are development
dependencies: nothing in Samla imports this module; it runs as a program.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import oidc_provider_mock
import uvicorn
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from samla.demo.logins import DEMO_PEOPLE, DEMO_USERS, identity_number, person_number

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
PERSONAL_NUMBER = "https://id.oidc.se/claim/personalIdentityNumber"
LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]


@dataclass
class Faults:
    wrong_key: bool = False
    code_ttl: float = 60.0


@dataclass
class SwedishProfile:
    """WSGI middleware around the mock's Flask app."""

    inner: WsgiApp
    client_keys: dict[str, Any]  # client id -> joserfc KeySet of its public key
    faults: Faults
    faults_switchable: bool = False
    codes: dict[str, tuple[str, float]] = field(default_factory=dict)  # code -> challenge, issued
    used_assertions: set[str] = field(default_factory=set)
    rogue_key: Any = None

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if path == "/_test/faults" and method == "PUT" and self.faults_switchable:
            changes = json.loads(_body(environ) or b"{}")
            self.faults = Faults(**{**self.faults.__dict__, **changes})
            start_response("204 No Content", [])
            return [b""]
        if path == "/oauth2/authorize":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            challenge = query.get("code_challenge", [""])[0]
            if query.get("code_challenge_method", [""])[0] != "S256" or not challenge:
                return _error(start_response, 400, "invalid_request", "PKCE S256 required")
            return self.inner(environ, self._keep_code(start_response, challenge))
        if path == "/oauth2/token" and method == "POST":
            return self._token(environ, start_response)
        return self.inner(environ, start_response)

    def _keep_code(self, start_response: StartResponse, challenge: str) -> StartResponse:
        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            location = {k.lower(): v for k, v in headers}.get("location", "")
            for code in parse_qs(urlparse(location).query).get("code", []):
                self.codes[code] = (challenge, time.time())
            return start_response(status, headers, exc_info)

        return keep

    def _token(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        form = {k: v[0] for k, v in parse_qs(_body(environ).decode()).items()}
        if form.get("grant_type") == "authorization_code":
            challenge, issued = self.codes.pop(form.get("code", ""), ("", 0.0))
            verifier = form.get("code_verifier", "").encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
            if time.time() - issued > self.faults.code_ttl or digest.decode() != challenge:
                return _error(start_response, 400, "invalid_grant", "bad code or code_verifier")
        if form.get("client_assertion_type") == ASSERTION_TYPE:
            try:
                form = self._private_key_jwt(environ, form)
            except (KeyError, ValueError) as error:
                return _error(start_response, 401, "invalid_client", str(error))
        body = urlencode(form).encode()
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
        return self._maybe_resign(environ, start_response)

    def _private_key_jwt(self, environ: Environ, form: dict[str, str]) -> dict[str, str]:
        assertion = form["client_assertion"]
        unverified = json.loads(jws.extract_compact(assertion.encode()).payload)
        client_id = form.get("client_id") or unverified["iss"]
        if client_id not in self.client_keys:
            raise ValueError(f"unknown client {client_id}")
        try:
            claims = jwt.decode(assertion, self.client_keys[client_id]).claims
        except JoseError as error:
            raise ValueError(f"assertion not signed by the client: {error}") from error
        token_url = f"http://{environ['HTTP_HOST']}/oauth2/token"
        audience = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if not claims["iss"] == claims["sub"] == client_id or token_url not in audience:
            raise ValueError("assertion for another client or endpoint")
        if claims["exp"] < time.time() or claims["jti"] in self.used_assertions:
            raise ValueError("assertion expired or used before")
        self.used_assertions.add(claims["jti"])
        kept = {k: v for k, v in form.items() if not k.startswith("client_assertion")}
        # The mock accepts any secret: the key has been checked here.
        return {**kept, "client_id": client_id, "client_secret": "checked-by-private-key-jwt"}

    def _maybe_resign(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        answer: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            answer.update(status=status, headers=headers)

        body = b"".join(self.inner(environ, capture))
        if self.faults.wrong_key and answer["status"].startswith("200"):
            data = json.loads(body)
            claims = json.loads(jws.extract_compact(data["id_token"].encode()).payload)
            data["id_token"] = jwt.encode({"alg": "RS256"}, claims, self.rogue_key)
            body = json.dumps(data).encode()
        headers = [(k, v) for k, v in answer["headers"] if k.lower() != "content-length"]
        start_response(answer["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]


def _body(environ: Environ) -> bytes:
    data: bytes = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    return data


def _error(start_response: StartResponse, status: int, error: str, description: str) -> list[bytes]:
    body = json.dumps({"error": error, "error_description": description}).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    start_response(f"{status} Error", headers)
    return [body]


def client_key(path: Path) -> Any:
    """The client's private key, as a JWK in ``path``; a new one is written if there is none."""
    if path.exists():
        return RSAKey.import_key(json.loads(path.read_text(encoding="utf-8")))
    key = RSAKey.generate_key(2048, parameters={"kid": "samla"}, private=True)
    path.write_text(json.dumps(key.as_dict(private=True)), encoding="utf-8")
    path.chmod(0o600)
    return key


def demo_users() -> list[Any]:
    """The demo's staff and the demo people of Min Samla, each a button on the provider's form,
    with their test personnummer."""
    staff = [
        oidc_provider_mock.User(
            sub=f"demo-{user.username}",
            claims={
                PERSONAL_NUMBER: identity_number(user),
                "acr": LOA3,
                "name": f"{user.first_name} {user.last_name}",
                "given_name": user.first_name,
                "family_name": user.last_name,
            },
        )
        for user in DEMO_USERS
    ]
    people = [
        oidc_provider_mock.User(
            sub=f"demo-person-{person.first_name.lower()}",
            claims={
                PERSONAL_NUMBER: person_number(person),
                "acr": LOA3,
                "name": f"{person.first_name} {person.last_name}",
                "given_name": person.first_name,
                "family_name": person.last_name,
            },
        )
        for person in DEMO_PEOPLE
    ]
    return [*staff, *people]


def build(
    *, client_id: str, key_file: Path, with_demo_users: bool, faults: bool, code_ttl: float
) -> SwedishProfile:
    public = KeySet([RSAKey.import_key(client_key(key_file).as_dict(private=False))])
    app = oidc_provider_mock.app(
        require_nonce=True,
        access_token_max_age=timedelta(minutes=5),
        user_claims=demo_users() if with_demo_users else (),
    )
    return SwedishProfile(
        inner=app,
        client_keys={client_id: public},
        faults=Faults(code_ttl=code_ttl),
        faults_switchable=faults,
        rogue_key=RSAKey.generate_key(2048),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=9400)
    parser.add_argument("--client-id", default="samla")
    parser.add_argument("--client-key", type=Path, required=True)
    parser.add_argument("--demo-users", action="store_true")
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--code-ttl", type=float, default=60.0)
    args = parser.parse_args(argv)
    # The provider's own http on 127.0.0.1; Samla itself never gets this variable.
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    app = build(
        client_id=args.client_id,
        key_file=args.client_key,
        with_demo_users=args.demo_users,
        faults=args.faults,
        code_ttl=args.code_ttl,
    )
    uvicorn.run(app, interface="wsgi", host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
