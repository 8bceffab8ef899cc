"""e-ID through OpenID Connect (ADR 0014): the configured providers, the Authlib client of each,
and Samla's own rules on what a provider says about the person.

Authlib does the protocol: the authorize redirect with PKCE S256, ``state`` and ``nonce``; the
code exchange (private_key_jwt or a client secret); the ID token's signature (the provider's
JWKS), issuer, audience, expiry and nonce. ``identify`` then checks what Authlib knows nothing of:
the assurance level, and exactly one identity number (or, for SITHS, an HSA-id). ``sub`` never
identifies anyone.
"""

from __future__ import annotations

import enum
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from samla import idnumbers

PERSONAL_NUMBER = "https://id.oidc.se/claim/personalIdentityNumber"
COORDINATION_NUMBER = "https://id.oidc.se/claim/coordinationNumber"
NUMBER_SCOPE = "https://id.oidc.se/scope/naturalPersonNumber"
HSA_ID = "employeeHsaId"
# Sweden Connect's assurance levels, lowest first: a citizen provider's minimum and every level
# above it are accepted. Any other value (an eIDAS level) must equal the minimum exactly, and
# so must SITHS levels: the Inera IdP compares exactly.
CITIZEN_LEVELS = [f"http://id.elegnamnden.se/loa/1.0/loa{n}" for n in (1, 2, 3, 4)]
CITIZEN = "citizen"
SITHS = "siths"


@dataclass(frozen=True)
class Provider:
    """One provider of ``settings.SAMLA_OIDC_PROVIDERS``."""

    name: str
    issuer: str
    client_id: str
    client_secret: str
    private_key_file: str
    kind: str
    min_acr: str
    label: str

    @property
    def scope(self) -> str:
        return f"openid {NUMBER_SCOPE}" if self.kind == CITIZEN else "openid"


def providers() -> list[Provider]:
    return [Provider(name=name, **values) for name, values in settings.SAMLA_OIDC_PROVIDERS.items()]


def get_provider(name: str) -> Provider | None:
    return next((p for p in providers() if p.name == name), None)


class Reason(enum.Enum):
    """Why a login with e-ID was refused: what the person is told, and what the log says."""

    PROTOCOL = "protocol"
    CANCELLED = "cancelled"
    LEVEL = "level"
    BOTH_NUMBERS = "both_numbers"
    NO_NUMBER = "no_number"
    UNKNOWN = "unknown"
    INACTIVE = "inactive"
    NOT_A_PARTICIPANT = "not_a_participant"

    @property
    def message(self) -> str:
        return str(_MESSAGES[self])


_MESSAGES = {
    Reason.PROTOCOL: _(
        "Inloggningen med e-legitimation gick inte att slutföra, och du är inte inloggad. "
        "Börja om från inloggningssidan."
    ),
    Reason.CANCELLED: _("Inloggningen med e-legitimation avbröts. Du är inte inloggad."),
    Reason.LEVEL: _(
        "Din e-legitimation har för låg tillitsnivå för Samla. Logga in med en e-legitimation "
        "på tillitsnivå 3 eller högre, till exempel BankID eller Freja+."
    ),
    Reason.BOTH_NUMBERS: _(
        "Legitimeringstjänsten skickade både personnummer och samordningsnummer. Samla kan "
        "då inte veta vem du är, och du är inte inloggad."
    ),
    Reason.NO_NUMBER: _(
        "Legitimeringstjänsten skickade inget giltigt personnummer, samordningsnummer eller "
        "HSA-id. Samla kan då inte veta vem du är, och du är inte inloggad."
    ),
    Reason.UNKNOWN: _(
        "Det finns inget konto i Samla för den du legitimerade dig som. Be din "
        "organisationsadministratör att lägga in ditt personnummer eller HSA-id på ditt konto."
    ),
    Reason.INACTIVE: _(
        "Ditt konto i Samla är inaktiverat. Kontakta din organisationsadministratör."
    ),
    Reason.NOT_A_PARTICIPANT: _(
        "Samla har inga uppgifter om dig. Om du har en koordinator kan du fråga hen om "
        "du är registrerad."
    ),
}


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in, after every check: a number or an HSA-id."""

    provider: Provider
    acr: str
    sub: str
    number: idnumbers.IdNumber | None = None
    hsa_id: str = ""

    def masked(self) -> str:
        """For the access log: the birth date of a number, never the number itself."""
        if self.number is not None:
            return f"{self.number.kind.value} {self.number.value[:8]}-****"
        return f"HSA-id {self.hsa_id}"


class Refused(Exception):
    def __init__(self, reason: Reason, detail: str = "", identity: Identity | None = None):
        super().__init__(detail or reason.value)
        self.reason = reason
        self.detail = detail
        self.identity = identity


@functools.cache
def _client(provider: Provider) -> Any:
    """Authlib's client for the provider, once per configuration: it keeps the discovery
    document and the provider's keys."""
    options: dict[str, Any] = {
        "name": provider.name,
        "client_id": provider.client_id,
        "server_metadata_url": f"{provider.issuer}/.well-known/openid-configuration",
        "client_kwargs": {"scope": provider.scope, "code_challenge_method": "S256"},
    }
    if provider.private_key_file:
        options["client_secret"] = _private_key(Path(provider.private_key_file))
        options["client_auth_methods"] = [PrivateKeyJWT()]
        method = "private_key_jwt"
        options["client_kwargs"]["token_endpoint_auth_method"] = method
    else:
        options["client_secret"] = provider.client_secret
    return OAuth().register(**options)


