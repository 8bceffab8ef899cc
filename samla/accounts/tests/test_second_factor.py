"""The second factor: enrolment and verification end to end, and the middleware that insists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from samla.accounts import actions
from samla.accounts.models import User
from samla.accounts.tests.conftest import Cast
from samla.accounts.tests.factories import PASSWORD, UserFactory
from samla.accounts.tests.signin import current_code, wrong_code
from samla.audit.models import AuditEvent

LOGIN = "/konto/logga-in/"
VERIFY = "/konto/tvastegsverifiering/"
ENROL = "/konto/tvastegsverifiering/aktivera/"
LINK = "/konto/engangslank/"
NEW = "ett-eget-langt-losenord-2026"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def password_step(client: Client, user: User, next_url: str = "") -> str:
    response = client.post(
        LOGIN, {"username": user.username, "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def through_link(client: Client, user: User) -> str:
    """What a new user does with the link their administrator gave them: open it, choose a
    password. Returns where Samla sends them next."""
    token = actions.issue_link(actor=UserFactory.create(), user=user)
    assert client.get(f"/konto/engangslank/{token}/")["Location"] == LINK
    response = client.post(LINK, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def secret_on(body: str) -> str:
    return " ".join(body.split("<code>")[1].split("</code>")[0].split())


@pytest.fixture
def newcomer(settings) -> User:
    settings.SAMLA_REQUIRE_MFA = True
    return UserFactory.create(username="ny", first_name="Nova", last_name="Ny")


def test_enrolment_end_to_end(client: Client, newcomer: User) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        assert through_link(client, newcomer) == ENROL + "?next=%2F"
        page = client.get(ENROL, {"next": "/konto/organisation/"})
        device = TOTPDevice.objects.get(user=newcomer)
        body = page.content.decode()
        wrong = client.post(ENROL, {"otp_token": wrong_code(device), "next": "/"})
        traveller.shift(timedelta(seconds=31))
        right = client.post(ENROL, {"otp_token": current_code(device), "next": "/"})
        after = client.get("/")

    assert page.status_code == 200
    assert '<img src="data:image/svg+xml' in body
    assert 'alt="QR-kod som lägger till Samla' in body
    secret = secret_on(body)
    assert len(secret.replace(" ", "")) == 32
    assert all(len(group) == 4 for group in secret.split(" "))
    assert ">Aktivera</button>" in body
    assert wrong.status_code == 422
    assert "Koden stämmer inte" in wrong.content.decode()
    assert right.status_code == 302
    assert right["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert after.status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.MFA_ENROLLED, actor_id=newcomer.pk
    ).exists()


def test_the_password_alone_opens_nothing_before_enrolment(client: Client, newcomer: User) -> None:
    """Issue 15: the right password of an account without a second factor used to lead to
    enrolment, so whoever knew it could put their own phone on the account."""
    response = client.post(LOGIN, {"username": "ny", "password": PASSWORD})

    assert response.status_code == 422
    assert "Ditt konto är inte aktiverat ännu" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not TOTPDevice.objects.filter(user=newcomer).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN_FAILED, actor_id=newcomer.pk
    ).exists()


def test_a_session_without_the_link_cannot_enrol(client: Client, newcomer: User) -> None:
    client.force_login(newcomer)

    page = client.get(ENROL)
    posted = client.post(ENROL, {"otp_token": "123456"})

    assert page.status_code == 403
    assert "Du behöver en engångslänk" in page.content.decode()
    assert posted.status_code == 403
    assert not TOTPDevice.objects.filter(user=newcomer).exists()


def test_a_reload_shows_the_same_secret(client: Client, newcomer: User) -> None:
    through_link(client, newcomer)
    first = secret_on(client.get(ENROL).content.decode())
    second = secret_on(client.get(ENROL).content.decode())

    assert first == second
    assert TOTPDevice.objects.filter(user=newcomer).count() == 1


def test_the_code_form_reports_a_malformed_code(client: Client, newcomer: User) -> None:
    through_link(client, newcomer)

    response = client.post(ENROL, {"otp_token": "12ab"})

    body = response.content.decode()
    assert response.status_code == 422
    assert "Skriv de sex siffrorna som appen visar." in body
    assert 'aria-invalid="true"' in body
    assert "error-summary" in body


def test_a_user_with_a_device_must_give_the_code(client: Client, cast: Cast) -> None:
    device = TOTPDevice.objects.get(user=cast.kim)
    with time_machine.travel(START, tick=False) as traveller:
        assert password_step(client, cast.kim, "/konto/") == VERIFY + "?next=%2Fkonto%2F"
        page = client.get(VERIFY)
        wrong = client.post(VERIFY, {"otp_token": wrong_code(device)})
        throttled = client.post(VERIFY, {"otp_token": current_code(device)})
        traveller.shift(timedelta(seconds=2))
        right = client.post(
            VERIFY, {"otp_token": current_code(device), "next": "/konto/organisation/"}
        )
        verified_page = client.get("/")

    assert page.status_code == 200
    assert 'name="otp_token"' in page.content.decode()
    assert ">Fortsätt</button>" in page.content.decode()
    assert "Koden stämmer inte" in wrong.content.decode()
    assert "För många felaktiga försök" in throttled.content.decode()
    assert right.status_code == 302
    assert right["Location"] == "/konto/organisation/"
    assert verified_page.status_code == 200
    assert list(
        AuditEvent.objects.filter(actor_id=cast.kim.pk).values_list("action", flat=True)
    ) == [
        AuditEvent.Action.LOGIN,
        AuditEvent.Action.LOGIN_FAILED,
        AuditEvent.Action.LOGIN_FAILED,
        AuditEvent.Action.LOGIN,
    ]


def test_a_code_cannot_be_used_twice(client: Client, cast: Cast) -> None:
    device = TOTPDevice.objects.get(user=cast.kim)
    other = Client()
    with time_machine.travel(START, tick=False):
        password_step(client, cast.kim)
        password_step(other, cast.kim)
        code = current_code(device)
        first = client.post(VERIFY, {"otp_token": code})
        replay = other.post(VERIFY, {"otp_token": code})

    assert first.status_code == 302
    assert replay.status_code == 422


@pytest.mark.parametrize("path", ["/", "/konto/anvandare/", "/admin/", "/deltagare/"])
def test_the_middleware_sends_an_unverified_user_to_enrol(
    client: Client, newcomer: User, path: str
) -> None:
    through_link(client, newcomer)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(ENROL + "?next=")


def test_the_middleware_sends_a_user_with_a_device_to_the_code(
    client: Client, cast: Cast, settings
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    client.force_login(cast.kim)

    response = client.get("/konto/organisation/?a=1")

    assert response["Location"] == VERIFY + "?next=%2Fkonto%2Forganisation%2F%3Fa%3D1"


@pytest.mark.parametrize("path", ["/healthz", "/static/css/samla.css", VERIFY])
def test_some_paths_stay_open_before_the_second_factor(
    client: Client, cast: Cast, path: str
) -> None:
    client.force_login(cast.kim)

    response = client.get(path)

    assert not response.get("Location", "").startswith(VERIFY)


def test_logout_works_before_the_second_factor(client: Client, cast: Cast) -> None:
    client.force_login(cast.kim)

    response = client.post("/konto/logga-ut/")

    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_without_a_requirement_a_user_without_a_device_passes(client: Client, settings) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    person = UserFactory.create()
    client.force_login(person)

    assert client.get("/").status_code == 200
    assert client.get(VERIFY)["Location"] == "/"


def test_the_password_alone_cannot_add_a_second_device(client: Client, cast: Cast) -> None:
    """Someone who knows only Kim's password must not enrol their own phone."""
    client.force_login(cast.kim)

    response = client.get(ENROL)

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=cast.kim).count() == 1


