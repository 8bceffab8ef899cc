"""Min berättelse: the person reads their story as it is now, at each of their records, and
suggests a correction or something in their own words. The suggestion changes nothing by
itself: their coordinator takes it in or answers it (``samla.stories``), and the person sees
which here."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samla.accounts.http import AuthedRequest
from samla.mysamla.http import person_view
from samla.stories import actions
from samla.stories.access import own_records, own_stories, own_suggestion_start
from samla.stories.forms import SuggestionForm
from samla.stories.models import StorySection

PURPOSE = "Min berättelse"


@person_view
@require_GET
def story(request: AuthedRequest) -> HttpResponse:
    stories = own_stories(request.user, purpose=PURPOSE)
    context = {"stories": stories, "several_records": len(stories) > 1}
    return render(request, "mysamla/story.html", context)


@person_view
@require_http_methods(["GET", "POST"])
def suggest(request: AuthedRequest) -> HttpResponse:
    """A correction to a section (``?avsnitt=``, the form starting from its current text) or
    something new, for one of the person's records (``?deltagare=``, looked up among them)."""
    if request.method == "POST":
        form = SuggestionForm(request.POST, records=own_records(request.user))
        if form.has_error("record", "invalid_choice"):
            raise Http404  # a record that is not theirs: like any other person's data
        if form.is_valid():
            data = form.cleaned_data
            record, kind, text = data["record"], data["kind"], data["text"]
            actions.suggest(record, actor=request.user, kind=kind, text=text)
            messages.success(request, _("Tack! Ditt förslag är skickat till din koordinator."))
            return redirect("mysamla:story")
        return render(request, "mysamla/story_suggest.html", {"form": form}, status=422)
    kind = request.GET.get("avsnitt", "")
    kind = kind if kind in StorySection.Kind.values else ""
    chosen = request.GET.get("deltagare", "")
    pk = int(chosen) if chosen.isascii() and chosen.isdigit() else None
    record, text = own_suggestion_start(request.user, pk=pk, kind=kind, purpose=PURPOSE)
    initial = {"record": record.pk, "kind": kind, "text": text}
    form = SuggestionForm(initial=initial, records=own_records(request.user))
    return render(request, "mysamla/story_suggest.html", {"form": form})
