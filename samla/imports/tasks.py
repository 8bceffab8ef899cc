"""The background task that checks an uploaded file and, if every row is right, writes it.

Progress is written every ``PROGRESS_EVERY`` rows in its own short transaction (the worker runs
in autocommit), so the job page, polling, sees the count move while the file is checked. The
write itself is one transaction, so its progress (after each step of ``writing.WRITE_BATCH``
rows) cannot go through the task's connection: the page would see it only at the commit. On
PostgreSQL it is written through a second connection of its own, in autocommit
(``progress_of_write``). SQLite lets one connection write at a time, and the write holds that
lock until it commits, so there the page says "Sparar…" until the end; SQLite serves one
association's development and tests, where the write takes seconds.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import IntegrityError, connections, router
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from samla.imports import writing
from samla.imports.models import ImportJob
from samla.imports.reading import UnreadableFile, read
from samla.imports.validation import Validator

PROGRESS_EVERY = 1000


@task()
def run_import(job_id: int) -> str:
    """Check the job's file and write it, all or nothing. Returns the job's final state."""
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
        state=ImportJob.State.VALIDATING, started_at=timezone.now()
    )
    if not claimed:
        return "not queued"  # already taken by another run of the task
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with collecting_at_the_end():
                return _run(job)
        except Exception:
            writing.reject_job(job, [writing.unexpected_failure()], 1)
            raise


@contextmanager
def collecting_at_the_end() -> Iterator[None]:
    """Python's cyclic garbage collector paused for the check and the write. They build
    hundreds of thousands of objects and keep them (the plan of what to write), and the
    collector would walk them all again and again as they grow: half the time of the check of
    100 000 rows (``bench/imports.py``). What they build is freed by reference counting; any
    cycle waits for the collection at the end."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


def report_progress(job_id: int, rows_checked: int) -> None:
    ImportJob.objects.filter(pk=job_id).update(rows_checked=rows_checked)


@contextmanager
def progress_of_write(job_id: int) -> Iterator[Callable[[int], None]]:
    """A function that records how many rows the write has written, committed at once (on
    PostgreSQL; a no-op on SQLite, see above)."""
    alias = router.db_for_write(ImportJob)
    if connections[alias].vendor != "postgresql":
        yield _unseen
        return
    own = connections.create_connection(alias)  # not the task's: committed at once
    table = own.ops.quote_name(ImportJob._meta.db_table)
    written = own.ops.quote_name(ImportJob._meta.get_field("rows_written").column)
    key = own.ops.quote_name(ImportJob._meta.get_field("id").column)

    def report(rows_written: int) -> None:
        with own.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {written} = %s WHERE {key} = %s",  # noqa: S608
                [rows_written, job_id],
            )

    try:
        yield report
    finally:
        own.close()


def _unseen(rows_written: int) -> None:
    pass


def _run(job: ImportJob) -> str:
    try:
        sheet = read(job.file_name, bytes(job.content))
    except UnreadableFile as error:
        writing.reject_job(job, [writing.failure(str(error))], 1)
        return ImportJob.State.FAILED
    if not sheet.rows:
        writing.reject_job(job, [writing.failure(_("filen har inga rader under rubrikraden."))], 1)
        return ImportJob.State.FAILED
    ImportJob.objects.filter(pk=job.pk).update(total_rows=len(sheet.rows))

    validator = Validator(
        organisation_id=job.organisation_id,
        association_id=job.association_id,
        today=timezone.localdate(),
    )
    if validator.check_header(sheet.header):
        for checked, (number, cells) in enumerate(sheet.rows, start=1):
            validator.check_row(number, cells)
            if checked % PROGRESS_EVERY == 0:
                report_progress(job.pk, checked)
        report_progress(job.pk, len(sheet.rows))
        validator.check_places()
    if not validator.is_clean:
        writing.reject_job(job, validator.errors, validator.error_count)
        return ImportJob.State.FAILED

    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.IMPORTING)
    try:
        with progress_of_write(job.pk) as progress:
            writing.write_import(job, validator.plan, actor=job.created_by, progress=progress)
    except IntegrityError:
        # Someone changed Samla between the check and the write: say, a colleague registered
        # one of the people. The transaction is rolled back; nothing of the file is kept.
        writing.reject_job(
            job,
            [
                writing.failure(
                    _(
                        "något i Samla ändrades medan filen kontrollerades (till exempel "
                        "registrerades en av personerna av en kollega). Inget sparades. Ladda "
                        "upp filen igen."
                    )
                )
            ],
            1,
        )
        return ImportJob.State.FAILED
    return ImportJob.State.DONE
