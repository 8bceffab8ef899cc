"""The demo's logins on the login page (samla.demo.context_processors), in demo mode only."""

from __future__ import annotations

import pytest
from django.test import Client

from samla.demo import logins

LOGIN = "/konto/logga-in/"

pytestmark = pytest.mark.django_db


def test_demo_logins_are_listed_in_demo_mode(client: Client, settings, monkeypatch) -> None:
    settings.SAMLA_DEMO = True
    monkeypatch.setattr(
        logins, "demo_logins", lambda: [("kim", "demo-lösenord", "Koordinator <i>Tyresö</i>")]
    )

    body = client.get(LOGIN).content.decode()

    assert "Inloggningar för demonstrationen" in body
    assert "demo-lösenord" in body
    assert "Koordinator &lt;i&gt;Tyresö&lt;/i&gt;" in body


def test_every_demo_login_is_on_the_login_page(client: Client, settings) -> None:
    settings.SAMLA_DEMO = True

    body = client.get(LOGIN).content.decode()

    for username, _password, _description in logins.demo_logins():
        assert f"<code>{username}</code>" in body


def test_demo_logins_are_hidden_outside_demo_mode(client: Client, settings) -> None:
    settings.SAMLA_DEMO = False

    body = client.get(LOGIN).content.decode()

    assert "Inloggningar för demonstrationen" not in body
    assert logins.DEMO_PASSWORD not in body


MIN_SAMLA_LOGIN = "/min-samla/logga-in/"


def test_the_demo_people_are_listed_on_min_samlas_login_page(client: Client, settings) -> None:
    settings.SAMLA_DEMO = True

    body = client.get(MIN_SAMLA_LOGIN).content.decode()

    assert "Personer i demonstrationen" in body
    for person in logins.DEMO_PEOPLE:
        assert f"{person.first_name} {person.last_name} – {person.description}" in body


def test_the_demo_people_are_hidden_outside_demo_mode(client: Client, settings) -> None:
    settings.SAMLA_DEMO = False

    body = client.get(MIN_SAMLA_LOGIN).content.decode()

    assert "Personer i demonstrationen" not in body
    assert logins.DEMO_PEOPLE[0].description not in body
