"""Staff sign in with e-ID through a real OpenID provider process (ADR 0014, issue 16).

Every refusal shows the login page with a Swedish message, signs nobody in, creates nothing and
logs a failed login without the number. Only Skatteverket's test numbers.
"""

from __future__ import annotations

import re
import time
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from samla.accounts.models import User
from samla.accounts.tests.conftest import Cast
from samla.accounts.tests.oidc import (
    COORDINATION_NUMBER,
    LOA2,
    LOA3,
    PERSONAL_NUMBER,
    SITHS_LOA3,
    RunningProvider,
    callback,
    choose,
    log_in,
    start,
)
from samla.audit.models import AuditEvent
from samla.idnumbers import test_personnummer

pytestmark = pytest.mark.django_db

KIM = test_personnummer(date(1979, 3, 14), "M")
STRANGER = test_personnummer(date(1991, 11, 2), "F")
COORDINATION = test_personnummer(date(1985, 6, 30), "F", coordination=True)
KIM_HSA = "SE2321000016-K1M0"
LOGIN = "/konto/logga-in/"

PROTOCOL = "Inloggningen med e-legitimation gick inte att slutföra"
LEVEL = "Din e-legitimation har för låg tillitsnivå"
BOTH = "Legitimeringstjänsten skickade både personnummer och samordningsnummer."
NO_NUMBER = "Legitimeringstjänsten skickade inget giltigt personnummer"
UNKNOWN = "Det finns inget konto i Samla för den du legitimerade dig som."
INACTIVE = "Ditt konto i Samla är inaktiverat."


@pytest.fixture
def kim(cast: Cast, settings: Any) -> User:
    settings.SAMLA_REQUIRE_MFA = True
    cast.kim.identity_number = KIM.value
    cast.kim.hsa_id = KIM_HSA
    cast.kim.save(update_fields=["identity_number", "hsa_id"])
    return cast.kim


def citizen(**claims: object) -> dict[str, object]:
    return {PERSONAL_NUMBER: KIM.value, "acr": LOA3, **claims}


def signed_in(client: Client) -> str | None:
    value = client.session.get("_auth_user_id")
    return str(value) if value is not None else None


def test_the_login_page_offers_each_provider(client: Client, eid: RunningProvider) -> None:
    body = client.get(LOGIN).content.decode()

    assert 'href="/konto/e-legitimation/eid/?next=/"' in body
    assert ">Logga in med e-legitimation</a>" in body
    assert 'href="/konto/e-legitimation/siths/?next=/"' in body
    assert ">Logga in med SITHS-kort</a>" in body


def test_without_providers_there_is_no_e_id(client: Client, settings: Any) -> None:
    settings.SAMLA_OIDC_PROVIDERS = {}

    assert "e-legitimation" not in client.get(LOGIN).content.decode()
    assert client.get("/konto/e-legitimation/eid/").status_code == 404


def test_a_staff_member_signs_in_with_e_id_and_needs_no_code(
    client: Client, eid: RunningProvider, kim: User
) -> None:
    AccessAttempt.objects.create(
        username="kim", ip_address="10.0.0.9", failures_since_start=5, attempt_time=timezone.now()
    )
    eid.set_user("kim-sub-1", citizen())
    authorize = start(client, "eid", next="/konto/mitt-konto/")
    assert "code_challenge_method=S256" in authorize
    assert "nonce=" in authorize and "state=" in authorize

    response = callback(client, "eid", choose(authorize, "kim-sub-1"))

    assert response.status_code == 302 and response["Location"] == "/konto/mitt-konto/"
    assert signed_in(client) == str(kim.pk)
    start_page = client.get("/")
    assert start_page.status_code == 200
    assert "Kim" in start_page.content.decode()
    assert not AccessAttempt.objects.filter(username="kim").exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert event.actor_id == kim.pk
    assert event.summary == f"e-legitimation (eid) godkänd, tillitsnivå {LOA3}"


def test_a_samordningsnummer_signs_in_its_holder(
    client: Client, eid: RunningProvider, kim: User
) -> None:
    kim.identity_number = COORDINATION.value
    kim.save(update_fields=["identity_number"])

    response = log_in(
        client, eid, "eid", "kim-sub-3", {COORDINATION_NUMBER: COORDINATION.value, "acr": LOA3}
    )

    assert response.status_code == 302
    assert signed_in(client) == str(kim.pk)


def test_siths_signs_in_by_hsa_id(client: Client, eid: RunningProvider, kim: User) -> None:
    response = log_in(
        client, eid, "siths", "kim-siths", {"employeeHsaId": KIM_HSA, "acr": SITHS_LOA3}
    )

    assert response.status_code == 302
    assert signed_in(client) == str(kim.pk)
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert event.summary == f"e-legitimation (siths) godkänd, tillitsnivå {SITHS_LOA3}"


def test_logout_ends_the_e_id_session(client: Client, eid: RunningProvider, kim: User) -> None:
    log_in(client, eid, "eid", "kim-sub-4", citizen())

    client.post("/konto/logga-ut/")

    assert signed_in(client) is None
    assert "samla_eid" not in client.session
    assert client.get("/")["Location"].startswith(LOGIN)


def test_e_id_counts_as_the_second_factor_only_for_the_user_it_signed_in(
    client: Client, eid: RunningProvider, kim: User, cast: Cast
) -> None:
    log_in(client, eid, "eid", "kim-sub-5", citizen())
    session = client.session
    session["samla_eid"] = {"user": cast.ada.pk, "provider": "eid"}
    session.save()

    assert client.get("/")["Location"].startswith("/konto/tvastegsverifiering/")


# Refusals -----------------------------------------------------------------------------------


