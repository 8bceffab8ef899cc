from __future__ import annotations

from django.test import Client

from samla.audit.models import AuditEvent
from samla.people.tests.cast import PASSWORD, Cast, sign_in


def test_my_account_shows_roles_and_second_factor(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    body = client.get("/konto/mitt-konto/").content.decode()
    assert "Kim Koordinator" in body
    assert "Koordinator (Östra Södertörn)" in body
    assert "Aktiverad" in body


def test_changing_the_password_keeps_me_signed_in_and_is_logged(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    new = "ett-nytt-långt-lösenord-2026"
    response = client.post(
        "/konto/mitt-konto/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    cast.kim.refresh_from_db()
    assert cast.kim.check_password(new)
    assert client.get("/konto/mitt-konto/").status_code == 200
    assert AuditEvent.objects.filter(actor_id=cast.kim.pk, summary="Bytte lösenord").exists()


def test_a_wrong_old_password_changes_nothing(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    response = client.post(
        "/konto/mitt-konto/",
        {
            "old_password": "fel",
            "new_password1": "abcdefghijkl-9",
            "new_password2": "abcdefghijkl-9",
        },
    )
    assert response.status_code == 422
    assert "Ditt gamla lösenord var felaktigt" in response.content.decode()
    cast.kim.refresh_from_db()
    assert cast.kim.check_password(PASSWORD)