def test_the_verify_and_enrol_pages_offer_a_way_out(client: Client, cast: Cast, newcomer) -> None:
    client.force_login(cast.kim)
    verify_page = client.get(VERIFY).content.decode()
    client.logout()
    through_link(client, newcomer)
    enrol_page = client.get(ENROL).content.decode()

    for body in (verify_page, enrol_page):
        assert 'action="/konto/logga-ut/"' in body
        assert "Avbryt och logga ut" in body


def test_wrong_codes_from_one_client_lock_the_name_there(
    client: Client, cast: Cast, settings
) -> None:
    """Issue 15: the second factor is limited per name and client like the password, on top of
    django-otp's own doubling wait per device."""
    settings.SAMLA_LOGIN_MAX_FAILURES = 3
    device = TOTPDevice.objects.get(user=cast.kim)
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(cast.kim)
        for _ in range(3):
            client.post(VERIFY, {"otp_token": wrong_code(device)})
            traveller.shift(timedelta(minutes=2))  # past django-otp's wait
        refused = client.post(VERIFY, {"otp_token": current_code(device)})
        elsewhere.force_login(cast.kim)
        accepted = elsewhere.post(VERIFY, {"otp_token": current_code(device)})

    assert refused.status_code == 422
    assert "För många felaktiga försök" in refused.content.decode()
    assert accepted.status_code == 302
