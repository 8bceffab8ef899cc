"""The upload page, the job page and who opens them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from samla.accounts.models import Role
from samla.activities.tests.builders import provider
from samla.audit.models import AuditEvent
from samla.imports import forms
from samla.imports.models import ImportJob
from samla.imports.tests.builders import build, csv_file, run
from samla.people.models import Participant
from samla.people.tests.cast import Cast, sign_in, user

pytestmark = pytest.mark.django_db

ROW = {"insats": "Tyresö arbetsträning", "kön": "K", "startdatum": "2024-02-05"}


def post(client: Client, cast: Cast, content: bytes, name: str = "historik.csv"):
    return client.post(
        "/import/",
        {"association": cast.association.pk, "file": SimpleUploadedFile(name, content)},
    )


def test_an_upload_queues_a_job_and_shows_its_page(cast: Cast, client: Client) -> None:
    build(cast)
    sign_in(client, cast.kim)
    page = client.get("/import/")
    assert page.status_code == 200
    assert "Tyresö kommun blir personuppgiftsansvarig" in page.content.decode()

    response = post(client, cast, csv_file([ROW]))

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/import/{job.pk}/"
    assert (job.state, job.created_by, job.organisation, job.association) == (
        ImportJob.State.QUEUED,
        cast.kim,
        cast.tyreso,
        cast.association,
    )
    assert bytes(job.content) == csv_file([ROW]) and job.file_name == "historik.csv"
    body = client.get(response["Location"]).content.decode()
    assert "Filen väntar på att kontrolleras." in body
    assert 'hx-trigger="every 1s"' in body  # the page polls until the job is finished
    assert "historik.csv" in client.get("/import/").content.decode()  # listed under "Dina importer"


def test_the_page_shows_progress_and_stops_polling_when_done(cast: Cast, client: Client) -> None:
    build(cast)
    sign_in(client, cast.kim)
    post(client, cast, csv_file([ROW] * 3))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.VALIDATING, total_rows=100_000, rows_checked=12_000
    )

    fragment = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})

    body = fragment.content.decode()
    assert "Rad 12\u00a0000 av 100\u00a0000 kontrollerade" in body
    assert '<progress max="100000" value="12000"' in body
    assert "<h1>" not in body  # only the status fragment

    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.QUEUED, total_rows=0, rows_checked=0
    )
    from samla.imports.tasks import run_import

    run_import.call(job.pk)
    done = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "Importen är klar" in done and "3 deltaganden sparades." in done
    assert "hx-trigger" not in done


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("historik.txt", b"insats;startdatum\n", "Filen ska vara en .csv- eller .xlsx-fil."),
        ("historik.xlsx", b"insats;startdatum\n", "Filen är ingen Excel-fil (.xlsx)."),
        ("historik.csv", "insats;kön\nÖ;K\n".encode("latin-1"), "Filen är inte sparad som UTF-8."),
        ("historik.csv", b"", "Filen är tom."),
    ],
)
def test_the_form_refuses_what_is_not_an_import_file(
    cast: Cast, client: Client, name: str, content: bytes, message: str
) -> None:
    build(cast)
    sign_in(client, cast.kim)
    response = post(client, cast, content, name)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_form_refuses_a_file_over_the_limit(
    cast: Cast, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(cast)
    monkeypatch.setattr(forms, "MAX_UPLOAD_BYTES", 10)
    sign_in(client, cast.kim)
    response = post(client, cast, csv_file([ROW]))
    assert response.status_code == 422
    assert "Filen är större än 20 MB." in response.content.decode()


def test_the_same_file_is_not_imported_twice(cast: Cast, client: Client) -> None:
    build(cast)
    content = csv_file([ROW])
    run(cast.kim, cast, content)
    sign_in(client, cast.tove)  # a colleague at Tyresö kommun: the same organisation's data
    response = post(client, cast, content)
    assert response.status_code == 422
    assert "Den här filen importerades redan" in response.content.decode()


def test_activity_staff_import_into_their_organisations_activity(
    cast: Cast, client: Client
) -> None:
    build(cast)
    ame = provider(cast)
    ulla = user("ulla", "Ulla", "Utförare", ame, (Role.ACTIVITY_STAFF, cast.association))
    sign_in(client, ulla)
    response = post(client, cast, csv_file([ROW | {"insats": "Mia Vidare"}]))
    assert response.status_code == 302
    from samla.imports.tasks import run_import

    job = ImportJob.objects.get()
    run_import.call(job.pk)
    participant = Participant.objects.get(referrals__activity__name="Mia Vidare")
    assert participant.controlling_organisation == ame  # the provider is the data controller


def test_a_coordinator_without_activities_is_told(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)  # no activity provided by Tyresö kommun yet
    response = post(client, cast, csv_file([ROW]))
    assert response.status_code == 422
    assert "Din organisation utför ingen individinriktad insats i Östra Södertörn" in (
        response.content.decode()
    )


@pytest.mark.parametrize("who", ["olle", "bodil", "fia", "wera", "nils"])
def test_the_office_board_and_handlers_cannot_import(cast: Cast, client: Client, who: str) -> None:
    build(cast)
    sign_in(client, cast.everyone()[who])
    assert client.get("/import/").status_code == 404
    assert client.get("/import/mall.csv").status_code == 404
    assert post(client, cast, csv_file([ROW])).status_code == 404
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("who", ["tove", "fia", "olle", "bodil"])
def test_a_job_is_seen_by_its_uploader_only(cast: Cast, client: Client, who: str) -> None:
    build(cast)
    job = run(cast.kim, cast, csv_file([ROW | {"kön": ""}]))  # a job with an error report
    assert job.state == ImportJob.State.FAILED
    reads_before = AuditEvent.objects.count()

    sign_in(client, cast.everyone()[who])
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(f"/import/{job.pk}/felrapport.csv").status_code == 404
    assert "historik.csv" not in client.get("/import/").content.decode()

    sign_in(client, cast.kim)
    assert client.get(job.get_absolute_url()).status_code == 200
    assert client.get(f"/import/{job.pk}/felrapport.csv").status_code == 200
    assert AuditEvent.objects.count() == reads_before


def test_the_template_file_lists_every_column(cast: Cast, client: Client) -> None:
    build(cast)
    sign_in(client, cast.kim)
    response = client.get("/import/mall.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header = response.content.decode("utf-8-sig").splitlines()[0].split(";")
    assert header[:9] == [
        "insats",
        "personnummer",
        "förnamn",
        "efternamn",
        "kön",
        "startår",
        "startdatum",
        "slutdatum",
        "avslutsorsak",
    ]
    assert "tid med försörjningsstöd vid start" in header
    assert "tid med försörjningsstöd vid avslut" not in header
    assert "sysselsättning efter 6 månader" in header
