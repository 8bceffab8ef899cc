"""Links in notices, calendar files and survey invitations: Samla's own paths made absolute, for a
mail client. The site's address is one setting, ``SAMLA_BASE_URL``; a mail never takes it from
the request that happened to cause it (that host may be an internal name, or anyone's Host
header). ``check_base_url`` stops a production start without it (registered in apps.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error


def absolute_url(path: str) -> str:
    return settings.SAMLA_BASE_URL.rstrip("/") + path


# Addresses that reach only the machine itself: a developer's, or the demo's (`make run`).
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def check_base_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Without DEBUG, every link in a mail must point at the site's real address over HTTPS, or
    at the machine itself (the default outside production: a link there reaches no one else)."""
    if settings.DEBUG:
        return []
    address = urlsplit(settings.SAMLA_BASE_URL or "")
    if address.scheme == "https" and address.netloc:
        return []
    if address.scheme == "http" and address.hostname in LOOPBACK_HOSTS:
        return []
    return [
        Error(
            "SAMLA_BASE_URL must be the site's https:// address when DEBUG is off "
            f"(it is {settings.SAMLA_BASE_URL!r}): every link in a notice points there.",
            hint="Set SAMLA_BASE_URL in the environment, e.g. https://samla.example.se",
            id="samla.E001",
        )
    ]
