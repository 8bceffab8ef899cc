"""One answer per browser per round, and a cap on answers from one address (ADR 0011).

Nothing here is stored with an answer or in the database. The browser that has answered keeps a
signed cookie that says only "answered", limited to the round's own link (its path), so it is
the same for everyone who has answered and tells no browser apart. Answers from one address are
counted in the cache under a keyed hash of the round and the address, for an hour, and the
count is never written anywhere else.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from samla.accounts.http import client_address
from samla.surveys.models import SurveyRound

COOKIE = "samla_enkat_besvarad"
ANSWERED = "1"
COOKIE_DAYS = 400  # the longest a browser keeps a cookie
WINDOW_SECONDS = 60 * 60


def _salt(survey_round: SurveyRound) -> str:
    return f"samla.surveys.answered:{survey_round.token}"


def _signer(survey_round: SurveyRound) -> signing.Signer:
    # Not Django's set_signed_cookie: its TimestampSigner would write the moment of answering
    # into the cookie, and an answer keeps no time (ADR 0007).
    return signing.Signer(salt=_salt(survey_round))


def has_answered(request: HttpRequest, survey_round: SurveyRound) -> bool:
    """Whether this browser has already answered this round (a forged or altered cookie counts
    as none)."""
    value = request.COOKIES.get(COOKIE)
    if value is None:
        return False
    try:
        return _signer(survey_round).unsign(value) == ANSWERED
    except signing.BadSignature:
        return False


def mark_answered(response: HttpResponse, survey_round: SurveyRound) -> None:
    """Give the browser the round's "answered" cookie, sent back only to the round's link. Its
    value is the same for every browser that answered the round."""
    response.set_cookie(
        COOKIE,
        _signer(survey_round).sign(ANSWERED),
        max_age=COOKIE_DAYS * 24 * 60 * 60,
        path=survey_round.answer_path(),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _address_key(request: HttpRequest, survey_round: SurveyRound) -> str:
    address = client_address(request)
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"{survey_round.token}|{address}".encode(),
        hashlib.sha256,
    ).hexdigest()
    return f"samla:enkat:adress:{digest}"


def too_many_from_address(request: HttpRequest, survey_round: SurveyRound) -> bool:
    """Whether this address has given the round as many answers as one hour allows."""
    limit: int = settings.SAMLA_SURVEY_ANSWERS_PER_ADDRESS_HOUR
    return int(cache.get(_address_key(request, survey_round), 0)) >= limit


def count_answer_from_address(request: HttpRequest, survey_round: SurveyRound) -> None:
    key = _address_key(request, survey_round)
    if not cache.add(key, 1, timeout=WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=WINDOW_SECONDS)
