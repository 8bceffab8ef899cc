"""The person's access extract (page and PDF) and the organisation's log review (R4)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.test import Client

from samla.accounts.models import Role, RoleAssignment
from samla.audit.models import AuditEvent
from samla.people.models import Participant
from samla.people.tests.cast import Cast, sign_in


def pdf_text(pdf: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils")
    path = tmp_path / "extract.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout.replace("\n", " ")


def test_the_extract_lists_who_read_under_which_consent(cast: Cast, client: Client) -> None:
    sign_in(client, cast.fia)
    client.get(cast.pia.get_absolute_url())
    sign_in(client, cast.kim)
    body = client.get(f"/granskning/deltagare/{cast.pia.pk}/vem-har-last/").content.decode()
    assert "Fia Handläggare" in body
    assert "Försäkringskassan" in body
    assert f"Samtycke från {cast.consent_fk.valid_from.isoformat()}" in body
    assert "Läste: Översikt" in body


def test_the_extract_pdf_is_plain_swedish_for_the_person(
    cast: Cast, client: Client, tmp_path
) -> None:
    sign_in(client, cast.fia)
    client.get(cast.pia.get_absolute_url())
    sign_in(client, cast.kim)
    response = client.get(f"/granskning/deltagare/{cast.pia.pk}/vem-har-last.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "Vem har läst dina uppgifter?" in text
    assert "Pia Persson" in text
    assert "Fia Handläggare" in text
    assert "Med stöd av ditt samtycke från" in text
    assert AuditEvent.objects.filter(participant_id=cast.pia.pk, action="print").count() == 1


def test_a_handler_from_another_organisation_cannot_take_the_extract(
    cast: Cast, client: Client
) -> None:
    sign_in(client, cast.fia)
    assert client.get(f"/granskning/deltagare/{cast.pia.pk}/vem-har-last/").status_code == 403


def test_log_review_shows_the_organisations_records_and_flags_protected_reads(
    cast: Cast, client: Client
) -> None:
    admin = type(cast.kim).objects.create_user(
        username="greta",
        password="x",
        first_name="Greta",
        last_name="Granskare",
        organisation=cast.tyreso,
    )
    RoleAssignment.objects.create(user=admin, role=Role.ORG_ADMIN)
    Participant.objects.filter(pk=cast.pia.pk).update(protection="registration")
    sign_in(client, cast.kim)
    client.get(cast.pia.get_absolute_url())
    sign_in(client, cast.fia)  # FK reads nothing of Pia now; its login is not Tyresö's business
    sign_in(client, admin)
    body = client.get("/granskning/", {"flagged": "on"}).content.decode()
    assert "Kim Koordinator" in body and "Pia Persson" in body and "Skyddad" in body
    body = client.get(
        "/granskning/", {"date_from": "2026-12-01", "date_to": "2026-01-01"}
    ).content.decode()
    assert "Slutdatumet kan inte vara före startdatumet." in body


def test_log_review_is_for_organisation_administrators_only(cast: Cast, client: Client) -> None:
    for person in (cast.kim, cast.olle, cast.bodil):
        sign_in(client, person)
        assert client.get("/granskning/").status_code == 404
