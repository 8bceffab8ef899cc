from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from samla.accounts.http import AuthedRequest
from samla.accounts.models import Role, User
from samla.meetings.access import awaiting_answer, requests_from_people
from samla.people.access import read_first, read_list, visible_participants
from samla.plans.worklists import worklist_for
from samla.referrals.access import PROVIDER_ROLE, incoming_referrals
from samla.referrals.models import Referral
from samla.stories.access import suggestions_waiting_for

# How many rows each panel of the start page shows: the most urgent, for a page read at a glance.
# Each panel fetches no more (one more where it says whether there are more), and a link leads to
# the whole list (the worklist page shows 50 at a time).
SHOWN = 10


@require_GET
def start(request: AuthedRequest) -> HttpResponse:
    """One start page, its parts chosen by the user's roles."""
    user = request.user
    my_participants = None
    if user.reaches_person_data:
        my_participants = read_list(
            user,
            visible_participants(user).newest_on_team_of(user)[:SHOWN],
            purpose="Startsidan",
        )
    new_referrals, more_referrals = None, False
    if user.is_activity_staff:
        new_referrals, more_referrals = _new_referrals(user)
    context = {
        "my_participants": my_participants,
        "new_referrals": new_referrals,
        "more_referrals": more_referrals,
        "shown": SHOWN,
        "worklist": worklist_for(user, purpose="Startsidan, arbetslista", shown=SHOWN)
        if user.reaches_person_data
        else None,
        "awaiting": awaiting_answer(user),
        "is_coordinator": user.has_role(Role.COORDINATOR),
        "is_association_staff": user.has_role(Role.ASSOCIATION_OFFICE, Role.BOARD_MEMBER),
        "is_org_admin": user.is_org_admin,
        "associations": user.associations,  # asked only for association staff
    }
    return render(request, "web/start.html", context)


@require_GET
def worklist(request: AuthedRequest) -> HttpResponse:
    """The worklist: what the plans ask of the user and their organisation, a page of the actions
    at a time (``?sida=``), and the meeting invitations waiting for their answer (put together
    here, where both apps can be read)."""
    context = {
        "worklist": worklist_for(request.user, cursor=request.GET.get("sida")),
        "awaiting": awaiting_answer(request.user),
        "story_suggestions": suggestions_waiting_for(request.user),
        "person_requests": requests_from_people(request.user),
    }
    return render(request, "web/worklist.html", context)


def _new_referrals(user: User) -> tuple[list[Referral], bool]:
    """The first referrals to the activities the user's organisation provides that nobody there
    has answered yet, oldest first, and whether more wait: one query and one audit row."""
    waiting = (
        incoming_referrals(user)
        .filter(state__in=Referral.AWAITING_ANSWER)
        .with_sharing()
        .select_related("participant", "activity", "referring_organisation")
        .order_by("sent_at", "pk")
    )
    return read_first(user, waiting, SHOWN, purpose="Startsidan, nya remisser", role=PROVIDER_ROLE)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
