"""Site-wide response headers that Django 5.2 does not set itself."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from samla.accounts import eid


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy (no inline script or style) and a Permissions-Policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


def content_security_policy() -> str:
    """``SAMLA_CSP`` with the e-ID providers' origins allowed as form targets: a decision signed
    with e-ID in Min Samla is a form posted to Samla that redirects to the provider, and browsers
    hold that redirect to the page's ``form-action``."""
    issuers = [urlsplit(provider.issuer) for provider in eid.providers()]
    origins = sorted({f"{url.scheme}://{url.netloc}" for url in issuers if url.netloc})
    policy: str = settings.SAMLA_CSP
    if not origins:
        return policy
    return policy.replace("form-action 'self'", " ".join(["form-action 'self'", *origins]), 1)


class LanguageMiddleware:
    """Swedish unless the user has chosen English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; Samla's users work in
    Swedish whatever their browser says, so only the explicit choice (the cookie) counts.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # The thread serves other requests and tasks next; they start in Swedish again.
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response
