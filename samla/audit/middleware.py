"""A request id, so every audit event and log line of one request can be tied together.

The id lives in a context variable rather than on the request, so ``record()`` can read it
without every caller passing the request down.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# The id kept on the request too, for what runs after the middleware has let go of it: Django's
# log line about a response with an error status (samla.web.logs.RequestIdFilter).
REQUEST_ID_META = "samla.request_id"
# An id from a proxy is kept only if it is a short, plain token: it ends up in the log and in
# log files, where anything else could forge lines or fill columns.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

_request_id: ContextVar[str] = ContextVar("samla_audit_request_id", default="")


def current_request_id() -> str:
    """The id of the request being served, or "" outside a request (commands, tasks)."""
    return _request_id.get()


def _incoming_id(request: HttpRequest) -> str | None:
    value = request.headers.get(HEADER, "")
    return value if _SAFE_REQUEST_ID.fullmatch(value) else None


class RequestIdMiddleware:
    """Sets the request id for the request and echoes it in the ``X-Request-ID`` header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = _incoming_id(request) or uuid.uuid4().hex
        request.META[REQUEST_ID_META] = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            # Threads are reused between requests: never let one request's id leak to the next.
            _request_id.reset(token)
        response[HEADER] = request_id
        return response
