"""Too many failed logins: django-axes counts them per user name *and* client, so that guessing
from one place stops after a few tries while nobody can lock the owner out by name from another.

Axes keeps the count (its ``AccessAttempt`` rows) and refuses a locked pair in its
authentication backend. Samla adds what it does not do:

- the same answer for a locked pair as for a wrong password (``same_answer``): the login page
  does not tell a stranger which names exist or are locked;
- a limit per client across every name it tries (``client_is_blocked``);
- the second factor counted the same way (``code_failed``, ``code_allowed``);
- what the organisation administrator sees and undoes (``is_locked``, ``unlock``).

The owner of a locked name still gets in from another client, with a one-time link, or after
the administrator's unlock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Exists, OuterRef, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from samla.accounts.http import client_address
from samla.accounts.models import User


def failure_limit(request: HttpRequest | None = None, credentials: object = None) -> int:
    """``AXES_FAILURE_LIMIT``: read at each check, so that a setting changed at run time holds."""
    limit: int = settings.SAMLA_LOGIN_MAX_FAILURES
    return limit


def cool_off(request: HttpRequest | None = None) -> timedelta:
    """``AXES_COOLOFF_TIME``: how long a locked pair stays locked after its last failure."""
    return timedelta(seconds=settings.SAMLA_LOGIN_LOCKOUT_SECONDS)


def username_of(request: HttpRequest, credentials: dict[str, str] | None = None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the name as typed, cut to the longest a user name can be. A
    longer one belongs to nobody, and axes keeps at most 255 characters of it."""
    source = credentials or request.POST
    name = source.get("username")
    return name[: User._meta.get_field("username").max_length] if name else name


def same_answer(
    request: HttpRequest, original_response: HttpResponse | None, credentials: object = None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: keep the page the view answered, which says what it says for a
    wrong password. Axes would otherwise answer 429 "locked", and only for names that exist."""
    assert original_response is not None
    return original_response


def _recent() -> datetime:
    return timezone.now() - cool_off()


def client_is_blocked(request: HttpRequest) -> bool:
    """Whether the client has failed too often in the window, summed over every name it tried."""
    failures = AccessAttempt.objects.filter(
        ip_address=client_address(request), attempt_time__gte=_recent()
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return (failures or 0) >= settings.SAMLA_LOGIN_CLIENT_MAX_FAILURES


def is_refused(request: HttpRequest, username: str) -> bool:
    """Whether this client may not try a password or code for the name now: the pair is locked
    out, or the client itself is."""
    return client_is_blocked(request) or not AxesProxyHandler.is_allowed(
        request, {"username": username}
    )


def locked_now(request: HttpRequest) -> bool:
    """Whether the failure just counted locked the pair out (axes marks the request)."""
    return bool(getattr(request, "axes_locked_out", False))


def code_failed(request: HttpRequest, user: User) -> None:
    """Count a wrong second-factor code like a wrong password, for the same name and client.
    Django's ``user_login_failed`` is the signal axes counts failures from."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.username}, request=request
    )


def is_locked() -> Exists:
    """Annotation for a User query: whether the user's name is locked out from some client now."""
    return Exists(
        AccessAttempt.objects.filter(
            username=OuterRef("username"),
            failures_since_start__gte=failure_limit(),
            attempt_time__gte=_recent(),
        )
    )


def unlock(user: User) -> int:
    """Forget every failure counted against the user's name, from every client."""
    removed: int = reset(username=user.username)
    return removed
