from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samla.accounts.http import AuthedRequest
from samla.concurrency import Stale, refuse
from samla.people.access import ParticipantAccess, get_participant_for_user
from samla.stories import actions
from samla.stories.access import (
    get_controller_access,
    get_story_for_user,
    get_story_version_for_user,
    get_suggestion_for_user,
    latest_version,
    versions_of,
)
from samla.stories.forms import AnswerForm, StoryForm
from samla.stories.models import StorySuggestion, StoryVersion
from samla.stories.rebase import rebase


@require_http_methods(["GET"])
def story(request: AuthedRequest, pk: int) -> HttpResponse:
    shown = get_story_for_user(request.user, pk)
    context = {"shown": shown, "access": shown.access, "participant": shown.access.participant}
    return render(request, "stories/story.html", context)


@require_http_methods(["GET", "POST"])
def edit_story(request: AuthedRequest, pk: int) -> HttpResponse:
    access = get_participant_for_user(request.user, pk, purpose="Skriv berättelsen", manage=True)
    return _edit(request, access)


@require_http_methods(["GET", "POST"])
def take_in(request: AuthedRequest, pk: int, suggestion: int) -> HttpResponse:
    """The story's editor with the person's suggestion in it; saving takes the suggestion in."""
    access, taken = get_suggestion_for_user(
        request.user, pk, suggestion, purpose="Ta in personens förslag"
    )
    if not taken.is_open:
        return _already_handled(request, pk)
    return _edit(request, access, taken)


def _edit(
    request: AuthedRequest, access: ParticipantAccess, suggestion: StorySuggestion | None = None
) -> HttpResponse:
    latest = latest_version(access.participant)
    initial = (
        StoryForm.initial_taking_in(latest, suggestion)
        if suggestion
        else StoryForm.initial_for(latest)
    )
    form = StoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = actions.save_story(
                access.participant,
                actor=request.user,
                base_version=data["base_version"],
                sections=form.sections(),
                written=data["written"],
                note=data["note"],
                suggestion=suggestion,
            )
        except actions.SuggestionHandled:
            return _already_handled(request, access.participant.pk)
        except Stale as stale:
            return _refuse_stale_save(request, access, form, stale, suggestion)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Berättelsen är sparad som version %(number)s.") % {"number": version.number},
            )
            return redirect("stories:story", pk=access.participant.pk)
    context = {
        "form": form,
        "participant": access.participant,
        "latest": latest,
        "suggestion": suggestion,
    }
    return render(request, "stories/edit.html", context, status=422 if form.errors else 200)


def _refuse_stale_save(
    request: AuthedRequest,
    access: ParticipantAccess,
    form: StoryForm,
    stale: Stale,
    suggestion: StorySuggestion | None,
) -> HttpResponse:
    """Give the writer their text back, brought up to the version saved meanwhile (see
    ``rebase``), with what the other person changed and the new base version."""
    current: StoryVersion = stale.current
    base = versions_of(access.participant).filter(number=form.cleaned_data["base_version"]).first()
    sections, changes = rebase(base.contents() if base else {}, current.contents(), form.sections())
    context = {
        "participant": access.participant,
        "latest": current,
        "changes": changes,
        "suggestion": suggestion,
    }
    return refuse(
        request,
        "stories/edit.html",
        context,
        form=form,
        stale=stale,
        message=_(
            "Någon annan sparade berättelsen medan du skrev. Jämför nedan och spara igen om "
            "din text ska gälla."
        ),
        version_field="base_version",
        data=StoryForm.data_for(sections),
    )


@require_http_methods(["GET"])
def history(request: AuthedRequest, pk: int) -> HttpResponse:
    access = get_controller_access(request.user, pk, purpose="Berättelsens versioner")
    versions = versions_of(access.participant).order_by("-number")
    context = {"access": access, "participant": access.participant, "versions": versions}
    return render(request, "stories/history.html", context)


@require_http_methods(["GET"])
def version(request: AuthedRequest, pk: int, story_version: int) -> HttpResponse:
    shown = get_story_version_for_user(request.user, pk, story_version)
    context = {"shown": shown, "access": shown.access, "participant": shown.access.participant}
    return render(request, "stories/version.html", context)


@require_http_methods(["GET", "POST"])
def answer(request: AuthedRequest, pk: int, suggestion: int) -> HttpResponse:
    """Answer the person's suggestion without changing the story."""
    access, answered = get_suggestion_for_user(
        request.user, pk, suggestion, purpose="Svara på personens förslag"
    )
    if not answered.is_open:
        return _already_handled(request, pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.answer_suggestion(
                answered, actor=request.user, answer=form.cleaned_data["answer"]
            )
        except actions.SuggestionHandled:
            return _already_handled(request, pk)
        messages.success(request, _("Ditt svar är skickat. Personen ser det i Min Samla."))
        return redirect("stories:story", pk=pk)
    context = {"form": form, "participant": access.participant, "suggestion": answered}
    return render(request, "stories/answer.html", context, status=422 if form.errors else 200)


def _already_handled(request: AuthedRequest, pk: int) -> HttpResponse:
    messages.error(
        request,
        _(
            "Någon annan har redan tagit in eller besvarat förslaget. Ingenting har ändrats. "
            "Se hur det hanterades nedan."
        ),
    )
    return redirect("stories:story", pk=pk)