def _private_key(path: Path) -> RSAKey:
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        return RSAKey.import_key(json.loads(text))
    return RSAKey.import_key(text)


def authorize_redirect(
    request: HttpRequest, provider: Provider, redirect_uri: str, **params: str
) -> HttpResponse:
    """To the provider. Authlib keeps state, nonce and the PKCE verifier in the session.
    ``params`` go into the authorization request too (``prompt="login"`` for a signature)."""
    response: HttpResponse = _client(provider).authorize_redirect(
        request, redirect_uri, acr_values=provider.min_acr, **params
    )
    return response


def verified_identity(request: HttpRequest, provider: Provider) -> Identity:
    """The provider's answer at the callback, checked by Authlib, then by ``identify``."""
    if request.GET.get("error") == "access_denied":
        raise Refused(Reason.CANCELLED, "avbruten hos legitimeringstjänsten")
    try:
        token = _client(provider).authorize_access_token(request)
    except (AuthlibBaseError, JoseError, requests.RequestException, ValueError) as error:
        raise Refused(Reason.PROTOCOL, f"{type(error).__name__}: {error}"[:200]) from error
    claims = token.get("userinfo")
    if not claims:
        raise Refused(Reason.PROTOCOL, "inget id_token")
    return identify(dict(claims), provider)


def _level_ok(acr: str, provider: Provider) -> bool:
    if provider.kind == CITIZEN and provider.min_acr in CITIZEN_LEVELS and acr in CITIZEN_LEVELS:
        return CITIZEN_LEVELS.index(acr) >= CITIZEN_LEVELS.index(provider.min_acr)
    return acr == provider.min_acr


def identify(claims: dict[str, Any], provider: Provider) -> Identity:
    """Samla's rules on claims whose token Authlib has checked."""
    acr, sub = str(claims.get("acr") or ""), str(claims.get("sub") or "")
    if not _level_ok(acr, provider):
        raise Refused(Reason.LEVEL, f"tillitsnivå {acr or 'saknas'}")
    if provider.kind == SITHS:
        hsa_id = claims.get(HSA_ID)
        if not isinstance(hsa_id, str) or not hsa_id.strip():
            raise Refused(Reason.NO_NUMBER, "inget HSA-id")
        return Identity(provider=provider, acr=acr, sub=sub, hsa_id=hsa_id.strip().upper())
    personal, coordination = claims.get(PERSONAL_NUMBER), claims.get(COORDINATION_NUMBER)
    if personal and coordination:
        raise Refused(Reason.BOTH_NUMBERS, "både personnummer och samordningsnummer")
    expected = (
        idnumbers.IdNumberKind.PERSONNUMMER
        if personal
        else idnumbers.IdNumberKind.SAMORDNINGSNUMMER
    )
    value = personal or coordination
    if not isinstance(value, str) or len(value) != 12 or not value.isdigit():
        raise Refused(Reason.NO_NUMBER, "inget nummer med tolv siffror")
    try:
        number = idnumbers.parse(value)
    except idnumbers.InvalidIdNumber as error:
        raise Refused(Reason.NO_NUMBER, f"ogiltigt nummer ({error.code})") from error
    if number.kind is not expected:
        raise Refused(Reason.NO_NUMBER, f"{number.kind.value} i fel claim")
    return Identity(provider=provider, acr=acr, sub=sub, number=number)
