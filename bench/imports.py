"""The import of history at scale: a generated 100 000-row CSV, checked and written.

Run alone with ``BENCH_ONLY=import python -m bench`` (``BENCH_IMPORT_ROWS`` sets the size), or as
the last part of the full bench. Seven rows in ten are identified by Skatteverket's test numbers
(some people on two rows), three are anonymous; half the participations have ended, with an exit
measurement; every row has an entry measurement with income sources. Prints the time to check
the file alone, then the whole task (read, check with progress, write in one transaction).

On PostgreSQL the floor is ``COPY`` of the same rows: the rows the task wrote are copied out of
the five tables, deleted and vacuumed away, then copied back in one transaction, timed with its
commit (where the deferred foreign keys are checked, as for the import). The ratio is the
import's speed against that floor's (1.0 = as fast as COPY of the finished rows).
"""

from __future__ import annotations

import csv
import io
import os
import random
import time
from datetime import date, timedelta
from typing import Any
from unittest import mock

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))

HEADER = [
    "insats",
    "personnummer",
    "förnamn",
    "efternamn",
    "kön",
    "startdatum",
    "slutdatum",
    "avslutsorsak",
    "sysselsättning vid start",
    "utbildningsnivå vid start",
    "mående vid start",
    "närhet vid start",
    "inkomstkällor vid start",
    "sysselsättning vid avslut",
    "mående vid avslut",
    "inkomstkällor vid avslut",
]
FIRST_NAMES = ["Anna", "Bo", "Cecilia", "David", "Elin", "Fredrik", "Greta", "Hassan", "Ida"]
LAST_NAMES = ["Andersson", "Berg", "Lind", "Nilsson", "Öberg", "Karlsson", "Ali", "Holm"]
OCCUPATIONS = ["Arbetssökande", "Sjukskriven, arbetar inte", "I förberedande insats", "Studerar"]
EXIT_REASONS = ["Studier", "Arbete utan subvention", "Ohälsa", "Flyttat", "Annat skäl"]
INCOMES = ["Ekonomiskt bistånd:100", "Sjukpenning:50; Lön:50", "Ingen inkomst", "Studiemedel:100"]


