"""The person's access extract (page and PDF) and the organisation's log review (R4)."""

from __future__ import annotations

from django.test import Client

from samla.accounts.models import Role, RoleAssignment, User
from samla.audit.models import AuditEvent
from samla.oversight.references import reference_for
from samla.people.access import read_own
from samla.people.models import Participant
from samla.people.tests.cast import Cast, sign_in
from samla.plans.tests.matrix import build_agreed_plan
from samla.referrals.tests.builders import build as build_referral_setting
from samla.web.tests.pdf import pdf_text as checked_pdf_text


def pdf_text(pdf: bytes, tmp_path) -> str:
    return checked_pdf_text(pdf)  # tagged, nothing cut off


def test_the_extract_lists_who_read_under_which_consent(cast: Cast, client: Client) -> None:
    sign_in(client, cast.fia)
    client.get(cast.pia.get_absolute_url())
    sign_in(client, cast.kim)
    body = client.get(f"/granskning/deltagare/{cast.pia.pk}/vem-har-last/").content.decode()
    assert "Fia Handläggare" in body
    assert "Försäkringskassan" in body
    consent = cast.consent_fk
    assert consent.valid_to is not None
    assert (
        f"Samtycke #{consent.pk}, gällande {consent.valid_from.isoformat()}–"
        f"{consent.valid_to.isoformat()}" in body
    )
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
    assert f"Med stöd av ditt samtycke (nummer {cast.consent_fk.pk})" in text
    assert "Handläggare" in text and "case_handler" not in text
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
    assert "Kim Koordinator" in body and "Skyddad" in body
    assert reference_for(cast.tyreso.pk, cast.pia.pk) in body and "Pia" not in body
    body = client.get(
        "/granskning/", {"date_from": "2026-12-01", "date_to": "2026-01-01"}
    ).content.decode()
    assert "Slutdatumet kan inte vara före startdatumet." in body


def test_log_review_is_for_organisation_administrators_only(cast: Cast, client: Client) -> None:
    for person in (cast.kim, cast.olle, cast.bodil):
        sign_in(client, person)
        assert client.get("/granskning/").status_code == 404


def reviewer(cast: Cast) -> User:
    """Tyresö kommun's log reviewer: Tyresö is Pia's data controller."""
    admin = User.objects.create_user(
        username="greta",
        password="x",
        first_name="Greta",
        last_name="Granskare",
        organisation=cast.tyreso,
    )
    RoleAssignment.objects.create(user=admin, role=Role.ORG_ADMIN)
    return admin


def review_rows(client: Client, **filters: str) -> list[str]:
    body = client.get("/granskning/", filters).content.decode()
    return [" ".join(row.split()) for row in body.split("<tr>")[2:]]


def test_log_review_shows_the_consent_that_let_another_organisation_read_and_write(
    cast: Cast, client: Client
) -> None:
    pias = build_agreed_plan(cast)
    sign_in(client, cast.fia)
    client.get(cast.pia.get_absolute_url())
    response = client.post(
        f"/arbetslista/atgard/{pias.fk.pk}/status/", {"status": "ongoing", "version": 1}
    )
    assert response.status_code in (200, 302)
    write = AuditEvent.objects.filter(actor_id=cast.fia.pk, action=AuditEvent.Action.UPDATE).latest(
        "pk"
    )
    assert (write.consent_id, write.role) == (cast.consent_fk.pk, "case_handler")

    sign_in(client, reviewer(cast))
    consent = cast.consent_fk
    assert consent.valid_to is not None
    basis = (
        f"Samtycke #{consent.pk}, gällande {consent.valid_from.isoformat()}–"
        f"{consent.valid_to.isoformat()}"
    )
    fias = [row for row in review_rows(client) if "Fia Handläggare" in row]
    read = next(row for row in fias if "Läste: Översikt" in row)
    changed = next(row for row in fias if "Ändrade" in row)
    for row in (read, changed):
        assert basis in row
        assert "Handläggare" in row and "case_handler" not in row
        assert "Ansvarig organisation" not in row
    pia = reference_for(cast.tyreso.pk, cast.pia.pk)
    kims = [row for row in review_rows(client) if "Kim Koordinator" in row and pia in row]
    assert kims and all(
        "Ansvarig organisation" in row and "Koordinator" in row and "coordinator" not in row
        for row in kims
    )


def test_log_review_shows_the_referral_that_let_a_provider_read(cast: Cast, client: Client) -> None:
    setting = build_referral_setting(cast)
    sign_in(client, setting.ulla)
    assert client.get(f"/remisser/{setting.referral.pk}/").status_code == 200
    sign_in(client, reviewer(cast))
    row = next(
        row
        for row in review_rows(client, reference=reference_for(cast.tyreso.pk, cast.pia.pk))
        if "Remiss (utförare)" in row
    )
    assert f"Remiss #{setting.referral.pk} till {setting.referral.activity.name}" in row
    assert "Utförare (insatspersonal)" in row and "provider" not in row


def test_the_staff_extract_names_the_persons_own_reads_and_prints_the_summary_first(
    cast: Cast, client: Client
) -> None:
    person = User.objects.create_user(username="pia-person", first_name="Pia", last_name="Persson")
    person.person_number = cast.pia.id_number
    person.save(update_fields=["person_number"])
    read_own(person, purpose="Vem har läst om mig")
    sign_in(client, cast.fia)
    client.get(cast.pia.get_absolute_url())
    sign_in(client, cast.kim)
    body = client.get(f"/granskning/deltagare/{cast.pia.pk}/vem-har-last/").content.decode()
    assert "Personen själv" in body and ">person<" not in body
    response = client.get(f"/granskning/deltagare/{cast.pia.pk}/vem-har-last.pdf")
    text = pdf_text(response.content, None)
    summary = text[text.index("Sammanfattning") : text.index("Läsningar och ändringar")]
    assert "Försäkringskassan Handläggare 1 gång" in summary
    assert "Du själv 1 gång" in summary
