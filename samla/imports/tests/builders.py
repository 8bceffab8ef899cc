"""Import files for the tests, around the shared cast.

Kim (coordinator at Tyresö kommun) imports into "Tyresö arbetsträning", an individual activity
that Tyresö kommun itself provides in Östra Södertörn. "Mia Vidare" is provided by another
organisation (Arbetsmarknadsenheten Södertörn), "Kompetensutveckling" is structural. Identity
numbers are Skatteverket's test numbers (serials 980–999), never real ones.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook

from samla import idnumbers
from samla.accounts.models import User
from samla.activities.models import Activity
from samla.activities.tests.builders import individual, structural
from samla.imports import actions
from samla.imports.models import ImportJob
from samla.imports.tasks import run_import
from samla.people.tests.cast import Cast

ANNA = idnumbers.test_personnummer(date(1988, 3, 14), "F", index=1)
BO = idnumbers.test_personnummer(date(1979, 11, 2), "M", index=3)
CARL = idnumbers.test_personnummer(date(2001, 7, 30), "M", index=4)


@dataclass
class Setting:
    own: Activity
    other_provider: Activity
    structural: Activity


def build(cast: Cast) -> Setting:
    return Setting(
        own=individual(
            cast, name="Tyresö arbetsträning", provider=cast.tyreso, starts_on=date(2020, 1, 1)
        ),
        other_provider=individual(cast, name="Mia Vidare", starts_on=date(2020, 1, 1)),
        structural=structural(cast, name="Kompetensutveckling", starts_on=date(2020, 1, 1)),
    )


def csv_file(rows: list[dict[str, str]], *, delimiter: str = ";", bom: bool = False) -> bytes:
    header: list[str] = []
    for row in rows:
        header.extend(key for key in row if key not in header)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=delimiter, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def xlsx_file(header: list[str], rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run(actor: User, cast: Cast, content: bytes, file_name: str = "historik.csv") -> ImportJob:
    """Upload and run the task at once (in a test transaction the on-commit queueing never
    fires; samla/imports/tests/test_worker.py goes through the real worker)."""
    job = actions.create_job(
        actor=actor, association=cast.association, file_name=file_name, content=content
    )
    run_import.call(job.pk)
    job.refresh_from_db()
    return job


def errors_of(job: ImportJob) -> list[tuple[int | None, str, str]]:
    return [(e["row"], e["column"], e["message"]) for e in job.errors]
