"""The reference data is kept in Django's admin by system administrators."""

from __future__ import annotations

import pytest
from django.test import Client

from samla.accounts.tests.factories import AssociationFactory, OrganisationFactory, UserFactory
from samla.accounts.tests.signin import sign_in
from samla.organisations.models import Association

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client: Client, settings) -> Client:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    admin = UserFactory.create(is_staff=True, is_superuser=True, organisation=None)
    return sign_in(client, admin)


@pytest.mark.parametrize("model", ["municipality", "organisation", "association"])
def test_the_lists_and_add_forms_open(superuser_client: Client, model: str) -> None:
    assert superuser_client.get(f"/admin/organisations/{model}/").status_code == 200
    assert superuser_client.get(f"/admin/organisations/{model}/add/").status_code == 200


def test_an_association_shows_its_members_inline(superuser_client: Client) -> None:
    member = OrganisationFactory.create(name="Försäkringskassan")
    association = AssociationFactory.create(short_name="Östra Södertörn", members=[member])

    response = superuser_client.get(f"/admin/organisations/association/{association.pk}/change/")

    assert response.status_code == 200
    assert "memberships-0-organisation" in response.content.decode()
    assert "Försäkringskassan" in response.content.decode()


def test_the_admin_is_closed_to_ordinary_users(client: Client, settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sign_in(client, UserFactory.create())

    response = client.get("/admin/organisations/association/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert Association.objects.count() == 0
