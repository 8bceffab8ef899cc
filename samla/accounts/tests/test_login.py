"""The password step: generic errors, lock-out, audit rows, and the demo logins."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from samla.accounts.models import User
from samla.accounts.tests.conftest import Cast
from samla.accounts.tests.factories import PASSWORD, UserFactory
from samla.audit.models import AuditEvent

LOGIN = "/konto/logga-in/"
WRONG = "Fel användarnamn eller lösenord."
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def post_login(client: Client, username: str, password: str, **extra: str):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def actions_for(user: User | None = None) -> list[str]:
    events = AuditEvent.objects.order_by("pk")
    if user is not None:
        events = events.filter(actor_id=user.pk)
    return list(events.values_list("action", flat=True))


@pytest.fixture
def kim(settings) -> User:
    settings.SAMLA_REQUIRE_MFA = False
    settings.SAMLA_LOGIN_MAX_FAILURES = 3
    settings.SAMLA_LOGIN_LOCKOUT_SECONDS = 600
    return UserFactory.create(username="kim", first_name="Kim", last_name="Koordinator")


def test_the_login_page_has_the_form_and_the_site_name(client: Client) -> None:
    response = client.get(LOGIN)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Logga in – Samla</title>" in body
    assert 'name="username"' in body
    assert 'name="password"' in body
    assert '<label for="id_username">' in body
    assert ">Logga in</button>" in body


def test_the_right_password_signs_in_and_is_logged(client: Client, kim: User) -> None:
    client.get(LOGIN)
    anonymous_session = client.session.session_key

    response = post_login(client, "kim", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("web:start")
    assert client.session["_auth_user_id"] == str(kim.pk)
    assert client.session.session_key != anonymous_session
    assert actions_for(kim) == [AuditEvent.Action.LOGIN]


def test_next_is_followed_inside_samla_only(client: Client, kim: User) -> None:
    inside = post_login(client, "kim", PASSWORD, next="/konto/anvandare/")
    client.logout()
    outside = post_login(client, "kim", PASSWORD, next="https://evil.example/")

    assert inside["Location"] == "/konto/anvandare/"
    assert outside["Location"] == reverse("web:start")


def the_answer(response, username: str) -> tuple[int, str]:
    """The status and page, without what differs by request alone (the CSRF token, the name
    typed back into the form): what a stranger compares to learn something."""
    body = re.sub(
        r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+"', "", response.content.decode()
    )
    return response.status_code, body.replace(f'value="{username}"', 'value=""')


def failures(username: str) -> int:
    return sum(
        AccessAttempt.objects.filter(username=username).values_list(
            "failures_since_start", flat=True
        )
    )


def test_a_wrong_password_gets_the_generic_error(client: Client, kim: User) -> None:
    response = post_login(client, "kim", "fel-lösenord")

    assert response.status_code == 422
    assert WRONG in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert failures("kim") == 1
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id) == (AuditEvent.Action.LOGIN_FAILED, kim.pk)


def test_an_unknown_user_gets_the_same_error_and_the_name_is_logged(
    client: Client, kim: User
) -> None:
    typed = "okänd" + "x" * 10_000

    response = post_login(client, typed[:900], "vad-som-helst")

    assert response.status_code == 422
    assert WRONG in response.content.decode()
    event = AuditEvent.objects.get()
    assert event.action == AuditEvent.Action.LOGIN_FAILED
    assert event.actor_id is None
    assert event.actor_name == typed[:150]


def test_an_inactive_user_cannot_sign_in_even_with_the_right_password(
    client: Client, kim: User
) -> None:
    kim.is_active = False
    kim.save()

    response = post_login(client, "kim", PASSWORD)

    assert response.status_code == 422
    assert WRONG in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert actions_for(kim) == [AuditEvent.Action.LOGIN_FAILED]


def test_the_nth_failure_locks_the_name_from_that_client(client: Client, kim: User) -> None:
    for _ in range(3):
        post_login(client, "kim", "fel")

    refused = post_login(client, "kim", PASSWORD)

    assert refused.status_code == 422
    assert WRONG in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert actions_for(kim) == [AuditEvent.Action.LOGIN_FAILED] * 3 + [
        AuditEvent.Action.LOCKOUT,
        AuditEvent.Action.LOGIN_FAILED,
    ]
    assert AuditEvent.objects.order_by("pk").values_list("summary", flat=True).last() == (
        "Spärrad efter för många misslyckade försök"
    )


def test_unknown_wrong_and_locked_get_one_answer(client: Client, kim: User) -> None:
    """Issue 15: "Kontot är låst" appeared only for names that exist, which told a stranger
    which names do."""
    UserFactory.create(username="bo")
    for _ in range(3):
        post_login(client, "bo", "fel")

    unknown = the_answer(post_login(client, "ingen-alls", "fel"), "ingen-alls")
    wrong = the_answer(post_login(client, "kim", "fel"), "kim")
    locked = the_answer(post_login(client, "bo", PASSWORD), "bo")

    assert unknown == wrong == locked
    assert unknown[0] == 422
    assert "låst" not in unknown[1]


def test_a_stranger_cannot_lock_the_owner_out(client: Client, kim: User) -> None:
    """Issue 15: five wrong passwords from anywhere locked any named account for everyone."""
    for _ in range(5):
        post_login(client, "kim", "fel", REMOTE_ADDR="203.0.113.9")

    owner = Client(REMOTE_ADDR="198.51.100.20")
    response = owner.post(LOGIN, {"username": "kim", "password": PASSWORD})

    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(kim.pk)


def test_one_client_guessing_across_names_is_stopped(client: Client, kim: User, settings) -> None:
    settings.SAMLA_LOGIN_CLIENT_MAX_FAILURES = 4
    for name in ("a", "b", "c", "d"):
        post_login(client, name, "fel")

    from_the_guesser = post_login(client, "kim", PASSWORD)
    from_elsewhere = Client(REMOTE_ADDR="198.51.100.20").post(
        LOGIN, {"username": "kim", "password": PASSWORD}
    )

    assert from_the_guesser.status_code == 422
    assert WRONG in from_the_guesser.content.decode()
    assert from_elsewhere.status_code == 302


def test_a_success_resets_the_count(client: Client, kim: User) -> None:
    post_login(client, "kim", "fel")
    post_login(client, "kim", "fel")
    post_login(client, "kim", PASSWORD)
    client.logout()

    response = post_login(client, "kim", "fel")

    assert WRONG in response.content.decode()
    assert failures("kim") == 1


def test_a_locked_name_is_refused_the_right_password_until_the_lock_expires(
    client: Client, kim: User
) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(3):
            post_login(client, "kim", "fel")

        traveller.shift(timedelta(seconds=599))
        refused = post_login(client, "kim", PASSWORD)
        traveller.shift(timedelta(seconds=2))
        accepted = post_login(client, "kim", PASSWORD)
        signed_in_as = client.session.get("_auth_user_id")

    assert refused.status_code == 422
    assert WRONG in refused.content.decode()
    assert accepted.status_code == 302
    assert signed_in_as == str(kim.pk)
    assert actions_for(kim)[-2:] == [AuditEvent.Action.LOGIN_FAILED, AuditEvent.Action.LOGIN]


def test_a_locked_name_does_not_count_further_attempts(client: Client, kim: User) -> None:
    for _ in range(5):
        post_login(client, "kim", "fel")

    assert failures("kim") == 3
    assert actions_for(kim).count(AuditEvent.Action.LOCKOUT) == 1


def test_a_user_with_a_device_goes_on_to_the_code(client: Client, cast: Cast) -> None:
    response = post_login(client, "kim", PASSWORD, next="/deltagare/")

    assert response["Location"] == "/konto/tvastegsverifiering/?next=%2Fdeltagare%2F"


# The demo's own logins on this page: samla/demo/tests/test_login_page.py.


def test_the_login_page_works_without_the_demo(client: Client, settings) -> None:
    settings.SAMLA_DEMO = True
    engine = settings.TEMPLATES[0]
    processors = engine["OPTIONS"]["context_processors"]
    settings.TEMPLATES = [
        {
            **engine,
            "OPTIONS": {
                **engine["OPTIONS"],
                "context_processors": [p for p in processors if not p.startswith("samla.demo.")],
            },
        }
    ]

    response = client.get(LOGIN)

    assert response.status_code == 200
    assert "Inloggningar för demonstrationen" not in response.content.decode()