# An identity number, whole, in any form: not part of an HSA-id.
NUMBER = re.compile(r"(?<![A-Z0-9])(\d{12}|\d{8}-\d{4}|\d{6}[-+]\d{4})")


def _refused(
    client: Client,
    response: Any,
    message: str,
    *,
    users_before: int,
    status: int = 403,
    audit_after: int = 0,
) -> None:
    body = response.content.decode()
    assert response.status_code == status
    assert message in body
    assert 'name="username"' in body  # the login page
    assert signed_in(client) is None
    assert User.objects.count() == users_before
    events = AuditEvent.objects.filter(pk__gt=audit_after)
    assert not events.filter(action=AuditEvent.Action.LOGIN).exists()
    failed = events.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert failed.summary.startswith("e-legitimation (")
    assert not NUMBER.search(failed.summary + failed.actor_name)


CLAIM_REFUSALS = [
    pytest.param({"nonce": "not-ours"}, PROTOCOL, 400, id="wrong nonce"),
    pytest.param({"iss": "http://127.0.0.1:9"}, PROTOCOL, 400, id="other issuer"),
    pytest.param({"aud": "someone-else"}, PROTOCOL, 400, id="other audience"),
    pytest.param({"exp": int(time.time()) - 600}, PROTOCOL, 400, id="expired token"),
    pytest.param({"acr": LOA2}, LEVEL, 403, id="too low acr"),
    pytest.param({"acr": None}, LEVEL, 403, id="no acr"),
    pytest.param({COORDINATION_NUMBER: COORDINATION.value}, BOTH, 403, id="both numbers"),
    pytest.param({PERSONAL_NUMBER: None}, NO_NUMBER, 403, id="no number"),
    pytest.param({PERSONAL_NUMBER: "197903149876"}, NO_NUMBER, 403, id="bad check digit"),
    pytest.param({PERSONAL_NUMBER: COORDINATION.value}, NO_NUMBER, 403, id="number kind"),
    pytest.param({PERSONAL_NUMBER: STRANGER.value}, UNKNOWN, 403, id="unknown person"),
]


@pytest.mark.parametrize(("claims", "message", "status"), CLAIM_REFUSALS)
def test_a_refused_token_signs_nobody_in(
    client: Client,
    eid: RunningProvider,
    kim: User,
    claims: dict[str, object],
    message: str,
    status: int,
) -> None:
    sent = {k: v for k, v in citizen(**claims).items() if v is not None}
    before = User.objects.count()

    response = log_in(client, eid, "eid", "kim-refused", sent)

    _refused(client, response, message, users_before=before, status=status)


def test_cancelling_at_the_provider_signs_nobody_in(
    client: Client, eid: RunningProvider, kim: User
) -> None:
    denied = httpx.post(start(client, "eid"), data={"action": "deny"})
    params = {k: v[0] for k, v in parse_qs(urlsplit(denied.headers["location"]).query).items()}
    before = User.objects.count()

    response = callback(client, "eid", params)

    _refused(client, response, "Inloggningen med e-legitimation avbröts.", users_before=before)


def test_a_wrong_state_is_refused(client: Client, eid: RunningProvider, kim: User) -> None:
    eid.set_user("kim-state", citizen())
    params = choose(start(client, "eid"), "kim-state")
    before = User.objects.count()

    response = callback(client, "eid", params | {"state": "forged"})

    _refused(client, response, PROTOCOL, users_before=before, status=400)


def test_a_re_used_code_is_refused(client: Client, eid: RunningProvider, kim: User) -> None:
    eid.set_user("kim-reuse", citizen())
    first = choose(start(client, "eid"), "kim-reuse")
    assert callback(client, "eid", first).status_code == 302
    client.post("/konto/logga-ut/")
    # A new login in the same browser, so that the state matches: only the code is old.
    state = parse_qs(urlsplit(start(client, "eid")).query)["state"][0]
    last = AuditEvent.objects.order_by("pk").last()
    assert last is not None
    before = User.objects.count()

    response = callback(client, "eid", {"code": first["code"], "state": state})

    _refused(client, response, PROTOCOL, users_before=before, status=400, audit_after=last.pk)


def test_an_expired_code_is_refused(client: Client, eid: RunningProvider, kim: User) -> None:
    eid.set_faults(code_ttl=0)
    before = User.objects.count()

    response = log_in(client, eid, "eid", "kim-slow", citizen())

    _refused(client, response, PROTOCOL, users_before=before, status=400)


def test_a_bad_signature_is_refused(client: Client, eid: RunningProvider, kim: User) -> None:
    eid.set_faults(wrong_key=True)
    before = User.objects.count()

    response = log_in(client, eid, "eid", "kim-rogue", citizen())

    _refused(client, response, PROTOCOL, users_before=before, status=400)


def test_an_inactive_user_is_refused(client: Client, eid: RunningProvider, kim: User) -> None:
    kim.is_active = False
    kim.save(update_fields=["is_active"])
    before = User.objects.count()

    response = log_in(client, eid, "eid", "kim-inactive", citizen())

    _refused(client, response, INACTIVE, users_before=before)
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED).object_id == str(kim.pk)


def test_siths_staff_without_a_matching_user_is_refused(
    client: Client, eid: RunningProvider, kim: User
) -> None:
    before = User.objects.count()

    response = log_in(
        client, eid, "siths", "nobody", {"employeeHsaId": "SE2321000016-0000", "acr": SITHS_LOA3}
    )

    _refused(client, response, UNKNOWN, users_before=before)


def test_siths_compares_the_level_exactly(client: Client, eid: RunningProvider, kim: User) -> None:
    before = User.objects.count()

    response = log_in(client, eid, "siths", "kim-loa2", {"employeeHsaId": KIM_HSA, "acr": LOA3})

    _refused(client, response, LEVEL, users_before=before)
