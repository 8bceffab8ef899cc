from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from samla.accounts.http import AuthedRequest
from samla.accounts.models import Role
from samla.people.access import read_list, visible_participants
from samla.plans.worklists import worklist_for


@require_GET
def start(request: AuthedRequest) -> HttpResponse:
    """One start page, its parts chosen by the user's roles."""
    user = request.user
    my_participants = None
    if user.reaches_person_data:
        my_participants = read_list(
            user,
            visible_participants(user).order_by("-created_at")[:20],
            purpose="Startsidan",
        )
    context = {
        "my_participants": my_participants,
        "worklist": worklist_for(user, purpose="Startsidan, arbetslista")
        if user.reaches_person_data
        else None,
        "is_coordinator": user.has_role(Role.COORDINATOR),
        "is_association_staff": user.has_role(Role.ASSOCIATION_OFFICE, Role.BOARD_MEMBER),
        "is_org_admin": user.is_org_admin,
        "associations": user.associations(),
    }
    return render(request, "web/start.html", context)


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
