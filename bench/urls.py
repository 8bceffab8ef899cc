"""The product's URLs and the benchmark's floor (``bench/pages.py``)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from samla.people.models import Participant

_FLOOR = engines["django"].from_string(
    "<!doctype html><title>Golv</title><p>{{ participant.first_name }} {{ participant.last_name }}"
)


@login_required
def floor(request: HttpRequest, pk: int) -> HttpResponse:
    """What any page costs at least: the same middleware (session, login, audit context), one
    query by primary key, a minimal template."""
    participant = Participant.objects.filter(pk=pk).only("first_name", "last_name").first()  # noqa: TID251 -- the floor, not a page
    return HttpResponse(_FLOOR.render({"participant": participant}, request))


urlpatterns = [
    path("bench/golv/<int:pk>/", floor),
    path("", include("config.urls")),
]
