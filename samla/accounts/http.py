from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from samla.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request behind LoginRequiredMiddleware: the user is a signed-in Samla user."""

    user: User


def client_address(request: HttpRequest) -> str:
    """The visitor's address. Behind ``SAMLA_TRUSTED_PROXIES`` reverse proxies, each appending
    the address it saw to X-Forwarded-For, it is the entry the outermost proxy wrote (counted from
    the right, so that a client cannot choose it by sending the header itself)."""
    proxies: int = settings.SAMLA_TRUSTED_PROXIES
    if proxies > 0:
        header: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    address: str = request.META.get("REMOTE_ADDR", "")
    return address


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (it asks for a part of a page, not the whole)."""
    return request.headers.get("HX-Request") == "true"
