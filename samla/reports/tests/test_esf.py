"""The ESF participant file: its lines against the Referral rows, one audit row per person in
the same transaction, and nobody but the provider's ESF reporter reaching it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from samla.accounts.models import Role
from samla.audit.models import AuditEvent
from samla.measurements.models import Measurement
from samla.people.models import Participant
from samla.people.names import search_name
from samla.people.tests.cast import Cast, sign_in, user
from samla.reports import actions
from samla.reports.esf import EsfMonth
from samla.reports.tests.builders import Setting, build, give_role
from samla.reports.tests.counts import active_between

pytestmark = pytest.mark.django_db

MONTH = EsfMonth(2011, 5)


@pytest.fixture
def setting(cast: Cast) -> Setting:
    return build(cast)


def url(setting: Setting, query: str = "") -> str:
    return f"/utforare/esf/{setting.sams.pk}/{query}"


def expected_lines(setting: Setting, month: EsfMonth) -> list[list[str]]:
    """What the file must say, worked out from the rows: one line per participation under way
    in the month, the end only if it came by the month's end."""
    occupations = {
        (m.referral_id, m.occasion): m.occupation
        for m in Measurement.objects.filter(referral__activity=setting.sams)
    }
    lines = []
    for r in sorted(
        active_between(setting.sams, month.first, month.last),
        key=lambda r: (r.started_on, r.pk),
    ):
        person = r.participant
        if person.is_protected:
            continue  # R6: only counted, in the notes
        ended = r.ended_on is not None and r.ended_on <= month.last
        lines.append(
            [
                person.id_number,
                {"F": "K", "M": "M", "X": "X"}[person.sex],
                str(person.birth_date.year) if person.birth_date else "",
                str(r.started_on),
                str(r.ended_on) if ended else "",
                r.exit_reason if ended else "",
                occupations.get((r.pk, "entry"), ""),
                occupations.get((r.pk, "exit"), "") if ended else "",
            ]
        )
    return lines


def split(rows: list[list[str]]) -> tuple[list[list[str]], list[list[str]]]:
    """The file's lines and its notes, which follow the lines after an empty row."""
    empty = next(i for i, row in enumerate(rows) if not any(row))
    return rows[1:empty], rows[empty + 1 :]


def expected_notes(total: int, protected: int) -> list[list[str]]:
    return [
        ["Anteckningar"],
        ["Deltaganden under månaden", str(total)],
        ["Varav med skyddade personuppgifter", str(protected)],
        [
            f"{protected} deltagare med skyddade personuppgifter ingår bara i antalet: de skrivs "
            "inte ut med namn, personnummer, adress eller andra uppgifter."
        ],
    ]


