"""One-time links: how a new user gets in, and how one who forgot their password or lost their
phone gets back, without the administrator ever typing a password (issue 15 items 1 and 5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from samla.accounts.models import OneTimeLink, User
from samla.accounts.tests.conftest import Cast
from samla.accounts.tests.factories import PASSWORD
from samla.accounts.tests.signin import current_code, sign_in
from samla.audit.models import AuditEvent

LINK = "/konto/engangslank/"
NEW = "ett-eget-langt-losenord-2026"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def issue(client: Client, admin: User, user: User) -> tuple[str, str]:
    """The administrator presses "Skapa engångslänk": the page, and the link's token on it."""
    sign_in(client, admin)
    response = client.post(f"/konto/anvandare/{user.pk}/engangslank/")
    assert response.status_code == 200
    body = response.content.decode()
    client.logout()
    return body, body.split(LINK)[1].split("/")[0]


def choose(client: Client, token: str, password: str = NEW):
    client.get(f"{LINK}{token}/")
    return client.post(LINK, {"new_password1": password, "new_password2": password})


def test_the_admin_is_shown_the_link_once_and_it_is_audited(client: Client, cast: Cast) -> None:
    body, token = issue(client, cast.ada, cast.kim)

    assert "Länken visas bara nu." in body
    assert f'value="http://127.0.0.1:8000{LINK}{token}/"' in body
    link = OneTimeLink.objects.get(user=cast.kim)
    assert link.token_hash == OneTimeLink.hash(token)
    assert not OneTimeLink.objects.filter(token_hash=token).exists()
    event = AuditEvent.objects.filter(object_id=str(cast.kim.pk)).last()
    assert event is not None
    assert (event.actor_id, event.action) == (cast.ada.pk, AuditEvent.Action.CREATE)
    assert event.summary.startswith("Engångslänk skapad, gäller till")
    assert "Det finns redan en oanvänd länk" in (
        sign_in(client, cast.ada).get(f"/konto/anvandare/{cast.kim.pk}/").content.decode()
    )


def test_the_token_leaves_the_address_bar_at_once(client: Client, cast: Cast) -> None:
    _body, token = issue(client, cast.ada, cast.kim)

    opened = client.get(f"{LINK}{token}/")
    page = client.get(LINK)

    assert opened.status_code == 302
    assert opened["Location"] == LINK
    assert page.status_code == 200
    body = page.content.decode()
    assert "Välj ditt lösenord" in body
    assert "<code>kim</code>" in body
    assert token not in body


def test_a_forgotten_password_is_replaced_and_the_code_is_still_asked(
    client: Client, cast: Cast
) -> None:
    _body, token = issue(client, cast.ada, cast.kim)

    response = choose(client, token)

    assert response["Location"] == "/konto/tvastegsverifiering/?next=%2F"
    assert client.get("/")["Location"].startswith("/konto/tvastegsverifiering/")
    kim = User.objects.get(pk=cast.kim.pk)
    assert kim.check_password(NEW)
    assert not kim.check_password(PASSWORD)
    device = TOTPDevice.objects.get(user=kim)
    verified = client.post("/konto/tvastegsverifiering/", {"otp_token": current_code(device)})
    assert verified["Location"] == "/"
    assert AuditEvent.objects.filter(
        actor_id=kim.pk, summary="Engångslänk använd, nytt lösenord valt"
    ).exists()


def test_a_link_works_once(client: Client, cast: Cast) -> None:
    _body, token = issue(client, cast.ada, cast.kim)
    choose(client, token)
    client.logout()

    again = client.get(f"{LINK}{token}/")

    assert again.status_code == 404
    assert "Länken gäller inte" in again.content.decode()


def test_a_link_expires(client: Client, cast: Cast) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        _body, token = issue(client, cast.ada, cast.kim)
        traveller.shift(timedelta(hours=72, seconds=1))
        expired = client.get(f"{LINK}{token}/")

    assert expired.status_code == 404
    assert User.objects.get(pk=cast.kim.pk).check_password(PASSWORD)


def test_a_link_that_expires_while_the_form_is_open_changes_nothing(
    client: Client, cast: Cast
) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        _body, token = issue(client, cast.ada, cast.kim)
        client.get(f"{LINK}{token}/")
        traveller.shift(timedelta(hours=73))
        response = client.post(LINK, {"new_password1": NEW, "new_password2": NEW})

    assert response.status_code == 404
    assert User.objects.get(pk=cast.kim.pk).check_password(PASSWORD)


def test_a_new_link_voids_the_old(client: Client, cast: Cast) -> None:
    _body, old = issue(client, cast.ada, cast.kim)
    _body, new = issue(client, cast.ada, cast.kim)

    assert client.get(f"{LINK}{old}/").status_code == 404
    assert client.get(f"{LINK}{new}/").status_code == 302


def test_a_bad_password_is_refused_in_swedish_and_the_link_kept(client: Client, cast: Cast) -> None:
    _body, token = issue(client, cast.ada, cast.kim)
    client.get(f"{LINK}{token}/")

    short = client.post(LINK, {"new_password1": "kort", "new_password2": "kort"})
    different = client.post(LINK, {"new_password1": NEW, "new_password2": NEW + "x"})

    assert short.status_code == 422
    assert "Det här lösenordet är för kort." in short.content.decode()
    assert different.status_code == 422
    assert "De två lösenordsfälten" in different.content.decode()
    assert OneTimeLink.objects.usable().filter(user=cast.kim).exists()
    assert User.objects.get(pk=cast.kim.pk).check_password(PASSWORD)


def test_the_link_gets_a_locked_out_owner_in(client: Client, cast: Cast, settings) -> None:
    settings.SAMLA_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        client.post("/konto/logga-in/", {"username": "kim", "password": "fel"})
    _body, token = issue(client, cast.ada, cast.kim)

    choose(client, token)
    client.logout()
    response = client.post("/konto/logga-in/", {"username": "kim", "password": NEW})

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="kim").exists()


def test_opening_a_link_signs_out_whoever_was_signed_in(client: Client, cast: Cast) -> None:
    _body, token = issue(client, cast.ada, cast.kim)
    sign_in(client, cast.ada)

    client.get(f"{LINK}{token}/")

    assert "_auth_user_id" not in client.session


def test_no_link_for_an_inactive_user(client: Client, cast: Cast) -> None:
    User.objects.filter(pk=cast.kim.pk).update(is_active=False)
    sign_in(client, cast.ada)

    response = client.post(f"/konto/anvandare/{cast.kim.pk}/engangslank/", follow=True)

    assert "Kontot är inaktiverat. Aktivera det först." in response.content.decode()
    assert not OneTimeLink.objects.exists()


def test_another_organisations_admin_cannot_make_a_link(client: Client, cast: Cast) -> None:
    sign_in(client, cast.frans)

    response = client.post(f"/konto/anvandare/{cast.kim.pk}/engangslank/")

    assert response.status_code == 404
    assert not OneTimeLink.objects.exists()
