"""Structured logs: one JSON object per line, each with the id of the request being served.

``config/settings.py`` (``LOGGING``) puts ``RequestIdFilter`` and ``JsonFormatter`` on Samla's
console handler, and ``config/gunicorn.py`` the formatter on gunicorn's own logs, so that a line
from a view, from Django and from the access log of one request share its ``request_id`` (the
``X-Request-ID`` that ``samla.audit.middleware`` sets, and that the audit events carry too).

A line holds what operations need and nothing about people: the time, the level, the logger, the
message, the request id; for an exception its type and where it was raised, never its text (a
database error quotes the values that broke a constraint); for gunicorn's access log the method,
the path without its query string (a search may be a name or a personnummer), the status, the
size and the time taken.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from samla.audit.middleware import REQUEST_ID_META, current_request_id

# The access log's fields, from gunicorn's atoms (the dict a gunicorn.access record carries).
_ACCESS_FIELDS = {
    "method": "m",
    "path": "U",
    "status": "s",
    "bytes": "b",
    "duration_ms": "M",
    "request_id": "{x-request-id}o",
}


class RequestIdFilter(logging.Filter):
    """Gives every record ``request_id``: the request being served, or "" outside one.

    Django logs a response with an error status after the middleware has let go of the id, so
    a record that carries the request (``django.request``) is given the id kept on it."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = current_request_id()
        if not request_id:
            request = getattr(record, "request", None)
            meta = getattr(request, "META", None)
            if isinstance(meta, Mapping):
                request_id = str(meta.get(REQUEST_ID_META, ""))
        record.request_id = request_id
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (see the module's docstring for what it holds)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        atoms = record.args
        if record.name == "gunicorn.access" and isinstance(atoms, Mapping):
            access = {field: atoms.get(atom, "-") for field, atom in _ACCESS_FIELDS.items()}
            line["message"] = f"{access['method']} {access['path']} {access['status']}"
            line |= access
        else:
            line["message"] = record.getMessage()
            line["request_id"] = getattr(record, "request_id", "") or current_request_id()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            line["exception"] = type(error).__qualname__
            line["stack"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}"
                for frame in traceback.extract_tb(error.__traceback__)
            ]
        return json.dumps(line, ensure_ascii=False, default=str)
