"""The demo's logins on the login page, in demo mode only.

A context processor (config/settings.py lists it) rather than an import in the login view: the
accounts app sits below the demo and knows nothing of it (docs/architecture.md).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from samla.demo import logins


def demo_logins(request: HttpRequest) -> dict[str, list[tuple[str, str, str]] | list[str]]:
    """The staff's logins (for the staff's login page) and the people who log in to Min Samla."""
    if not settings.SAMLA_DEMO:
        return {}
    return {"demo_logins": logins.demo_logins(), "demo_people": logins.demo_people()}
