"""Links in notices and calendar files: Samla's own paths made absolute, for a mail client."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    return settings.SAMLA_BASE_URL.rstrip("/") + path
