"""The write of a clean file: in steps that report how far it has got, still all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, connections
from django.test import Client

from samla.imports import tasks, writing
from samla.imports.models import ImportJob
from samla.imports.tests.builders import ANNA, build, csv_file, errors_of, run
from samla.people.models import Participant
from samla.people.tests.cast import Cast, sign_in
from samla.referrals.models import Referral

Seen = list[tuple[int, int]]


def anonymous_row(start: str = "2024-03-04") -> dict[str, str]:
    return {"insats": "Tyresö arbetsträning", "kön": "Kvinna", "startdatum": start}


def anna_row() -> dict[str, str]:
    return {
        "insats": "Tyresö arbetsträning",
        "personnummer": ANNA.formatted(),
        "förnamn": "Anna",
        "efternamn": "Andersson",
        "startdatum": "2024-05-06",
    }


@pytest.fixture
def progress_seen(monkeypatch: pytest.MonkeyPatch) -> Seen:
    """Two rows per step; each report recorded with the participations written so far (as the
    write's own transaction sees them)."""
    seen: Seen = []

    @contextmanager
    def recording(job_id: int) -> Iterator[Callable[[int], None]]:
        yield lambda rows_written: seen.append((rows_written, Referral.objects.count()))

    monkeypatch.setattr(writing, "WRITE_BATCH", 2)
    monkeypatch.setattr(tasks, "progress_of_write", recording)
    return seen


@pytest.mark.django_db
def test_the_write_reports_each_step_as_its_rows_are_written(
    cast: Cast, progress_seen: Seen
) -> None:
    build(cast)
    before = Referral.objects.count()

    job = run(cast.kim, cast, csv_file([anonymous_row() for _ in range(5)]))

    assert job.state == ImportJob.State.DONE
    assert progress_seen == [(2, before + 2), (4, before + 4), (5, before + 5)]
    assert Referral.objects.count() == before + 5


@pytest.mark.django_db
def test_a_write_that_fails_on_its_last_row_keeps_nothing(
    cast: Cast, progress_seen: Seen, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(cast)
    participants, referrals = Participant.objects.count(), Referral.objects.count()
    write_import = writing.write_import

    def after_a_colleague_registered_anna(*args: object, **kwargs: object) -> object:
        # Between the check and the write, a colleague registers the person on the last row:
        # the write of that row breaks people_participant_unique_id_number_per_controller.
        Participant.objects.create(
            association=cast.association,
            controlling_organisation=cast.tyreso,
            kind=Participant.Kind.IDENTIFIED,
            id_number=ANNA.value,
            id_number_kind=ANNA.kind.value,
            first_name="Anna",
            last_name="Andersson",
            sex="F",
            birth_date=ANNA.birth_date,
            start_year=2024,
            created_by=cast.tove,
        )
        return write_import(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(writing, "write_import", after_a_colleague_registered_anna)

    job = run(cast.kim, cast, csv_file([*(anonymous_row() for _ in range(4)), anna_row()]))

    assert progress_seen == [(2, referrals + 2), (4, referrals + 4)]  # then the last step failed
    assert job.state == ImportJob.State.FAILED
    assert job.rows_written == 0
    assert errors_of(job)[0][2].startswith("något i Samla ändrades medan filen kontrollerades")
    assert Referral.objects.count() == referrals
    assert Participant.objects.count() == participants + 1  # the colleague's Anna only


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows_written", "shown", "progress"),
    [
        (0, "Sparar…", '<progress aria-labelledby="import-progress-text">'),
        (2000, "Skriver rad 2\u00a0000 av 5\u00a0000", '<progress max="5000" value="2000"'),
    ],
)
def test_the_page_shows_how_far_the_write_has_got(
    cast: Cast, client: Client, rows_written: int, shown: str, progress: str
) -> None:
    build(cast)
    job = run(cast.kim, cast, csv_file([anonymous_row()]))
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.IMPORTING, total_rows=5000, rows_written=rows_written
    )
    sign_in(client, cast.kim)

    page = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()

    assert shown in page
    assert progress in page


# The job page is another process: it sees only what is committed. On PostgreSQL the progress
# goes through a connection of its own while the write's transaction is still open. SQLite
# allows one writer at a time, so there the page says "Sparar…" until the commit (tasks.py).
@pytest.mark.django_db(transaction=True)
def test_another_connection_sees_the_write_move_before_it_commits(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time; the progress is PostgreSQL's")
    build(cast)
    outside = connections.create_connection("default")  # as the job page's process
    seen: list[tuple[str, int, int]] = []
    progress_of_write = tasks.progress_of_write

    @contextmanager
    def watched(job_id: int) -> Iterator[Callable[[int], None]]:
        with progress_of_write(job_id) as report:

            def report_and_look(rows_written: int) -> None:
                report(rows_written)
                with outside.cursor() as cursor:
                    cursor.execute(
                        "SELECT state, rows_written, (SELECT count(*) FROM referrals_referral) "
                        "FROM imports_importjob WHERE id = %s",
                        [job_id],
                    )
                    seen.append(cursor.fetchone())

            yield report_and_look

    monkeypatch.setattr(writing, "WRITE_BATCH", 2)
    monkeypatch.setattr(tasks, "progress_of_write", watched)
    referrals = Referral.objects.count()
    try:
        job = run(cast.kim, cast, csv_file([anonymous_row() for _ in range(5)]))
    finally:
        outside.close()

    # The count moves; the rows themselves appear only when the whole file is written.
    assert seen == [
        ("importing", 2, referrals),
        ("importing", 4, referrals),
        ("importing", 5, referrals),
    ]
    assert job.state == ImportJob.State.DONE
    assert Referral.objects.count() == referrals + 5
