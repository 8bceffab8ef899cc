from __future__ import annotations

from django.http import HttpRequest

from samla.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request behind LoginRequiredMiddleware: the user is a signed-in Samla user."""

    user: User