def generate(activity_names: list[str], rows: int, seed: int = 5) -> bytes:
    from samla import idnumbers

    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    people: list[tuple[str, str, str]] = []
    taken: set[tuple[str, str, date]] = set()  # the same participation twice is an error
    first_day = date(1960, 1, 1)
    for n in range(rows):
        activity = rng.choice(activity_names)
        started = date(2019, 1, 1) + timedelta(days=rng.randrange(5 * 365))
        if n % 10 < 7:
            if people and rng.random() < 0.15:
                number, first, last = rng.choice(people)  # a second participation
                while (number, activity, started) in taken:
                    started += timedelta(days=1)
            else:
                born = first_day + timedelta(days=len(people) // 20)
                sex = "F" if len(people) % 2 else "M"
                parsed = idnumbers.test_personnummer(born, sex, index=(len(people) // 2) % 10)
                number = parsed.formatted()
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                people.append((number, first, last))
            taken.add((number, activity, started))
            identity = [number, first, last, ""]
        else:
            identity = ["", "", "", rng.choice(["Kvinna", "Man", "X"])]
        ended = started + timedelta(days=rng.randrange(30, 400)) if n % 2 else None
        if ended and ended > date(2025, 12, 31):
            ended = None
        writer.writerow(
            [
                activity,
                *identity,
                started.isoformat(),
                ended.isoformat() if ended else "",
                rng.choice(EXIT_REASONS) if ended else "",
                rng.choice(OCCUPATIONS),
                "Gymnasial",
                str(rng.randint(1, 5)),
                str(rng.randint(1, 5)),
                rng.choice(INCOMES),
                rng.choice(OCCUPATIONS) if ended else "",
                str(rng.randint(1, 5)) if ended else "",
                rng.choice(INCOMES) if ended else "",
            ]
        )
    return out.getvalue().encode("utf-8")


def setting():
    """A provider with four individual activities in an association of its own, and its
    coordinator, who imports."""
    from samla.accounts.models import Role, RoleAssignment, User
    from samla.activities.models import Activity
    from samla.organisations.models import Association, Organisation

    suffix = f"{time.time_ns() % 10**9:09d}"
    office = Organisation.objects.create(
        name=f"Bänkförbundet {suffix}",
        kind=Organisation.Kind.ASSOCIATION,
        organisation_number=f"91{suffix[:4]}-{suffix[4:8]}",
    )
    association = Association.objects.create(organisation=office, short_name=f"Bänk {suffix}")
    provider = Organisation.objects.create(
        name=f"Bänkutföraren {suffix}",
        kind=Organisation.Kind.PROVIDER,
        organisation_number=f"92{suffix[:4]}-{suffix[4:8]}",
    )
    importer = User.objects.create_user(
        username=f"bench.import.{suffix}", password=None, organisation=provider
    )
    RoleAssignment.objects.create(user=importer, role=Role.COORDINATOR, association=association)
    names = [f"Insats {letter}" for letter in "ABCD"]
    for name in names:
        Activity.objects.create(
            association=association,
            name=name,
            kind=Activity.Kind.INDIVIDUAL,
            provider=provider,
            starts_on=date(2018, 1, 1),
            capacity=50_000,  # a history with many people still taking part
            created_by=importer,
        )
    return association, importer, names


# The tables an import writes, in the order they can be written, with the rows of one importer's
# job (%s: the importer's key).
WRITTEN = [
    ("people_participant", "created_by_id = %s"),
    ("referrals_referral", "referred_by_id = %s"),
    (
        "referrals_referralevent",
        "referral_id IN (SELECT id FROM referrals_referral WHERE referred_by_id = %s)",
    ),
    ("measurements_measurement", "recorded_by_id = %s"),
    (
        "measurements_incomesource",
        "measurement_id IN (SELECT id FROM measurements_measurement WHERE recorded_by_id = %s)",
    ),
]


def copy_floor(importer_id: int) -> tuple[float, int]:
    """COPY the rows the import wrote back into their tables; (seconds, database rows)."""
    from django.db import connection, transaction

    dumps: list[tuple[str, bytes]] = []
    with connection.cursor() as cursor:
        for table, where in WRITTEN:
            data = bytearray()
            query = f"COPY (SELECT * FROM {table} WHERE {where}) TO STDOUT"  # noqa: S608
            with cursor.cursor.copy(query, [importer_id]) as copy:
                for block in copy:
                    data += block
            dumps.append((table, bytes(data)))
        with transaction.atomic():
            for table, where in reversed(WRITTEN):
                cursor.execute(f"DELETE FROM {table} WHERE {where}", [importer_id])  # noqa: S608
        for table, _where in WRITTEN:  # as empty of dead rows as the tables the import wrote to
            cursor.execute(f"VACUUM {table}")
        started = time.perf_counter()
        with transaction.atomic():
            for table, data in dumps:
                with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(data)
        seconds = time.perf_counter() - started
    return seconds, sum(data.count(b"\n") for _table, data in dumps)


def run() -> dict[str, float]:
    from django.db import connection, transaction
    from django.utils import timezone

    from samla.imports import actions, writing
    from samla.imports.models import ImportJob
    from samla.imports.reading import read
    from samla.imports.tasks import collecting_at_the_end, run_import
    from samla.imports.validation import Validator
    from samla.referrals.models import Referral

    association, importer, names = setting()
    content = generate(names, ROWS)
    print(f"\nImport of history: {ROWS} rows, {len(content) / 1e6:.1f} MB of CSV")

    started = time.perf_counter()
    with collecting_at_the_end():  # as the task checks
        sheet = read("bench.csv", content)
        validator = Validator(
            organisation_id=importer.organisation_id,
            association_id=association.pk,
            today=timezone.localdate(),
        )
        assert validator.check_header(sheet.header)
        for number, cells in sheet.rows:
            validator.check_row(number, cells)
    check_s = time.perf_counter() - started
    assert validator.is_clean, validator.errors[:5]

    with transaction.atomic():  # the queued task is never run by a worker here; run it below
        job = actions.create_job(
            actor=importer, association=association, file_name="bench.csv", content=content
        )
    before = Referral.objects.count()
    write_import = writing.write_import
    write_s = 0.0

    def timed_write(*args: Any, **kwargs: Any) -> Any:
        nonlocal write_s
        began = time.perf_counter()
        try:
            return write_import(*args, **kwargs)
        finally:
            write_s = time.perf_counter() - began

    started = time.perf_counter()
    with mock.patch.object(writing, "write_import", timed_write):
        state = run_import.call(job.pk)
    total_s = time.perf_counter() - started
    job = ImportJob.objects.get(pk=job.pk)
    assert state == ImportJob.State.DONE, job.errors[:5]
    assert Referral.objects.count() - before == ROWS
    figures = {
        "check only (read + validate), rows/s": ROWS / check_s,
        "check only, s": check_s,
        "whole task (read, check, write), rows/s": ROWS / total_s,
        "whole task, s": total_s,
        "of which the write (one transaction), s": write_s,
    }
    print(
        f"  written: {job.participants_created} new participants, {job.participations_created} "
        f"participations, {job.measurements_created} measurements, "
        f"{job.income_sources_created} income sources"
    )
    if connection.vendor == "postgresql":
        copy_s, database_rows = copy_floor(importer.pk)
        figures["COPY of the same rows, s"] = copy_s
        figures["COPY of the same rows, database rows"] = database_rows
        figures["import speed / COPY speed (goal >= 0.5)"] = copy_s / total_s
    for name, value in figures.items():
        print(f"  {name:42} {value:10.2f}")
    return figures
