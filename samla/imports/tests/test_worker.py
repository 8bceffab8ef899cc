"""The import through the real task queue: queued when the upload commits, run by the worker."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from samla.imports.models import ImportJob
from samla.imports.tests.builders import ANNA, build, csv_file
from samla.people.models import Participant
from samla.people.tests.cast import Cast, sign_in
from samla.referrals.models import Referral


def run_worker() -> None:
    call_command("db_worker", batch=True, reload=False, verbosity=0)


# The worker closes its database connection when done, as in production: this test commits for
# real (transaction=True) instead of inside a test transaction.
@pytest.mark.django_db(transaction=True)
def test_an_upload_is_checked_and_written_by_the_worker(cast: Cast, client: Client) -> None:
    build(cast)
    sign_in(client, cast.kim)
    content = csv_file(
        [
            {
                "insats": "Tyresö arbetsträning",
                "personnummer": ANNA.formatted(),
                "förnamn": "Anna",
                "efternamn": "Andersson",
                "startdatum": "2024-01-08",
            },
            {"insats": "Tyresö arbetsträning", "kön": "Man", "startdatum": "2024-02-12"},
        ]
    )
    response = client.post(
        "/import/",
        {"association": cast.association.pk, "file": SimpleUploadedFile("historik.csv", content)},
    )
    job = ImportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.state == ImportJob.State.QUEUED

    run_worker()

    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert (job.rows_checked, job.total_rows, job.participations_created) == (2, 2, 2)
    assert Participant.objects.filter(id_number=ANNA.value).exists()
    assert Referral.objects.filter(state=Referral.State.STARTED).count() == 2
    assert "2 deltaganden sparades." in client.get(job.get_absolute_url()).content.decode()
