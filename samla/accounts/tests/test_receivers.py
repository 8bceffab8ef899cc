"""The organisation administrator keeps who receives the organisation's meeting invitations in
each association (issue 14, item 4): named people or everyone with a role."""

from __future__ import annotations

import pytest
from django.test import Client

from samla.accounts.models import Receiver, Role
from samla.accounts.tests.conftest import Cast
from samla.accounts.tests.factories import UserFactory
from samla.accounts.tests.signin import sign_in
from samla.audit.models import AuditEvent

RECEIVERS = "/konto/organisation/mottagare/"

pytestmark = pytest.mark.django_db


def test_the_admin_names_a_person_and_a_role_and_the_page_says_who_is_reached(
    client: Client, cast: Cast
) -> None:
    fanny = UserFactory.create(
        username="fanny",
        first_name="Fanny",
        last_name="Handläggare",
        organisation=cast.fk,
        roles=[(Role.CASE_HANDLER, cast.association)],
    )
    sign_in(client, cast.frans)
    page = client.get(RECEIVERS).content.decode()
    assert "Ingen tar emot kallelser till Försäkringskassan" in page
    organisation = client.get("/konto/organisation/").content.decode()
    assert "Mottagare av kallelser till möten" in organisation

    response = client.post(
        RECEIVERS, {"association": cast.association.pk, "user": fanny.pk}, follow=True
    )
    page = response.content.decode()
    assert "Mottagaren är tillagd." in page
    assert "Kallelser går nu till: Fanny Handläggare" in page
    receiver = Receiver.objects.get()
    assert (receiver.organisation, receiver.association, receiver.user) == (
        cast.fk,
        cast.association,
        fanny,
    )
    assert AuditEvent.objects.filter(object_type="accounts.receiver").count() == 1

    client.post(RECEIVERS, {"association": cast.association.pk, "role": Role.CASE_HANDLER})
    assert Receiver.objects.filter(role=Role.CASE_HANDLER).exists()

    response = client.post(f"{RECEIVERS}{receiver.pk}/ta-bort/", follow=True)
    assert "Fanny Handläggare tar inte längre emot kallelser." in response.content.decode()
    assert list(Receiver.objects.values_list("role", flat=True)) == [Role.CASE_HANDLER]


def test_bad_input_is_refused_with_a_reason_and_changes_nothing(client: Client, cast: Cast) -> None:
    board = UserFactory.create(
        username="bertil",
        first_name="Bertil",
        last_name="Styrelse",
        organisation=cast.fk,
        roles=[(Role.BOARD_MEMBER, cast.association)],
    )
    sign_in(client, cast.frans)
    response = client.post(RECEIVERS, {"association": cast.association.pk})
    assert response.status_code == 422
    assert "Välj en person eller en roll." in response.content.decode()

    response = client.post(RECEIVERS, {"association": cast.association.pk, "user": board.pk})
    page = response.content.decode()
    assert response.status_code == 422
    assert "Bertil Styrelse har ingen roll i Östra Södertörn som ger tillgång till" in page
    assert f'value="{board.pk}" selected' in page  # what was chosen is kept
    assert not Receiver.objects.exists()


def test_only_the_organisation_s_own_admin_keeps_its_receivers(client: Client, cast: Cast) -> None:
    receiver = Receiver.objects.create(
        organisation=cast.fk, association=cast.association, role=Role.CASE_HANDLER
    )
    sign_in(client, cast.kim)
    assert client.get(RECEIVERS).status_code == 404
    sign_in(client, cast.ada)
    assert "Alla med rollen" not in client.get(RECEIVERS).content.decode()
    assert client.post(f"{RECEIVERS}{receiver.pk}/ta-bort/").status_code == 404
    assert Receiver.objects.filter(pk=receiver.pk).exists()
