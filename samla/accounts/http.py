from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

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


def safe_next(request: HttpRequest, target: str, default: str) -> str:
    """``target`` (a ``next`` the user sent) if it is a path in Samla, else ``default``.

    A path: it starts with one "/", has no control characters and stays on this host. Anything
    else is refused, not only outside addresses: ``redirect()`` takes a string without "/" or "."
    for the name of a view, so "abc" or "-1" would fail there with ``NoReverseMatch``."""
    if (
        target.startswith("/")
        and not target.startswith("//")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
