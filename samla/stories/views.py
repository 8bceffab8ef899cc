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
    latest_version,
    versions_of,
)
from samla.stories.forms import StoryForm
from samla.stories.models import StoryVersion
from samla.stories.rebase import rebase


@require_http_methods(["GET"])
def story(request: AuthedRequest, pk: int) -> HttpResponse:
    shown = get_story_for_user(request.user, pk)
    context = {"shown": shown, "access": shown.access, "participant": shown.access.participant}
    return render(request, "stories/story.html", context)


@require_http_methods(["GET", "POST"])
def edit_story(request: AuthedRequest, pk: int) -> HttpResponse:
    access = get_participant_for_user(request.user, pk, purpose="Skriv berättelsen", manage=True)
    latest = latest_version(access.participant)
    form = StoryForm(request.POST or None, initial=StoryForm.initial_for(latest))
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
            )
        except Stale as stale:
            return _refuse_stale_save(request, access, form, stale)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Berättelsen är sparad som version %(number)s.") % {"number": version.number},
            )
            return redirect("stories:story", pk=pk)
    context = {"form": form, "participant": access.participant, "latest": latest}
    return render(request, "stories/edit.html", context, status=422 if form.errors else 200)


def _refuse_stale_save(
    request: AuthedRequest, access: ParticipantAccess, form: StoryForm, stale: Stale
) -> HttpResponse:
    """Give the writer their text back, brought up to the version saved meanwhile (see
    ``rebase``), with what the other person changed and the new base version."""
    current: StoryVersion = stale.current
    base = versions_of(access.participant).filter(number=form.cleaned_data["base_version"]).first()
    sections, changes = rebase(base.contents() if base else {}, current.contents(), form.sections())
    context = {"participant": access.participant, "latest": current, "changes": changes}
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
