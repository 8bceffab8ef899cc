"""The second factor: a signed-in user who must use one reaches nothing else until they have."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

OPEN_PREFIXES = ("/static/", "/i18n/", "/healthz")
OPEN_VIEWS = ("accounts:verify", "accounts:enrol", "accounts:logout")
# Set by a login with e-ID (samla.accounts.views.eid_callback): the user it signed in. e-ID is
# both factors at once, so that session needs no code; it ends with the session at logout.
EID_SESSION_KEY = "samla_eid"


def is_verified(request: HttpRequest) -> bool:
    """True once the signed-in user has passed a second factor in this session: a code
    (``otp_device``, set by OTPMiddleware), or e-ID for this very user."""
    user = request.user
    if getattr(user, "otp_device", None) is not None:
        return True
    signed_in_with_eid = request.session.get(EID_SESSION_KEY)
    return isinstance(signed_in_with_eid, dict) and signed_in_with_eid.get("user") == user.pk


def second_factor_url(user: Any) -> str | None:
    """Where a signed-in but unverified user must go: the code page if they have a device, the
    enrolment page if the second factor is required of everyone, else nowhere."""
    if user_has_device(user, confirmed=True):
        return reverse("accounts:verify")
    if settings.SAMLA_REQUIRE_MFA:
        return reverse("accounts:enrol")
    return None


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class RequireSecondFactorMiddleware:
    """Runs after OTPMiddleware. Every path but the second-factor pages, logout, static files,
    language switching and the views open without login redirects there, keeping ``next``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not is_verified(request)
            and not self._is_open(request)
        ):
            target = second_factor_url(user)
            if target is not None:
                return HttpResponseRedirect(with_next(target, request.get_full_path()))
        return self.get_response(request)

    @staticmethod
    def _is_open(request: HttpRequest) -> bool:
        """The pages above, and any view open without login (``@login_not_required``, such as
        a survey's answering link): what anyone may open needs no second factor either."""
        if request.path_info.startswith(OPEN_PREFIXES):
            return True
        if request.path in {reverse(name) for name in OPEN_VIEWS}:
            return True
        try:
            view = resolve(request.path_info).func
        except Resolver404:
            return False
        return getattr(view, "login_required", True) is False


# Min Samla, the person's own door (samla.mysamla). Its views are in this namespace; a person
# signed in reaches nothing else, and a staff member nothing in it but its login pages.
PERSON_NAMESPACE = "mysamla"
PERSON_SEEN_KEY = "samla_person_seen"
PERSON_OPEN_VIEWS = ("set_language",)


class PersonDoorMiddleware:
    """A person signed in to Min Samla (``User.is_person``) reaches only Min Samla: every other
    address answers 404, as a page they may not see does. Their session ends after
    ``SAMLA_PERSON_IDLE_MINUTES`` without a request; the next one is sent to Min Samla's login."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_person:
            return self.get_response(request)
        now = int(time.time())
        seen = request.session.get(PERSON_SEEN_KEY)
        if isinstance(seen, int) and now - seen > settings.SAMLA_PERSON_IDLE_MINUTES * 60:
            logout(request)
            messages.info(
                request,
                _("Du loggades ut efter en stund utan aktivitet. Logga in igen för att fortsätta."),
            )
            return HttpResponseRedirect(reverse("mysamla:login"))
        request.session[PERSON_SEEN_KEY] = now
        if not self._person_may_open(request):
            raise Http404
        return self.get_response(request)

    @staticmethod
    def _person_may_open(request: HttpRequest) -> bool:
        if request.path_info.startswith(OPEN_PREFIXES):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True  # 404 anyway
        return match.namespace == PERSON_NAMESPACE or match.view_name in PERSON_OPEN_VIEWS
