"""The person's meetings (issue 16, part 2): calling a meeting themselves, following it from the
request to the summons and the meeting held, the calendar file, and what the meeting decided.

The person calls; their coordinator organises. The request is an ordinary meeting request in
``samla.meetings`` marked as the person's own (``Meeting.requested_by_user``), so the
coordinator prepares and summons it as any other. The person sees the summons as the staff do
(time, place or video link, which organisations come), the decisions of a meeting held, and
nothing of the preparation among the staff: no preparatory meeting, no minutes, no notes.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samla.accounts.http import AuthedRequest
from samla.accounts.models import PERSON_ROLES, RoleAssignment
from samla.meetings import actions
from samla.meetings.access import get_own_meeting, read_own_meetings
from samla.meetings.calendar import calendar_file
from samla.meetings.forms import PersonRequestForm
from samla.meetings.models import Decision, Invitation, Meeting
from samla.mysamla.http import person_view
from samla.notifications.links import absolute_url
from samla.people.access import read_own
from samla.people.models import Participant


@person_view
@require_GET
def meeting_list(request: AuthedRequest) -> HttpResponse:
    meetings = read_own_meetings(request.user, purpose="Min Samla, möten")
    now = timezone.now()
    summoned = [m for m in meetings if m.state == Meeting.State.PLANNED and m.ends_at]
    ahead = [m for m in summoned if m.ends_at and m.ends_at >= now]
    past = [m for m in meetings if m.state == Meeting.State.HELD] + [
        m for m in summoned if m.ends_at and m.ends_at < now
    ]
    context = {
        "requested": sorted(
            (m for m in meetings if m.state == Meeting.State.REQUESTED),
            key=lambda m: (m.created_at, m.pk),
        ),
        "ahead": ahead,
        "past": sorted(past, key=lambda m: (m.starts_at, m.pk), reverse=True),
        "cancelled": [m for m in meetings if m.state == Meeting.State.CANCELLED],
    }
    return render(request, "mysamla/meetings.html", context)


def _chosen(records: list[Participant], wanted: str | None) -> Participant:
    """The record the request is about: the one named, which must be the person's own (404
    otherwise), or else the first (most people have one)."""
    if not records:
        raise Http404
    if not wanted:
        return records[0]
    chosen = next((r for r in records if str(r.pk) == wanted), None)
    if chosen is None:
        raise Http404
    return chosen


@person_view
@require_http_methods(["GET", "POST"])
def request_meeting(request: AuthedRequest) -> HttpResponse:
    records = read_own(request.user, purpose="Min Samla, kalla till möte")
    wanted = request.POST.get("record") if request.method == "POST" else request.GET.get("record")
    participant = _chosen(records, wanted)
    form = PersonRequestForm(
        request.POST if request.method == "POST" else None,
        organisations=actions.callable_organisations(participant),
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.request_meeting_as_person(
                participant, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Din begäran är skickad till din koordinator. Du ser här när mötet är "
                    "kallat och vilken tid det blir."
                ),
            )
            return redirect("mysamla:meeting", meeting_pk=meeting.pk)
    context = {"form": form, "records": records, "participant": participant}
    return render(
        request, "mysamla/meeting_request.html", context, status=422 if form.errors else 200
    )


def _roles(meeting: Meeting, invitations: list[Invitation]) -> dict[int, str]:
    """The role each invited member of staff has in the person's association: the person sees
    who comes as organisation and role, not the staff's names."""
    named = [i.user_id for i in invitations if i.user_id]
    assignments = RoleAssignment.objects.filter(
        user_id__in=named,
        association_id=meeting.participant.association_id,
        role__in=list(PERSON_ROLES),
    ).order_by("pk")
    roles: dict[int, str] = {}
    for assignment in assignments:
        roles.setdefault(assignment.user_id, str(assignment.get_role_display()))
    return roles


@person_view
@require_GET
def meeting_detail(request: AuthedRequest, meeting_pk: int) -> HttpResponse:
    meeting = get_own_meeting(request.user, meeting_pk, purpose="Min Samla, möte")
    invitations = list(
        Invitation.objects.filter(meeting=meeting)
        .select_related("organisation")
        .order_by("-obliged", "organisation__name", "pk")
    )
    roles = _roles(meeting, invitations)
    decisions: list[Decision] = []
    if meeting.state == Meeting.State.HELD:
        decisions = list(
            meeting.decisions.select_related("plan_action__responsible_organisation").order_by(
                "created_at", "pk"
            )
        )
    context = {
        "meeting": meeting,
        "invited": [(i, roles.get(i.user_id or 0, "")) for i in invitations],
        "decisions": decisions,
        "summoned": meeting.state in (Meeting.State.PLANNED, Meeting.State.HELD),
    }
    return render(request, "mysamla/meeting_detail.html", context)


@person_view
@require_GET
def meeting_calendar(request: AuthedRequest, meeting_pk: int) -> HttpResponse:
    """The summoned meeting as a calendar file for the person's own calendar: the same file the
    staff get (``samla.meetings.calendar``), linking to the meeting's page in Min Samla."""
    meeting = get_own_meeting(request.user, meeting_pk, purpose="Min Samla, möte, kalenderfil")
    if meeting.state != Meeting.State.PLANNED or meeting.starts_at is None:
        raise Http404
    path = reverse("mysamla:meeting", kwargs={"meeting_pk": meeting.pk})
    response = HttpResponse(
        calendar_file(meeting, link=absolute_url(path)), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="samla-mote.ics"'
    response["Cache-Control"] = "no-store"
    return response
