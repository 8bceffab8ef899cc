"""The product's URLs and the benchmark's floors (``bench/pages.py``)."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.people.models import Participant

_FLOOR = engines["django"].from_string(
    "<!doctype html><title>Golv</title><p>{{ participant.first_name }} {{ participant.last_name }}"
)
_BARE_PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}Golv{% endblock %}'
    "{% block content %}<p>{{ participant.first_name }} {{ participant.last_name }}{% endblock %}"
)


def _one(pk: int) -> Participant | None:
    return Participant.objects.filter(pk=pk).only("first_name", "last_name").first()  # noqa: TID251 -- the floor, not a page


@login_required
def floor(request: HttpRequest, pk: int) -> HttpResponse:
    """What any page costs at least: the same middleware (session, login, audit context), one
    query by primary key, a minimal template."""
    return HttpResponse(_FLOOR.render({"participant": _one(pk)}, request))


@login_required
def bare_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The floor as a page of Samla's: the same query in the site's layout (the header, the
    menu from the user's roles) with the one audit row that any read of a person writes. What a
    page costs before it shows anything of its own."""
    with transaction.atomic():
        participant = _one(pk)
        record(actor=request.user, action=AuditEvent.Action.VIEW, summary="Golv")
    return HttpResponse(_BARE_PAGE.render({"participant": participant}, request))


urlpatterns = [
    path("bench/golv/<int:pk>/", floor),
    path("bench/tom-sida/<int:pk>/", bare_page),
    path("", include("config.urls")),
]
