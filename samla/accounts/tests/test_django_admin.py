"""System administrators keep users and their roles in Django's admin."""

from __future__ import annotations

import pytest
from django.test import Client

from samla.accounts.models import Role, User
from samla.accounts.tests.conftest import Cast
from samla.accounts.tests.factories import UserFactory
from samla.accounts.tests.signin import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client: Client) -> Client:
    return sign_in(client, UserFactory.create(is_staff=True, is_superuser=True, organisation=None))


def test_the_user_list_and_add_form_open(superuser_client: Client, cast: Cast) -> None:
    listing = superuser_client.get("/admin/accounts/user/")
    add = superuser_client.get("/admin/accounts/user/add/")

    assert listing.status_code == 200
    assert "Tyresö kommun" in listing.content.decode()
    assert add.status_code == 200
    assert 'name="organisation"' in add.content.decode()


def test_a_user_shows_organisation_and_roles(superuser_client: Client, cast: Cast) -> None:
    response = superuser_client.get(f"/admin/accounts/user/{cast.kim.pk}/change/")

    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="organisation"' in body
    assert 'name="role_assignments-0-role"' in body


def test_the_add_form_creates_a_user_in_an_organisation(
    superuser_client: Client, cast: Cast
) -> None:
    response = superuser_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "ny",
            "organisation": cast.fk.pk,
            "password1": "Ett-långt-lösen-2026",
            "password2": "Ett-långt-lösen-2026",
            "usable_password": "true",
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-0-role": Role.CASE_HANDLER,
            "role_assignments-0-association": cast.association.pk,
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    created = User.objects.get(username="ny")
    assert created.organisation == cast.fk
    assert created.has_role(Role.CASE_HANDLER, association=cast.association)
