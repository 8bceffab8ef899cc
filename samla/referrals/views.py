from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samla.accounts.http import AuthedRequest
from samla.concurrency import Stale
from samla.referrals import actions
from samla.referrals.access import (
    get_activity_for_provider,
    get_referral_for_provider,
    get_referral_for_user,
    history_for_provider,
    participant_access,
    person_side_of,
)
from samla.referrals.forms import (
    AnonymousParticipationForm,
    AttendanceForm,
    DayForm,
    DeclineForm,
    EndForm,
    NoteForm,
    OptionalNoteForm,
    SendForm,
    StartForm,
)
from samla.referrals.models import InvalidTransition, Referral
from samla.referrals.provider import boards_for, read_register, record_attendance

State = Referral.State

STALE_STEP = gettext_lazy(
    "Någon annan har ändrat remissen medan du hade den öppen. Inget är ändrat: se hur det ser ut "
    "nu och försök igen."
)

# step name → (the state it leads to, its form, what to do with the form's data)
Step = tuple[str, type[forms.Form], Callable[..., Referral]]
PROVIDER_STEPS: dict[str, Step] = {
    "receive": (State.RECEIVED, OptionalNoteForm, actions.receive),
    "accept": (State.ACCEPTED, OptionalNoteForm, actions.accept),
    "waitlist": (State.WAITLISTED, OptionalNoteForm, actions.waitlist),
    "start": (State.STARTED, StartForm, actions.start),
    "end": (State.ENDED, EndForm, actions.end),
    "decline": (State.DECLINED, DeclineForm, actions.decline),
}
REFERRER_STEPS: dict[str, Step] = {
    "accept_offer": (State.ACCEPTED, OptionalNoteForm, actions.accept_offer),
    "withdraw": (State.WITHDRAWN, OptionalNoteForm, actions.withdraw),
    "reopen": (State.SENT, NoteForm, actions.reopen),
}


