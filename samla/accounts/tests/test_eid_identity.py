"""The organisation administrator sets who a user is to e-ID: personnummer and HSA-id (ADR 0014).
Only Skatteverket's test numbers here (samla.idnumbers.test_personnummer)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from samla.accounts.models import User
from samla.accounts.tests.conftest import Cast
from samla.accounts.tests.factories import UserFactory
from samla.accounts.tests.signin import sign_in
from samla.accounts.tests.test_administration import NEW, edit_data, edit_url, new_user_data
from samla.audit.models import AuditEvent
from samla.idnumbers import test_personnummer

pytestmark = pytest.mark.django_db

VERA = test_personnummer(date(1984, 5, 17), "F")
COORDINATION = test_personnummer(date(1990, 1, 9), "M", coordination=True)


def test_the_admin_gives_a_new_user_a_personnummer_and_an_hsa_id(
    client: Client, cast: Cast
) -> None:
    sign_in(client, cast.ada)

    response = client.post(
        NEW, new_user_data(cast, identity_number=VERA.formatted(), hsa_id="se2321000016-ab12 ")
    )
    assert response.status_code == 200, response.context["form"].errors

    vera = User.objects.get(username="vera")
    assert vera.identity_number == VERA.value
    assert vera.hsa_id == "SE2321000016-AB12"


def test_a_samordningsnummer_is_accepted_and_the_change_is_logged_without_it(
    client: Client, cast: Cast
) -> None:
    sign_in(client, cast.ada)

    response = client.post(
        edit_url(cast.kim),
        edit_data(client, cast.kim, identity_number=COORDINATION.value),
        follow=True,
    )

    assert "Ändringarna är sparade." in response.content.decode()
    cast.kim.refresh_from_db()
    assert cast.kim.identity_number == COORDINATION.value
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.summary == "Ändrade: identity_number"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"identity_number": "19840517-0000"}, "Kontrollsiffran stämmer inte."),
        ({"identity_number": "840517-9802x"}, "Numret ska skrivas som ÅÅÅÅMMDD-NNNN."),
        ({"identity_number": "19840517-A980"}, "Ett reservnummer går inte att logga in med."),
        ({"hsa_id": "Kim på kontoret"}, "Ett HSA-id skrivs som SE2321000016-ABC1."),
    ],
)
def test_a_bad_number_or_hsa_id_is_refused(
    client: Client, cast: Cast, changes: dict[str, str], message: str
) -> None:
    sign_in(client, cast.ada)

    response = client.post(NEW, new_user_data(cast, **changes))

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not User.objects.filter(username="vera").exists()


def test_two_users_cannot_share_a_number_or_an_hsa_id(client: Client, cast: Cast) -> None:
    UserFactory.create(
        username="annan", organisation=cast.fk, identity_number=VERA.value, hsa_id="SE1-X"
    )
    sign_in(client, cast.ada)

    taken_number = client.post(NEW, new_user_data(cast, identity_number=VERA.value))
    taken_hsa = client.post(NEW, new_user_data(cast, hsa_id="se1-x"))

    assert "En annan användare har redan det personnumret." in taken_number.content.decode()
    assert taken_hsa.status_code == 422
    assert not User.objects.filter(username="vera").exists()


def test_the_database_holds_the_rules_too(cast: Cast) -> None:
    cast.kim.identity_number = VERA.value
    cast.kim.save(update_fields=["identity_number"])
    for changes in ({"identity_number": VERA.value}, {"identity_number": "1984-05-17"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.filter(pk=cast.ada.pk).update(**changes)
    # Empty is "none" and may repeat.
    assert User.objects.filter(identity_number="", hsa_id="").count() >= 2
