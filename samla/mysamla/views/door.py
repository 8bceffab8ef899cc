"""The person's door: login with e-ID, the start page, logout (here and everywhere)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from samla.accounts import actions as account_actions
from samla.accounts import eid
from samla.accounts.http import AuthedRequest
from samla.accounts.middleware import EID_SESSION_KEY, PERSON_SEEN_KEY
from samla.meetings.access import next_own_meeting
from samla.mysamla import actions, signing
from samla.mysamla.http import person_view
from samla.people.access import drafts_waiting, read_own
from samla.plans.access import proposals_waiting


def _citizen_providers() -> list[eid.Provider]:
    return [p for p in eid.providers() if p.kind == eid.CITIZEN]


def _provider(name: str) -> eid.Provider:
    provider = eid.get_provider(name)
    if provider is None or provider.kind != eid.CITIZEN:
        raise Http404
    return provider


@login_not_required
@never_cache
@require_GET
def login(request: HttpRequest) -> HttpResponse:
    """Min Samla's login page: e-ID only. A person already signed in goes to the start page."""
    if request.user.is_authenticated and request.user.is_person:
        return redirect("mysamla:start")
    return render(request, "mysamla/login.html", {"providers": _citizen_providers()})


@login_not_required
@never_cache
@require_GET
def eid_start(request: HttpRequest, provider: str) -> HttpResponse:
    chosen = _provider(provider)
    return eid.authorize_redirect(request, chosen, signing.callback_url(chosen))


@login_not_required
@never_cache
@require_GET
def eid_callback(request: HttpRequest, provider: str) -> HttpResponse:
    """The provider's answer: a signature the signed-in person asked for, or a login."""
    chosen = _provider(provider)
    waiting = signing.pending(request)  # type: ignore[arg-type]
    if waiting is not None and request.user.is_authenticated and request.user.is_person:
        try:
            identity = eid.verified_identity(request, chosen)
        except eid.Refused as refusal:
            account_actions.person_refused(chosen, refusal)  # logged like a refused login
            request.session.pop(signing.SESSION_KEY, None)
            messages.error(request, refusal.reason.message + " " + _("Ingenting har ändrats."))
            return redirect(str(waiting.get("back") or "mysamla:start"))
        return signing.finish(request, identity, waiting)  # type: ignore[arg-type]
    try:
        user = actions.sign_in(request, chosen)
    except eid.Refused as refusal:
        status = 400 if refusal.reason is eid.Reason.PROTOCOL else 403
        context = {"providers": _citizen_providers(), "eid_error": refusal.reason.message}
        return render(request, "mysamla/login.html", context, status=status)
    auth_login(request, user, backend="samla.accounts.backends.UserBackend")
    request.session[EID_SESSION_KEY] = {"user": user.pk, "provider": chosen.name}
    # PersonDoorMiddleware ends the session after the idle time, and says so; the stored
    # session goes an hour later in any case.
    request.session.set_expiry((settings.SAMLA_PERSON_IDLE_MINUTES + 60) * 60)
    request.session[PERSON_SEEN_KEY] = None
    return redirect("mysamla:start")


@person_view
@require_GET
def start(request: AuthedRequest) -> HttpResponse:
    """Min Samla's start: what the person can do, and for whom (every organisation that holds
    a record of them)."""
    with transaction.atomic():
        records = read_own(request.user, purpose="Min Samla")
        context = {
            "records": records,
            "idle_minutes": settings.SAMLA_PERSON_IDLE_MINUTES,
            "proposals": proposals_waiting(records),
            "drafts": drafts_waiting(records),
            "next_meeting": next_own_meeting(records),
        }
    return render(request, "mysamla/start.html", context)


@person_view
@require_POST
def logout(request: AuthedRequest) -> HttpResponse:
    account_actions.log_out(actor=request.user)
    auth_logout(request)
    messages.info(request, _("Du är utloggad."))
    return redirect("mysamla:login")


@person_view
@require_POST
def logout_everywhere(request: AuthedRequest) -> HttpResponse:
    """Ends the person's every session, on every device, this one too."""
    account_actions.log_out_everywhere(request.user)
    auth_logout(request)
    messages.info(request, _("Du är utloggad på alla enheter."))
    return redirect("mysamla:login")
