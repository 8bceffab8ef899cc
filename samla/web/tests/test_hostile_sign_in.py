"""The sign-in forms, which the walk over the URLconf cannot reach as an owner (they are for
whoever is not signed in yet, or half signed in), get the same hostile values: never a 5xx."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samla.accounts import actions
from samla.accounts.models import User
from samla.accounts.tests.factories import UserFactory
from samla.web.tests.test_hostile_input import _crash, _values

pytestmark = pytest.mark.django_db


def _anonymous(user: User) -> Client:
    return Client()


def _half_signed_in(user: User) -> Client:
    """Past the password, before the code."""
    TOTPDevice.objects.create(user=user, name="Telefon", confirmed=True)
    client = Client()
    client.force_login(user)
    return client


def _holding_a_link(user: User) -> Client:
    client = Client()
    client.get(f"/konto/engangslank/{actions.issue_link(actor=user, user=user)}/")
    return client


FORMS: list[tuple[str, tuple[str, ...], Callable[[User], Client]]] = [
    ("/konto/logga-in/", ("username", "password", "next"), _anonymous),
    ("/konto/tvastegsverifiering/", ("otp_token", "next"), _half_signed_in),
    ("/konto/engangslank/", ("new_password1", "new_password2", "username"), _holding_a_link),
    ("/i18n/setlang/", ("language", "next"), _anonymous),
]


@pytest.mark.parametrize(("path", "fields", "make_client"), FORMS, ids=[f[0] for f in FORMS])
def test_hostile_sign_in_input_never_answers_5xx(
    path: str, fields: tuple[str, ...], make_client: Callable[[User], Client]
) -> None:
    client = make_client(UserFactory.create(username="kim"))
    client.raise_request_exception = False

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def send(data: st.DataObject) -> None:
        sent = {name: data.draw(_values, label=name) for name in fields}
        with transaction.atomic():
            response = client.post(path, sent)
            transaction.set_rollback(True)
        shown = {name: [v[:80] for v in values] for name, values in sent.items()}
        assert response.status_code < 500, (path, shown, _crash(response))

    send()
