"""Structured logs (issue 17 item 7, samla/web/logs.py): a line logged while a request is served
is one JSON object carrying that request's id, the id Samla answers with in X-Request-ID;
exceptions keep their type and place but not their text; gunicorn's access line keeps the id and
drops the query string."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import Client
from gunicorn.glogging import SafeAtoms  # type: ignore[import-untyped]

from samla.audit.middleware import REQUEST_ID_META
from samla.people.tests.cast import Cast, sign_in
from samla.web.logs import JsonFormatter, RequestIdFilter

Lines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def log_lines() -> Iterator[Lines]:
    """What Samla's console handler (config/settings.py LOGGING) writes, as production writes it."""
    [console] = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    assert isinstance(console, logging.StreamHandler)
    stream = io.StringIO()
    formatter = console.formatter
    previous = console.setStream(stream)
    console.setFormatter(JsonFormatter())
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        console.setStream(previous)
        console.setFormatter(formatter)


@pytest.mark.django_db
def test_a_line_logged_while_serving_a_request_carries_its_id(
    client: Client, cast: Cast, log_lines: Lines
) -> None:
    sign_in(client, cast.kim)

    response = client.get("/personer/999999999/?q=19850101-1234")

    assert response.status_code == 404
    [line] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert line["request_id"] == response["X-Request-ID"] != ""
    assert line["level"] == "WARNING"
    assert line["message"] == "Not Found: /personer/999999999/"
    assert set(line) == {"time", "level", "logger", "message", "request_id"}


@pytest.mark.django_db
def test_a_refused_form_post_is_logged_with_the_request_id(cast: Cast, log_lines: Lines) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/konto/logga-in/", {"username": "kim"})

    assert response.status_code == 403
    [line] = [line for line in log_lines() if line["logger"] == "django.security.csrf"]
    assert line["request_id"] == response["X-Request-ID"] != ""


def test_a_record_logged_after_the_middleware_takes_the_id_kept_on_the_request() -> None:
    request = HttpRequest()
    request.META[REQUEST_ID_META] = "abc123def456"
    record = logging.LogRecord("django.request", logging.WARNING, "", 0, "Gone", (), None)
    record.request = request

    assert RequestIdFilter().filter(record)

    assert json.loads(JsonFormatter().format(record))["request_id"] == "abc123def456"


def test_an_exception_keeps_its_type_and_place_but_not_its_text() -> None:
    try:
        raise ValueError("Key (id_number)=(198501011234) already exists.")
    except ValueError:
        record = logging.LogRecord("samla", logging.ERROR, "", 0, "Failed", (), None)
        record.exc_info = sys.exc_info()

    line = json.loads(JsonFormatter().format(record))

    assert line["exception"] == "ValueError"
    assert line["stack"][0].endswith(
        "in test_an_exception_keeps_its_type_and_place_but_not_its_text"
    )
    assert "198501011234" not in json.dumps(line)


def test_gunicorns_access_line_keeps_the_request_id_and_drops_the_query() -> None:
    atoms = SafeAtoms(
        {
            "h": "10.0.0.7",
            "m": "GET",
            "U": "/personer/",
            "q": "q=Pia+Persson",
            "s": "200",
            "b": "5120",
            "M": 12,
            "{x-request-id}o": "0123456789abcdef",
        }
    )
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, "", 0, "%(h)s %(U)s?%(q)s", None, None
    )
    record.args = atoms

    line = json.loads(JsonFormatter().format(record))

    assert line["request_id"] == "0123456789abcdef"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/personer/", "200")
    assert line["message"] == "GET /personer/ 200"
    assert "Pia" not in json.dumps(line) and "10.0.0.7" not in json.dumps(line)