def cell_text(cell: object) -> str:
    """An XLSX cell as the CSV file writes it (a date without its time)."""
    return "" if cell is None else str(cell)[:10] if hasattr(cell, "year") else str(cell)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_esf_reporter_gets_one_line_per_participation_and_each_person_is_logged(
    setting: Setting, client: Client
) -> None:
    sign_in(client, setting.esf_reporter)
    page = client.get(url(setting))
    assert page.status_code == 200 and '<option value="2011-05"' in page.content.decode()
    before = getattr(AuditEvent.objects.last(), "pk", 0)

    response = client.get(url(setting, "?month=2011-05&format=csv"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = csv_rows(response.content)
    assert rows[0] == [
        "Personnummer",
        "Kön",
        "Födelseår",
        "Startdatum",
        "Slutdatum",
        "Avslutsorsak",
        "Sysselsättning vid start",
        "Sysselsättning vid avslut",
    ]
    expected = expected_lines(setting, MONTH)
    lines, notes = split(rows)
    assert len(expected) >= 20 and lines == expected
    assert notes == expected_notes(len(expected), 0)
    assert any(line[0] == "" for line in expected)  # anonymous participants count too (R5)
    assert any(line[4] for line in expected) and any(not line[4] for line in expected)
    assert all(len(line[0]) in (0, 12) for line in lines)

    logged = list(AuditEvent.objects.filter(pk__gt=before).order_by("pk"))
    people = {r.participant_id for r in active_between(setting.sams, MONTH.first, MONTH.last)}
    assert sorted(e.participant_id or 0 for e in logged) == sorted(people)  # one per person
    assert {(e.action, e.role, e.actor_id, e.object_id) for e in logged} == {
        (AuditEvent.Action.EXPORT, "esf_reporter", setting.esf_reporter.pk, str(setting.sams.pk))
    }
    assert {e.summary for e in logged} == {"ESF-deltagarfil 2011-05"}


def test_the_xlsx_file_has_the_same_lines(setting: Setting, client: Client) -> None:
    sign_in(client, setting.esf_reporter)
    response = client.get(url(setting, "?month=2011-05&format=xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [[cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    lines, notes = split(rows)
    expected = expected_lines(setting, MONTH)
    assert lines == expected
    assert [[cell for cell in row if cell] for row in notes] == expected_notes(len(expected), 0)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "protection",
    [Participant.Protection.CONFIDENTIALITY_MARKING, Participant.Protection.PROTECTED_REGISTRATION],
)
def test_a_protected_person_is_only_counted_and_their_read_flagged(
    setting: Setting, protection: str, file_format: str
) -> None:
    """R6: no name, number or address of theirs, nor a line at all; the notes count them."""
    active = active_between(setting.sams, MONTH.first, MONTH.last)
    person = next(r.participant for r in active if r.participant.id_number)
    Participant.objects.filter(pk=person.pk).update(
        protection=protection,
        first_name="Skyddad",
        last_name="Hemligsson",
        search_name=search_name("Skyddad", "Hemligsson"),
        street_address="Gömda gatan 7",
        postal_code="13540",
        city="Tyresö",
    )
    exported = actions.export_esf_file(
        setting.sams, actor=setting.esf_reporter, month=MONTH, file_format=file_format
    )

    if file_format == "csv":
        rows = csv_rows(exported.content)
        text = exported.content.decode("utf-8-sig")
    else:
        sheet = load_workbook(io.BytesIO(exported.content)).active
        assert sheet is not None
        rows = [[cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
        text = "\n".join(";".join(row) for row in rows)
    for secret in (person.id_number, person.id_number[2:], "Skyddad", "Hemligsson", "Gömda"):
        assert secret not in text
    lines, notes = split(rows)
    mine = [r for r in active if r.participant_id == person.pk]
    assert len(lines) == len(active) - len(mine)
    assert lines == expected_lines(setting, MONTH)
    assert [[cell for cell in row if cell] for row in notes] == expected_notes(
        len(active), len(mine)
    )
    flagged = AuditEvent.objects.filter(flagged=True, role="esf_reporter")
    assert [e.participant_id for e in flagged] == [person.pk]


def test_a_file_that_cannot_be_logged_is_not_made(setting: Setting, monkeypatch) -> None:
    """The log fails after three people's rows are written: they are rolled back with it."""
    from samla.audit.record import record_each as original
    from samla.reports import actions as module

    def record_until_the_log_fails(people: Iterable[tuple[int, bool]], **kwargs: Any) -> int:
        assert original(list(people)[:3], **kwargs) == 3
        raise RuntimeError("the log is down")

    monkeypatch.setattr(module, "record_each", record_until_the_log_fails)
    with pytest.raises(RuntimeError):
        actions.export_esf_file(
            setting.sams, actor=setting.esf_reporter, month=MONTH, file_format="csv"
        )
    assert not AuditEvent.objects.filter(role="esf_reporter").exists()


@pytest.mark.parametrize("who", ["olle", "bodil", "provider_staff", "kim", "other_reporter"])
def test_nobody_but_the_providers_esf_reporter_reaches_the_file(
    who: str, setting: Setting, client: Client
) -> None:
    """The office and the board never see person data (R1); the provider's activity staff have
    no ESF role; an ESF reporter of another organisation does not own this project."""
    cast = setting.cast
    people = {
        "olle": cast.olle,
        "bodil": cast.bodil,
        "provider_staff": setting.provider_staff,
        "kim": cast.kim,
        "other_reporter": user(
            "oskar", "Oskar", "Annanorg", cast.tyreso, (Role.ESF_REPORTER, cast.association)
        ),
    }
    sign_in(client, people[who])
    before = AuditEvent.objects.filter(participant_id__isnull=False).count()
    for address in (url(setting), url(setting, "?month=2011-05&format=csv"), "/utforare/esf/"):
        assert client.get(address).status_code == 404, (who, address)
    assert AuditEvent.objects.filter(participant_id__isnull=False).count() == before


def test_an_esf_reporter_has_no_file_for_an_activity_without_esf(
    setting: Setting, client: Client
) -> None:
    sign_in(client, setting.esf_reporter)
    assert client.get(f"/utforare/esf/{setting.small.pk}/").status_code == 404
    index = client.get("/utforare/esf/").content.decode()
    assert setting.sams.name in index and setting.small.name not in index


def test_the_office_with_the_esf_role_in_its_own_organisation_still_gets_nothing(
    setting: Setting, client: Client
) -> None:
    """The role is not enough: the ESF reporter must work for the project's owner."""
    give_role(setting.cast.olle, Role.ESF_REPORTER, setting.cast)
    sign_in(client, setting.cast.olle)
    assert client.get(url(setting)).status_code == 404


def test_a_month_outside_the_project_is_refused(setting: Setting, client: Client) -> None:
    sign_in(client, setting.esf_reporter)
    before = AuditEvent.objects.count()
    response = client.get(url(setting, "?month=2009-05&format=csv"))
    assert response.status_code == 422 and "Månad" in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_months_run_from_the_start_to_the_end_of_the_project() -> None:
    from samla.reports.esf import months_of

    class Project:
        starts_on = date(2010, 11, 15)
        ends_on = date(2011, 2, 1)

    assert [str(m) for m in months_of(Project(), date(2026, 1, 1))] == [  # type: ignore[arg-type]
        "2011-02",
        "2011-01",
        "2010-12",
        "2010-11",
    ]
    assert EsfMonth.parse("2011-12").next() == EsfMonth(2012, 1)
    with pytest.raises(ValueError):
        EsfMonth.parse("2011-13")
