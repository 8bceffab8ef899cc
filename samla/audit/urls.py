"""Log review pages come here (loggkontroll); none yet."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "audit"

urlpatterns: list[URLPattern | URLResolver] = []