def _run(request: AuthedRequest, referral: Referral, step: Step) -> None:
    _target, form_class, action = step
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return
    try:
        action(referral, actor=request.user, **form.cleaned_data)
    except Stale:
        messages.error(request, STALE_STEP)
    except (InvalidTransition, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Remissen är uppdaterad."))


def _available(referral: Referral, steps: dict[str, Step]) -> list[tuple[str, forms.Form]]:
    """The steps open to the user, each a form of its own on one page: the ids carry the step's
    name (``id_waitlist_note``), so each label names its own field and no id is used twice."""
    initial = {"version": referral.version}
    if referral.is_closed and "reopen" in steps:
        return [("reopen", NoteForm(initial=initial, auto_id="id_reopen_%s"))]
    return [
        (name, form_class(initial=initial, auto_id=f"id_{name}_%s"))
        for name, (target, form_class, _action) in steps.items()
        if name != "reopen"
        and referral.can(target)
        and (name != "accept_offer" or referral.state == State.OFFERED)
    ]


@require_GET
def referral_list(request: AuthedRequest, pk: int) -> HttpResponse:
    access = participant_access(request.user, pk, purpose="Remisser")
    referrals = Referral.objects.filter(participant=access.participant).select_related(
        "activity__provider", "referring_organisation"
    )
    context = {"participant": access.participant, "access": access, "referrals": referrals}
    return render(request, "referrals/list.html", context)


@require_http_methods(["GET", "POST"])
def send(request: AuthedRequest, pk: int) -> HttpResponse:
    access = participant_access(request.user, pk, purpose="Ny remiss", manage=True)
    participant = access.participant
    form = SendForm(request.POST or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        try:
            referral = actions.send_referral(participant, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Remissen är skickad."))
            return redirect(referral)
    context = {"participant": participant, "form": form}
    return render(request, "referrals/send.html", context, status=422 if form.errors else 200)


def _detail(request: AuthedRequest, pk: int, referral_pk: int) -> HttpResponse:
    found = get_referral_for_user(request.user, pk, referral_pk, purpose="Remiss")
    referral = found.referral
    steps = _available(referral, REFERRER_STEPS) if found.access.can_manage else []
    context: dict[str, Any] = {
        "participant": found.access.participant,
        "referral": referral,
        "events": referral.events.select_related("actor"),
        "steps": steps,
        "position": referral.waitlist_position(),
        "can_manage": found.access.can_manage,
    }
    return render(request, "referrals/detail.html", context)


@require_GET
def detail(request: AuthedRequest, pk: int, referral_pk: int) -> HttpResponse:
    return _detail(request, pk, referral_pk)


@require_POST
def referrer_step(request: AuthedRequest, pk: int, referral_pk: int, step: str) -> HttpResponse:
    referral = get_referral_for_user(
        request.user, pk, referral_pk, purpose="Ändra remiss", manage=True
    ).referral
    if step not in REFERRER_STEPS:
        raise Http404
    _run(request, referral, REFERRER_STEPS[step])
    return redirect(referral)


@require_GET
def incoming(request: AuthedRequest) -> HttpResponse:
    """The provider's boards: per activity, new referrals, offered places, the waitlist in line
    order, and who takes part."""
    return render(request, "referrals/incoming.html", {"boards": boards_for(request.user)})


@require_GET
def incoming_detail(request: AuthedRequest, referral_pk: int) -> HttpResponse:
    """The provider's view. Anyone else who may see the person (the referrer's side) gets the
    person's side of the referral; everyone else 404."""
    participant_id = person_side_of(request.user, referral_pk)
    if participant_id is not None:
        return _detail(request, participant_id, referral_pk)
    referral = get_referral_for_provider(request.user, referral_pk)
    context = {
        "referral": referral,
        "events": history_for_provider(referral),
        "steps": _available(referral, PROVIDER_STEPS),
        "position": referral.waitlist_position(),
        "places_left": actions.places_left(referral.activity),
    }
    return render(request, "referrals/incoming_detail.html", context)


@require_POST
def provider_step(request: AuthedRequest, referral_pk: int, step: str) -> HttpResponse:
    referral = get_referral_for_provider(request.user, referral_pk)
    if step not in PROVIDER_STEPS:
        raise Http404
    _run(request, referral, PROVIDER_STEPS[step])
    return redirect("referrals:incoming_detail", referral_pk=referral.pk)


@require_http_methods(["GET", "POST"])
def attendance(request: AuthedRequest, activity_pk: int) -> HttpResponse:
    activity = get_activity_for_provider(request.user, activity_pk)
    picked = DayForm(request.GET or None)
    day = picked.cleaned_data["day"] if picked.is_valid() else timezone.localdate()
    register = read_register(request.user, activity, day)
    form = AttendanceForm(request.POST or None, register=register)
    if request.method == "POST" and form.is_valid():
        try:
            changed = record_attendance(
                activity, actor=request.user, day=day, statuses=form.statuses()
            )
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Närvaron är sparad (%(n)s ändrade).") % {"n": changed})
            return redirect(f"{request.path}?day={day.isoformat()}")
    context = {
        "activity": activity,
        "day": day,
        "day_form": DayForm(initial={"day": day}),
        "form": form,
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1),
    }
    return render(request, "referrals/attendance.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def register_anonymous(request: AuthedRequest, activity_pk: int) -> HttpResponse:
    activity = get_activity_for_provider(request.user, activity_pk)
    today = timezone.localdate()
    form = AnonymousParticipationForm(
        request.POST or None, initial={"start_year": today.year, "started_on": today}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.register_anonymous_participation(
                activity, actor=request.user, **form.cleaned_data
            )
        except (InvalidTransition, ValidationError) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Det anonyma deltagandet är registrerat."))
            return redirect("referrals:incoming")
    context = {"activity": activity, "form": form}
    return render(
        request, "referrals/register_anonymous.html", context, status=422 if form.errors else 200
    )
