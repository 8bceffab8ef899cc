from __future__ import annotations

import re

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from samla.audit.middleware import RequestIdMiddleware, current_request_id
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.audit.tests.conftest import StubActor


def serve(headers: dict[str, str] | None = None, view=None) -> tuple[HttpResponse, list[str]]:
    """Run one request through the middleware; return the response and the id the view saw."""
    seen: list[str] = []

    def default_view(request: HttpRequest) -> HttpResponse:
        seen.append(current_request_id())
        return HttpResponse("ok")

    request = RequestFactory().get("/", headers=headers or {})
    response = RequestIdMiddleware(view or default_view)(request)
    return response, seen


def test_each_request_gets_a_new_id_that_is_echoed() -> None:
    first, seen_first = serve()
    second, seen_second = serve()

    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert seen_first == [first["X-Request-ID"]]
    assert seen_second == [second["X-Request-ID"]]
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_id_is_cleared_after_the_request() -> None:
    serve()

    assert current_request_id() == ""


def test_the_id_is_cleared_even_when_the_view_fails() -> None:
    def failing_view(request: HttpRequest) -> HttpResponse:
        raise RuntimeError

    with pytest.raises(RuntimeError):
        serve(view=failing_view)

    assert current_request_id() == ""


def test_a_safe_incoming_id_is_kept() -> None:
    response, seen = serve({"X-Request-ID": "lb-7f3a9c2e.01"})

    assert response["X-Request-ID"] == "lb-7f3a9c2e.01"
    assert seen == ["lb-7f3a9c2e.01"]


@pytest.mark.parametrize(
    "incoming",
    ["short", "x" * 65, "abc def ghi", "abcdefgh\r\nX-Evil: 1", "<script>alert(1)</script>"],
    ids=["too_short", "too_long", "space", "header_injection", "markup"],
)
def test_an_unsafe_incoming_id_is_replaced(incoming: str) -> None:
    response, seen = serve({"X-Request-ID": incoming})

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert seen == [response["X-Request-ID"]]


@pytest.mark.django_db
def test_events_recorded_during_a_request_carry_its_id(alice: StubActor) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        record(actor=alice, action=AuditEvent.Action.VIEW, participant_id=5)
        return HttpResponse("ok")

    response, _ = serve(view=view)

    assert AuditEvent.objects.get().request_id == response["X-Request-ID"]
