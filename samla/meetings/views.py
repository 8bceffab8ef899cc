from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.forms import BaseFormSet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from samla.accounts.http import AuthedRequest
from samla.accounts.models import PERSON_ROLES, User
from samla.concurrency import Stale, changes, keep_input
from samla.meetings import actions
from samla.meetings.access import (
    MeetingAccess,
    awaiting_answer,
    busy_users,
    get_invitation_for_receiver,
    get_invitation_for_user,
    get_meeting_for_user,
    may_answer,
    may_see_person,
    meetings_for,
    organisations_without_consent,
    reaches_nobody,
    upcoming_for,
)
from samla.meetings.calendar import calendar_file
from samla.meetings.forms import (
    AnswerForm,
    DecisionForm,
    DecisionFormSet,
    FollowUpForm,
    InviteForm,
    MinutesForm,
    PreparationForm,
    RequestForm,
    ScheduleForm,
)
from samla.meetings.models import Invitation, Meeting
from samla.notifications.links import absolute_url
from samla.organisations.models import Organisation
from samla.people.access import get_participant_for_user
from samla.people.models import Participant, TeamMember
from samla.plans.actions import planning_organisations, responsible_candidates
from samla.plans.models import Plan
from samla.referrals.actions import referable_activities
from samla.stories.access import current_story_for

STALE_MESSAGE = gettext_lazy(
    "Någon annan sparade mötet medan du arbetade. Jämför nedan och spara igen om dina "
    "uppgifter ska gälla."
)


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def _invitations(meeting: Meeting) -> list[Invitation]:
    invitations = list(
        Invitation.objects.filter(meeting=meeting).select_related("organisation", "user")
    )
    for invitation in invitations:
        invitation.meeting = meeting
    return invitations


@require_GET
def meeting_list(request: AuthedRequest, pk: int) -> HttpResponse:
    access = get_participant_for_user(request.user, pk, purpose="Möten")
    meetings = meetings_for(access).order_by(F("starts_at").desc(nulls_first=True), "-pk")
    context = {"participant": access.participant, "access": access, "meetings": list(meetings)}
    return render(request, "meetings/meeting_list.html", context)


@require_http_methods(["GET", "POST"])
def request_meeting(request: AuthedRequest, pk: int) -> HttpResponse:
    access = get_participant_for_user(request.user, pk, purpose="Nytt möte", manage=True)
    form = RequestForm(
        request.POST or None,
        initial={"kind": Meeting.Kind.MULTI_PARTY, "requested_by": Meeting.RequestedBy.PERSON},
    )
    if request.method == "POST" and form.is_valid():
        meeting = actions.request_meeting(
            access.participant, actor=request.user, **form.cleaned_data
        )
        messages.success(
            request,
            _(
                "Mötet är begärt. Förbered det nu: frågan, vilka som ska komma och vad ni "
                "behöver veta från var och en."
            ),
        )
        return redirect("meetings:prepare", pk=pk, meeting_pk=meeting.pk)
    context = {"form": form, "participant": access.participant}
    return render(request, "meetings/request.html", context, status=422 if form.errors else 200)


