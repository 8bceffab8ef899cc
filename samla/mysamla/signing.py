"""The person's e-ID signature of a decision: approving a plan, withdrawing or giving a consent.

A decision the person makes in Min Samla is not taken on the session's word: the page sends the
person to the e-ID provider again (``prompt=login``), and only an answer for the same identity
number, at the required assurance level, within ``SAMLA_PERSON_SIGN_MINUTES``, carries it out.
What was decided waits in the session meanwhile, under the name of its handler; each page that
asks for a signature registers one with ``@handler("name")``. The handler gets the ``Signature``
(the provider, the assurance level, the time) to record with the decision.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samla.accounts import eid
from samla.accounts.http import AuthedRequest

SESSION_KEY = "samla_person_signing"


@dataclass(frozen=True)
class Signature:
    """What the e-ID said when the person signed: recorded with what they decided."""

    provider: str
    acr: str
    at: datetime

    def describe(self) -> str:
        return f"e-legitimation ({self.provider}), tillitsnivå {self.acr}"


Handler = Callable[[AuthedRequest, dict[str, Any], Signature], HttpResponse]
_handlers: dict[str, Handler] = {}


def handler(name: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        _handlers[name] = function
        return function

    return register


def citizen_provider() -> eid.Provider | None:
    """The provider a person signs with: the first configured e-ID for citizens."""
    return next((p for p in eid.providers() if p.kind == eid.CITIZEN), None)


def callback_url(provider: eid.Provider) -> str:
    path = reverse("mysamla:eid_callback", args=[provider.name])
    return str(settings.SAMLA_BASE_URL).rstrip("/") + path


def start(request: AuthedRequest, *, action: str, data: dict[str, Any], back: str) -> HttpResponse:
    """To the provider, to sign ``action`` with ``data`` (plain JSON); back to ``back`` after."""
    assert action in _handlers, action
    provider = citizen_provider()
    if provider is None:
        messages.error(request, _("E-legitimation går inte att använda just nu. Försök senare."))
        return redirect(back)
    request.session[SESSION_KEY] = {
        "action": action,
        "data": data,
        "back": back,
        "user": request.user.pk,
        "started": int(time.time()),
    }
    return eid.authorize_redirect(request, provider, callback_url(provider), prompt="login")


def pending(request: AuthedRequest) -> dict[str, Any] | None:
    value = request.session.get(SESSION_KEY)
    return value if isinstance(value, dict) else None


def finish(request: AuthedRequest, identity: eid.Identity, waiting: dict[str, Any]) -> HttpResponse:
    """The provider's answer to a signature: carried out if it is the same person, in time."""
    request.session.pop(SESSION_KEY, None)
    back = str(waiting.get("back") or reverse("mysamla:start"))
    same_person = (
        identity.number is not None
        and identity.number.value == request.user.person_number
        and waiting.get("user") == request.user.pk
    )
    if not same_person:
        messages.error(
            request,
            _("Du legitimerade dig som någon annan än den som är inloggad. Ingenting har ändrats."),
        )
        return redirect(back)
    started = waiting.get("started")
    if not isinstance(started, int) or (
        time.time() - started > settings.SAMLA_PERSON_SIGN_MINUTES * 60
    ):
        messages.error(request, _("Det tog för lång tid. Ingenting har ändrats. Försök igen."))
        return redirect(back)
    function = _handlers.get(str(waiting.get("action")))
    if function is None:
        return redirect(back)
    signature = Signature(provider=identity.provider.name, acr=identity.acr, at=timezone.now())
    data = waiting.get("data")
    return function(request, data if isinstance(data, dict) else {}, signature)
