"""When the database cannot be reached: a calm 503 page and ``Retry-After``, never a 500.

A lost or refused connection (``OperationalError``, ``InterfaceError``; on PostgreSQL also a
deadlock, or a statement cancelled for taking too long) passes if one tries again in a while, so
the answer says so. The page is rendered without the request: no session, no user, no menu, so
nothing on it needs the database that just failed.

It is Django's ``handler500`` (config/urls.py), not a middleware: Django turns an exception into a
response inside every middleware it passes, so a middleware sees only what fails in the view,
while an outage first shows where the session is read (by the middlewares, before the view, and
by SessionMiddleware once more on the way out). Every uncaught exception, wherever it happens,
reaches ``handler500``. With ``DEBUG`` on, Django shows its own page instead, as it does for
every error.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults

DATABASE_LOST = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: Django calls it while it handles the uncaught exception."""
    if not isinstance(sys.exc_info()[1], DATABASE_LOST):
        return defaults.server_error(request)
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