@require_GET
def meeting_detail(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    shown = get_meeting_for_user(request.user, pk, meeting_pk, purpose="Möte")
    meeting, access = shown.meeting, shown.access
    invitations = _invitations(meeting)
    context = {
        "shown": shown,
        "meeting": meeting,
        "participant": shown.participant,
        "access": access,
        "invitations": invitations,
        # Another organisation reads only what was asked of it.
        "need_to_know": [
            i for i in invitations if i.need_to_know and access.sees_part_of(i.organisation_id)
        ],
        "busy": busy_users(meeting, [i.user_id for i in invitations if i.user_id])
        if shown.can_manage
        else set(),
        "lapsed": organisations_without_consent(shown.participant, invitations)
        if shown.can_manage
        else set(),
        "unreached": _unreached(meeting, invitations) if shown.can_manage else set(),
        "outside_team": _outside_team(meeting) if shown.can_manage else [],
        "mine": [i for i in invitations if may_answer(request.user, i)],
        "story": [] if meeting.is_preparatory else current_story_for(access),
        "decisions": [
            d
            for d in meeting.decisions.select_related(
                "plan_action__responsible_organisation",
                "plan_action__responsible_person",
                "referral__activity",
            )
            if shown.allows(d.category)
        ],
        "preparations": meetings_for(access).filter(prepares=meeting).order_by("starts_at"),
        "follow_ups": meetings_for(access).filter(follow_up_of=meeting).order_by("starts_at"),
        "prepares_shown": meeting.prepares_id is not None
        and meetings_for(access).filter(pk=meeting.prepares_id).exists(),
    }
    return render(request, "meetings/meeting_detail.html", context)


def _outside_team(meeting: Meeting) -> list[Invitation]:
    """Invitations accepted by someone who could not join the person's team (no consent in
    force names their organisation): the organiser is told, here and by mail."""
    accepted = Invitation.objects.filter(
        meeting=meeting, response=Invitation.Response.ACCEPTED, answered_by__isnull=False
    ).select_related("organisation", "answered_by")
    return [
        invitation
        for invitation in accepted
        if invitation.answered_by_id != meeting.organiser_id
        and invitation.answered_by is not None
        and not may_see_person(invitation.answered_by, meeting.participant)
    ]


def invitable_organisations(participant: Participant) -> list[Organisation]:
    """Every party of the person's association: the form offers them all, and the consent
    check says which one cannot be invited and why."""
    association = participant.association
    return list(
        Organisation.objects.filter(association_memberships__association=association)
        .exclude(pk=association.organisation_id)
        .distinct()
        .order_by("name")
    )


def team_candidates(participant: Participant) -> list[User]:
    team = TeamMember.objects.current().filter(participant=participant).values("user_id")
    return list(
        User.objects.filter(
            pk__in=team,
            is_active=True,
            role_assignments__association=participant.association,
            role_assignments__role__in=list(PERSON_ROLES),
        )
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name", "first_name", "last_name")
    )


@require_http_methods(["GET", "POST"])
def prepare(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    shown = get_meeting_for_user(request.user, pk, meeting_pk, purpose="Förbered möte", manage=True)
    meeting = shown.meeting
    step = request.POST.get("step") if request.method == "POST" else None
    question_form = PreparationForm(
        request.POST if step == "question" else None,
        initial={
            "question": meeting.question,
            "request_note": meeting.request_note,
            "version": meeting.version,
        },
    )
    invite_form = InviteForm(
        request.POST if step == "invite" else None,
        organisations=invitable_organisations(shown.participant),
        candidates=team_candidates(shown.participant),
    )
    context: dict[str, Any] = {}
    if step == "question" and question_form.is_valid():
        try:
            actions.update_preparation(meeting, actor=request.user, **question_form.cleaned_data)
        except Stale as stale:
            context["changed"] = changes(question_form, stale.current)
            keep_input(request, question_form, stale, STALE_MESSAGE)
            return _prepare_page(request, shown, question_form, invite_form, context, status=409)
        except ValidationError as error:
            question_form.add_error(None, error)
        else:
            messages.success(request, _("Förberedelsen är sparad."))
            return redirect("meetings:prepare", pk=pk, meeting_pk=meeting_pk)
    elif step == "invite" and invite_form.is_valid():
        if _invite(request, shown, invite_form, context):
            return redirect("meetings:prepare", pk=pk, meeting_pk=meeting_pk)
    elif step == "remove":
        return _remove(request, shown)
    elif request.method == "POST" and step not in ("question", "invite"):
        raise Http404
    status = 422 if question_form.errors or invite_form.errors else 200
    return _prepare_page(request, shown, question_form, invite_form, context, status=status)


def _invite(
    request: AuthedRequest, shown: MeetingAccess, form: InviteForm, context: dict[str, Any]
) -> bool:
    """Invite whom the form names; False, with the refusal on the form, if the action refuses."""
    try:
        invitation = actions.invite(shown.meeting, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        context["consent_missing"] = getattr(error, "code", None) == "consent_missing"
        return False
    messages.success(request, _("%(who)s är inbjuden.") % {"who": invitation})
    return True


def _remove(request: AuthedRequest, shown: MeetingAccess) -> HttpResponse:
    invitation = (
        Invitation.objects.filter(meeting=shown.meeting, pk=request.POST.get("invitation") or 0)
        .select_related("organisation")
        .first()
    )
    if invitation is None:
        raise Http404
    invitation.meeting = shown.meeting
    try:
        actions.remove_invitation(invitation, actor=request.user)
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("Inbjudan är borttagen."))
    return redirect("meetings:prepare", pk=shown.participant.pk, meeting_pk=shown.meeting.pk)


def _prepare_page(
    request: AuthedRequest,
    shown: MeetingAccess,
    question_form: PreparationForm,
    invite_form: InviteForm,
    context: dict[str, Any],
    *,
    status: int,
) -> HttpResponse:
    meeting = shown.meeting
    invitations = _invitations(meeting)
    context |= {
        "shown": shown,
        "meeting": meeting,
        "participant": shown.participant,
        "question_form": question_form,
        "invite_form": invite_form,
        "invitations": invitations,
        "busy": busy_users(meeting, [i.user_id for i in invitations if i.user_id]),
        "lapsed": organisations_without_consent(shown.participant, invitations),
        "unreached": _unreached(meeting, invitations),
        "main_invitations": _invitations(meeting.prepares) if meeting.prepares else [],
        "referral_options": []
        if meeting.is_preparatory
        else actions.referral_options(shown.participant),
    }
    return render(request, "meetings/prepare.html", context, status=status)


@require_http_methods(["GET", "POST"])
def schedule(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    shown = get_meeting_for_user(
        request.user, pk, meeting_pk, purpose="Kalla till möte", manage=True
    )
    meeting = shown.meeting
    form = ScheduleForm(
        request.POST or None,
        initial={
            "starts_at": timezone.localtime(meeting.starts_at) if meeting.starts_at else None,
            "duration_minutes": meeting.duration_minutes or 60,
            "mode": meeting.mode or Meeting.Mode.DIGITAL,
            "place": meeting.place,
            "version": meeting.version,
        },
    )
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved, told = actions.summon(meeting, actor=request.user, **form.cleaned_data)
        except Stale as stale:
            context["changed"] = changes(form, stale.current)
            keep_input(request, form, stale, STALE_MESSAGE)
            status = 409
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Kallelsen är skickad. %(count)s meddelande med kalenderfil går ut.",
                    "Kallelsen är skickad. %(count)s meddelanden med kalenderfil går ut.",
                    told,
                )
                % {"count": told},
            )
            return redirect(saved)
    if form.errors and status == 200:
        status = 422
    invitations = _invitations(meeting)
    context |= {
        "shown": shown,
        "meeting": meeting,
        "participant": shown.participant,
        "form": form,
        "invitations": invitations,
        "busy": busy_users(meeting, [i.user_id for i in invitations if i.user_id]),
        "lapsed": organisations_without_consent(shown.participant, invitations),
        "unreached": _unreached(meeting, invitations),
    }
    return render(request, "meetings/schedule.html", context, status=status)


def _unreached(meeting: Meeting, invitations: list[Invitation]) -> set[int]:
    """The invitations not sent yet that no mail would reach: the summons is refused while
    there is one, so the page says which before it is sent."""
    if not meeting.is_open:
        return set()
    return {
        i.pk
        for i in invitations
        if i.sent_sequence is None and reaches_nobody(i, meeting.participant)
    }


@require_http_methods(["GET", "POST"])
def cancel(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    shown = get_meeting_for_user(request.user, pk, meeting_pk, purpose="Ställ in möte", manage=True)
    if request.method == "POST":
        try:
            _saved, told = actions.cancel_meeting(shown.meeting, actor=request.user)
        except ValidationError as error:
            messages.error(request, _message(error))
        else:
            messages.success(
                request,
                ngettext(
                    "Mötet är inställt. %(count)s meddelande om det går ut.",
                    "Mötet är inställt. %(count)s meddelanden om det går ut.",
                    told,
                )
                % {"count": told},
            )
        return redirect(shown.meeting)
    context = {"shown": shown, "meeting": shown.meeting, "participant": shown.participant}
    return render(request, "meetings/cancel.html", context)


@require_http_methods(["GET", "POST"])
def minutes(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    shown = get_meeting_for_user(request.user, pk, meeting_pk, purpose="Protokoll", manage=True)
    meeting, participant = shown.meeting, shown.participant
    invitations = _invitations(meeting)
    has_plan = Plan.objects.active().filter(participant=participant).exists()
    data = request.POST if request.method == "POST" else None
    form = MinutesForm(
        data,
        invitations=invitations,
        preparatory=meeting.is_preparatory,
        needs_plan=not has_plan and not meeting.is_preparatory,
        initial={
            "minutes": meeting.minutes,
            "minutes_category": meeting.minutes_category,
            "person_present": _yes_no(meeting.person_present),
            "version": meeting.version,
            **{f"attended_{i.pk}": i.attended for i in invitations},
        },
    )
    options = [] if meeting.is_preparatory else actions.referral_options(participant)
    decisions = None if meeting.is_preparatory else _decision_formset(data, participant, options)
    status = 200
    context: dict[str, Any] = {}
    if data is not None and form.is_valid() and (decisions is None or decisions.is_valid()):
        taken = _decisions(decisions)
        try:
            actions.record_minutes(
                meeting,
                actor=request.user,
                version=form.cleaned_data["version"],
                minutes=form.cleaned_data["minutes"],
                minutes_category=form.cleaned_data["minutes_category"],
                person_present=form.was_person_present(),
                attended=form.attended(),
                decisions=taken,
                new_plan=_new_plan(form, taken),
            )
        except Stale as stale:
            context["changed"] = changes(form, stale.current)
            keep_input(request, form, stale, STALE_MESSAGE)
            status = 409
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _tell_minutes_saved(request, taken)
            return redirect(meeting)
    if (form.errors or (decisions is not None and decisions.total_error_count())) and status == 200:
        status = 422
    context |= {
        "shown": shown,
        "meeting": meeting,
        "participant": participant,
        "form": form,
        "decisions": decisions,
        "referral_options": options,
        "has_plan": has_plan,
        "begun": meeting.has_begun(),
    }
    return render(request, "meetings/minutes.html", context, status=status)


def _decision_formset(
    data: QueryDict | None, participant: Participant, options: list[actions.ReferralOption]
) -> BaseFormSet[DecisionForm]:
    return DecisionFormSet(
        data,
        prefix="decisions",
        form_kwargs={
            "organisations": planning_organisations(participant),
            "candidates": responsible_candidates(participant),
            "activities": referable_activities(participant),
            "refused": {o.activity.pk: o.refused for o in options if o.refused},
        },
    )


def _new_plan(form: MinutesForm, taken: list[actions.DecisionInput]) -> actions.NewPlan | None:
    """The plan the decisions start when the person has none, once its goals and follow-up date
    are given (the action refuses decisions without a plan otherwise)."""
    if not (form.needs_plan and taken):
        return None
    goals = form.cleaned_data.get("goals", "").strip()
    follow_up = form.cleaned_data.get("follow_up_date")
    if goals and follow_up:
        return actions.NewPlan(goals=goals, follow_up_date=follow_up)
    return None


def _tell_minutes_saved(request: AuthedRequest, taken: list[actions.DecisionInput]) -> None:
    messages.success(request, _("Protokollet är sparat."))
    if taken:
        messages.success(
            request, _("%(count)s beslut blev insatser i planen.") % {"count": len(taken)}
        )
    referred = sum(1 for d in taken if d.activity is not None)
    if referred:
        messages.success(
            request,
            ngettext("%(count)s remiss är skickad.", "%(count)s remisser är skickade.", referred)
            % {"count": referred},
        )


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _decisions(formset: BaseFormSet[DecisionForm] | None) -> list[actions.DecisionInput]:
    if formset is None:
        return []
    return [
        actions.DecisionInput(
            text=form.cleaned_data["text"],
            need=form.cleaned_data.get("need", "").strip(),
            responsible_organisation=form.cleaned_data["responsible_organisation"],
            responsible_person=form.cleaned_data.get("responsible_person"),
            due_date=form.cleaned_data.get("due_date"),
            category=form.cleaned_data["category"],
            activity=form.cleaned_data.get("activity"),
        )
        for form in formset
        if form.has_changed() and form.cleaned_data
    ]


@require_http_methods(["GET", "POST"])
def book_preparatory(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    shown = get_meeting_for_user(request.user, pk, meeting_pk, purpose="Boka förmöte", manage=True)
    if request.method == "POST":
        try:
            preparatory = actions.book_preparatory(shown.meeting, actor=request.user)
        except ValidationError as error:
            messages.error(request, _message(error))
            return redirect(shown.meeting)
        messages.success(
            request,
            _("Förmötet är bokat med samma organisationer. Välj tid och kalla."),
        )
        return redirect("meetings:prepare", pk=pk, meeting_pk=preparatory.pk)
    context = {"shown": shown, "meeting": shown.meeting, "participant": shown.participant}
    return render(request, "meetings/book_preparatory.html", context)


@require_http_methods(["GET", "POST"])
def book_follow_up(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    shown = get_meeting_for_user(
        request.user, pk, meeting_pk, purpose="Boka uppföljningsmöte", manage=True
    )
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up = actions.book_follow_up(
                shown.meeting, actor=request.user, question=form.cleaned_data["question"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Uppföljningsmötet är bokat. Välj tid och kalla."))
            return redirect("meetings:prepare", pk=pk, meeting_pk=follow_up.pk)
    context = {
        "shown": shown,
        "meeting": shown.meeting,
        "participant": shown.participant,
        "form": form,
    }
    return render(
        request, "meetings/book_follow_up.html", context, status=422 if form.errors else 200
    )


@require_GET
def calendar(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    shown = get_meeting_for_user(request.user, pk, meeting_pk, purpose="Möte, kalenderfil")
    meeting = shown.meeting
    if meeting.starts_at is None:
        raise Http404
    own = next((i for i in _invitations(meeting) if may_answer(request.user, i)), None)
    path = own.get_absolute_url() if own else meeting.get_absolute_url()
    ics = calendar_file(
        meeting,
        link=absolute_url(path),
        attendee=request.user.email,
        obliged=bool(own and own.obliged),
        cancel=meeting.state == Meeting.State.CANCELLED,
    )
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="samla-mote.ics"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def my_meetings(request: AuthedRequest) -> HttpResponse:
    context = {
        "upcoming": upcoming_for(request.user),
        "awaiting": awaiting_answer(request.user),
    }
    return render(request, "meetings/my_meetings.html", context)


@require_http_methods(["GET", "POST"])
def answer(request: AuthedRequest, token: str) -> HttpResponse:
    try:
        shown, invitation = get_invitation_for_user(request.user, token)
    except Http404:
        return _answer_as_receiver(request, token)
    mine = may_answer(request.user, invitation)
    if request.method == "POST":
        if not mine:
            raise PermissionDenied
        _save_answer(request, invitation)
        return redirect(reverse("mymeetings:answer", kwargs={"token": token}))
    context = {"shown": shown, "meeting": shown.meeting, "invitation": invitation, "mine": mine}
    return render(request, "meetings/answer.html", context)


def _save_answer(request: AuthedRequest, invitation: Invitation) -> Invitation | None:
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Välj om du kommer eller inte."))
        return None
    try:
        saved = actions.answer(
            invitation, actor=request.user, response=form.cleaned_data["response"]
        )
    except ValidationError as error:
        messages.error(request, _message(error))
        return None
    messages.success(
        request,
        _("Tack! Ditt svar är sparat: %(answer)s.") % {"answer": saved.get_response_display()},
    )
    return saved


def _answer_as_receiver(request: AuthedRequest, token: str) -> HttpResponse:
    """An invitation that reached the user as a receiver of their organisation, before they may
    see the person: the meeting's time and place only. Accepting puts them on the team if the
    consent permits; if it does not, the answer stands and the organiser is told."""
    invitation = get_invitation_for_receiver(request.user, token)
    meeting = invitation.meeting
    if request.method == "POST":
        saved = _save_answer(request, invitation)
        if saved is None or saved.response != Invitation.Response.ACCEPTED:
            return redirect(reverse("mymeetings:answer", kwargs={"token": token}))
        if may_see_person(request.user, meeting.participant):
            messages.success(request, _("Du är nu med i personens team och kan öppna mötet."))
            return redirect(meeting)
        messages.warning(
            request,
            _(
                "Du kan inte läggas till i personens team: inget gällande samtycke omfattar "
                "%(org)s. Du ser därför inget om personen. %(organiser)s, som kallade, har fått "
                "veta det."
            )
            % {"org": invitation.organisation, "organiser": meeting.organiser},
        )
        return redirect("mymeetings:index")
    context = {"meeting": meeting, "invitation": invitation, "mine": True, "receiver": True}
    return render(request, "meetings/answer.html", context)
