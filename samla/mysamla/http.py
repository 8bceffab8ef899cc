"""What every view of Min Samla shares: only a person signed in reaches it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.urls import reverse

from samla.accounts.http import AuthedRequest

P = ParamSpec("P")
PersonView = Callable[Concatenate[AuthedRequest, P], HttpResponse]
LOGIN_URL = "mysamla:login"


def person_view(view: PersonView[P]) -> PersonView[P]:
    """A page of Min Samla: someone not signed in goes to Min Samla's login, a member of staff
    gets 404 like any page they may not see (``PersonDoorMiddleware`` keeps persons out of
    every other page)."""

    @functools.wraps(view)
    def wrapped(request: AuthedRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse(LOGIN_URL))
        if not request.user.is_person:
            raise Http404
        return view(request, *args, **kwargs)

    # Django's LoginRequiredMiddleware sends a visitor to the view's own login_url.
    wrapped.login_url = LOGIN_URL  # type: ignore[attr-defined]
    return wrapped
