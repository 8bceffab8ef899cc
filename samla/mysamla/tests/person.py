"""A person at Min Samla's door, through the real OpenID provider process (samla.accounts.tests
.oidc): log in, and sign a decision with e-ID. Skatteverket's test numbers only."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import Client
from django.utils import timezone

from samla.accounts.middleware import EID_SESSION_KEY
from samla.accounts.models import User
from samla.accounts.tests.oidc import LOA3, PERSONAL_NUMBER, RunningProvider, choose
from samla.idnumbers import test_personnummer
from samla.people.actions import record_consent
from samla.people.models import Consent, Participant
from samla.people.tests.cast import Cast

START = "/min-samla/e-legitimation/eid/"
CALLBACK = "/min-samla/e-legitimation/eid/svar/"


def sub_of(number: str) -> str:
    return f"person-{number}"


def claims(number: str, **extra: Any) -> dict[str, Any]:
    return {PERSONAL_NUMBER: number, "acr": LOA3} | extra


def log_in_person(client: Client, op: RunningProvider, number: str, **extra: Any) -> Any:
    """The whole round at the person's door; the callback's response."""
    op.set_user(sub_of(number), claims(number, **extra))
    response = client.get(START)
    assert response.status_code == 302, response.status_code
    return client.get(CALLBACK, choose(response["Location"], sub_of(number)))


def sign(client: Client, op: RunningProvider, response: Any, number: str, **extra: Any) -> Any:
    """``response`` sent the person to the provider to sign: they sign as ``number`` (set with
    ``extra`` claims) and come back; the callback's response."""
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    assert "prompt=login" in location, location
    op.set_user(sub_of(number), claims(number, **extra))
    return client.get(CALLBACK, choose(location, sub_of(number)))


def person_user(participant: Participant) -> User:
    """The person's own account, as their first login would make it."""
    user, _ = User.objects.get_or_create(
        person_number=participant.id_number,
        defaults={
            "username": f"person-{participant.pk}",
            "first_name": participant.first_name,
            "last_name": participant.last_name,
        },
    )
    return user


def enter_as(client: Client, participant: Participant) -> User:
    """Signed in to Min Samla as the person, without the provider round (for tests of what the
    pages do, not of the login): the session a login with e-ID leaves."""
    user = person_user(participant)
    client.force_login(user)
    session = client.session
    session[EID_SESSION_KEY] = {"user": user.pk, "provider": "eid"}
    session.save()
    return user


def another_participant(cast: Cast, **fields: Any) -> Participant:
    """Another participant at Tyresö kommun than Pia: Per Andersson, unless ``fields`` say
    otherwise."""
    number = test_personnummer(date(1990, 4, 12), "M")
    defaults: dict[str, Any] = {
        "association": cast.association,
        "controlling_organisation": cast.tyreso,
        "kind": Participant.Kind.IDENTIFIED,
        "id_number": number.value,
        "id_number_kind": number.kind.value,
        "first_name": "Per",
        "last_name": "Andersson",
        "sex": "M",
        "start_year": 2026,
        "created_by": cast.kim,
    }
    return Participant.objects.create(**(defaults | fields))


def pia_at_fk(cast: Cast) -> Participant:
    """Pia again, as Försäkringskassan's own record of her: one person at two controllers."""
    pia = cast.pia
    return another_participant(
        cast,
        controlling_organisation=cast.fk,
        id_number=pia.id_number,
        id_number_kind=pia.id_number_kind,
        first_name=pia.first_name,
        last_name=pia.last_name,
        sex=pia.sex,
        created_by=cast.fia,
    )


def draft_consent_for_pia(cast: Cast) -> Consent:
    """Kim records a consent naming Region Stockholm as a draft: it waits for Pia's answer."""
    return record_consent(
        actor=cast.kim,
        participant=cast.pia,
        organisations=[cast.region],
        categories_included=["health"],
        categories_excluded=[],
        form="written",
        given_by="person",
        valid_from=timezone.localdate(),
        valid_to=None,
        draft=True,
    )
