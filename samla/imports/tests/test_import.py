"""Checking and writing an import file: all or nothing, each error with row and column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from samla.audit.models import AuditEvent
from samla.imports.models import ImportJob
from samla.imports.tests.builders import ANNA, BO, CARL, build, csv_file, errors_of, run, xlsx_file
from samla.measurements.models import IncomeSource, Measurement
from samla.people.models import Participant
from samla.people.tests.cast import Cast, sign_in
from samla.referrals.models import Referral, ReferralEvent

pytestmark = pytest.mark.django_db


def anna_row(**overrides: str) -> dict[str, str]:
    row = {
        "insats": "Tyresö arbetsträning",
        "personnummer": ANNA.formatted(),
        "förnamn": "Anna",
        "efternamn": "Andersson",
        "kön": "Kvinna",
        "startdatum": "2023-02-01",
        "slutdatum": "2023-11-30",
        "avslutsorsak": "Studier",
        "sysselsättning vid start": "Arbetssökande",
        "utbildningsnivå vid start": "gymnasial",
        "tid med försörjningsstöd vid start": "1–2 år",
        "mående vid start": "2",
        "närhet vid start": "2",
        "inkomstkällor vid start": "Ekonomiskt bistånd:100",
        "sysselsättning vid avslut": "studying",
        "mående vid avslut": "4 – Ganska bra",
        "närhet vid avslut": "4",
        "inkomstkällor vid avslut": "studiemedel:50; Lön:50",
        "OCN-moduler vid avslut": "3",
        "OCN-poäng vid avslut": "12",
        "sysselsättning efter 1 månad": "Studerar",
        "sysselsättning efter 6 månader": "Studerar",
    }
    return row | overrides


def anonymous_row(**overrides: str) -> dict[str, str]:
    row = {
        "insats": "tyresö ARBETSTRÄNING",
        "kön": "M",
        "startår": "2024",
        "startdatum": "2024-03-04",
        "sysselsättning vid start": "Sjukskriven, arbetar inte",
    }
    return row | overrides


def test_a_clean_csv_imports_every_row(cast: Cast) -> None:
    setting = build(cast)
    pia = cast.pia
    content = csv_file(
        [
            anna_row(),
            # Anna again, a later participation in the same activity: the same participant.
            anna_row(startdatum="2024-09-01", slutdatum="", avslutsorsak="", **_no_exit()),
            anonymous_row(),
            # Pia is already Tyresö's participant: matched by her number, her record untouched.
            {
                "insats": str(setting.own.pk),
                "personnummer": pia.id_number,
                "startdatum": "2025-01-15",
                "kön": "",
            },
        ]
    )
    participants_before = Participant.objects.count()

    job = run(cast.kim, cast, content)

    assert job.state == ImportJob.State.DONE
    assert (job.total_rows, job.rows_checked, job.error_count) == (4, 4, 0)
    assert (job.participants_created, job.participants_matched) == (2, 1)
    assert (job.participations_created, job.measurements_created) == (4, 5)
    assert job.income_sources_created == 3
    assert bytes(job.content) == b""  # the file is not kept once it is written

    assert Participant.objects.count() == participants_before + 2
    anna = Participant.objects.filter(id_number=ANNA.value).get()
    assert (anna.first_name, anna.last_name, anna.sex, anna.kind) == (
        "Anna",
        "Andersson",
        "F",
        Participant.Kind.IDENTIFIED,
    )
    assert anna.controlling_organisation == cast.tyreso
    assert anna.birth_date == date(1988, 3, 14) and anna.start_year == 2023
    anonymous = Participant.objects.filter(kind=Participant.Kind.ANONYMOUS).get()
    assert (anonymous.sex, anonymous.start_year, anonymous.id_number) == ("M", 2024, "")
    assert not anna.team_members.exists()

    ended, started = Referral.objects.filter(participant=anna).order_by("started_on")
    assert (ended.state, ended.ended_on, ended.exit_reason) == (
        Referral.State.ENDED,
        date(2023, 11, 30),
        "studies",
    )
    assert (started.state, started.ended_on, started.exit_reason) == (
        Referral.State.STARTED,
        None,
        "",
    )
    assert ended.referred_by == cast.kim and ended.referring_organisation == cast.tyreso
    assert Referral.objects.filter(participant=pia, started_on=date(2025, 1, 15)).count() == 1
    events = ReferralEvent.objects.filter(referral__activity=setting.own)
    assert sorted(events.values_list("to_state", "note")) == [
        ("ended", "Importerad"),
        ("started", "Importerad"),
        ("started", "Importerad"),
        ("started", "Importerad"),
    ]

    entry, exit_, after_1, after_6 = Measurement.objects.filter(referral=ended).order_by(
        "measured_on"
    )
    assert (entry.occasion, entry.measured_on, entry.occupation, entry.education) == (
        "entry",
        date(2023, 2, 1),
        "job_seeking",
        "upper_secondary",
    )
    assert (entry.support_time, entry.wellbeing, entry.closeness) == ("1_2", 2, 2)
    assert (exit_.occasion, exit_.wellbeing, exit_.ocn_modules, exit_.ocn_points) == (
        "exit",
        4,
        3,
        12,
    )
    assert (after_1.occasion, after_1.measured_on) == ("after_1", date(2023, 12, 30))
    assert (after_6.occasion, after_6.measured_on) == ("after_6", date(2024, 5, 30))
    assert sorted(
        IncomeSource.objects.filter(measurement=exit_).values_list("source", "extent")
    ) == [
        ("salary", 50),
        ("student_aid", 50),
    ]
    assert list(IncomeSource.objects.filter(measurement=entry).values_list("source", "extent")) == [
        ("social_assistance", 100)
    ]
    pia.refresh_from_db()
    assert (pia.first_name, pia.last_name, pia.version) == ("Pia", "Persson", 1)


def _no_exit() -> dict[str, str]:
    return {
        "sysselsättning vid avslut": "",
        "mående vid avslut": "",
        "närhet vid avslut": "",
        "inkomstkällor vid avslut": "",
        "OCN-moduler vid avslut": "",
        "OCN-poäng vid avslut": "",
        "sysselsättning efter 1 månad": "",
        "sysselsättning efter 6 månader": "",
        "mående vid start": "",
        "närhet vid start": "",
        "inkomstkällor vid start": "",
        "sysselsättning vid start": "",
        "utbildningsnivå vid start": "",
        "tid med försörjningsstöd vid start": "",
    }


def wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def test_a_clean_xlsx_imports_every_row(cast: Cast) -> None:
    build(cast)
    header = [
        "Insats",
        "Personnummer",
        "Förnamn",
        "Efternamn",
        "Kön",
        "Startdatum",
        "Slutdatum",
        "Avslutsorsak",
        "Mående vid start",
        "OCN-poäng vid avslut",
        "Inkomstkällor vid avslut",
    ]
    content = xlsx_file(
        header,
        [
            # Dates as Excel dates, numbers as numbers: both read as the text they show.
            ["Tyresö arbetsträning", BO.formatted(), "Bo", "Berg", None,
             date(2022, 5, 2), date(2022, 12, 20), "work_unsubsidised", 3, 7, "Lön:100"],
            ["Tyresö arbetsträning", None, None, None, "Kvinna",
             "2023-01-09", None, None, 5.0, None, None],
        ],
    )  # fmt: skip

    job = run(cast.kim, cast, content, file_name="historik.xlsx")

    assert job.state == ImportJob.State.DONE, job.errors
    assert (job.participants_created, job.participations_created) == (2, 2)
    bo = Participant.objects.filter(id_number=BO.value).get()
    assert (bo.first_name, bo.sex) == ("Bo", "M")  # sex from the number when kön is empty
    referral = Referral.objects.get(participant=bo)
    assert (referral.state, referral.exit_reason) == ("ended", "work_unsubsidised")
    assert list(
        Measurement.objects.filter(referral=referral).values_list(
            "occasion", "wellbeing", "ocn_points"
        )
    ) == [("entry", 3, 0), ("exit", None, 7)]
    assert IncomeSource.objects.filter(measurement__referral=referral).get().extent == 100
    anonymous = Participant.objects.filter(kind=Participant.Kind.ANONYMOUS).get()
    assert (anonymous.sex, anonymous.start_year) == ("F", 2023)


def test_a_file_with_errors_on_some_rows_imports_nothing_and_names_each_error(
    cast: Cast, client: Client
) -> None:
    setting = build(cast)
    content = csv_file(
        [
            anna_row(),  # row 2: fine
            anna_row(personnummer=wrong_check_digit(CARL.formatted()), förnamn="Carl"),  # 3
            anonymous_row(startdatum="2023-13-01"),  # 4
            anonymous_row(slutdatum="2024-05-01"),  # 5: ended without exit reason
            anna_row(startdatum="2023-12-01", slutdatum="2023-11-30", **_no_exit()),  # 6
            anonymous_row(insats="Finns inte"),  # 7
            anonymous_row(insats="Mia Vidare"),  # 8: another organisation's activity
            anonymous_row(**{"mående vid start": "7"}),  # 9
            anna_row(),  # 10: the same as row 2
            anonymous_row(förnamn="Dora", kön=""),  # 11: anonymous with a name, no sex
            anonymous_row(**{"inkomstkällor vid start": "lön:150; okänd källa"}),  # 12
            anonymous_row(startdatum="2019-12-31"),  # 13: before the activity started
        ]
    )

    job = run(cast.kim, cast, content)

    assert job.state == ImportJob.State.FAILED
    assert not Referral.objects.exists()
    assert not Participant.objects.exclude(pk=cast.pia.pk).exists()
    assert errors_of(job) == [
        (3, "personnummer", "kontrollsiffran stämmer inte. Kontrollera numret."),
        (4, "startdatum", "”2023-13-01” är inget datum (ÅÅÅÅ-MM-DD)."),
        (5, "avslutsorsak", "saknas: ett avslutat deltagande har en avslutsorsak."),
        (6, "slutdatum", "slutdatumet ligger före startdatumet."),
        (7, "insats", "det finns ingen insats ”Finns inte” i samordningsförbundet."),
        (
            8,
            "insats",
            "”Mia Vidare” utförs av en annan organisation. Du kan bara importera deltaganden i "
            "insatser som din organisation utför.",
        ),
        (9, "mående vid start", "”7” ska vara en siffra från 1 till 5."),
        (10, "personnummer", "samma person, insats och startdatum som på rad 2."),
        (
            11,
            "förnamn",
            "en rad utan personnummer gäller en anonym deltagare, som inte får ha namn. Ange "
            "personnumret eller ta bort namnet.",
        ),
        (11, "kön", "saknas: en anonym deltagare registreras med kön."),
        (12, "inkomstkällor vid start", "”150” är inget heltal från 1 till 100."),
        (13, "startdatum", "startdatumet ligger före insatsens start (2020-01-01)."),
    ]
    assert job.error_count == 12
    assert (job.rows_checked, job.total_rows) == (12, 12)
    # The report never repeats a name or a number from the file.
    report = " ".join(e["message"] for e in job.errors)
    assert "Carl" not in report and CARL.value[:8] not in report and "Dora" not in report

    sign_in(client, cast.kim)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Ingenting importerades" in page
    assert "Filen hade 12 fel. Rätta dem och ladda upp filen igen." in page
    assert "<td>Kontrollsiffran stämmer inte. Kontrollera numret.</td>" in page
    assert not Referral.objects.filter(activity=setting.own).exists()


def test_header_errors_are_reported_on_row_one(cast: Cast) -> None:
    build(cast)
    content = "insats;personnumer;Kön;kön;startdatum\nTyresö arbetsträning;;K;;2024-01-01\n"

    job = run(cast.kim, cast, content.encode())

    assert errors_of(job) == [
        (1, "personnumer", "okänd kolumn. Mallen på importsidan visar vilka kolumner som finns."),
        (1, "kön", "kolumnen finns mer än en gång."),
    ]
    assert job.state == ImportJob.State.FAILED and job.rows_checked == 0


def test_a_missing_required_column(cast: Cast) -> None:
    build(cast)
    job = run(cast.kim, cast, b"insats,k\xc3\xb6n\nTyres\xc3\xb6 arbetstr\xc3\xa4ning,K\n")
    assert errors_of(job) == [(1, "startdatum", "kolumnen saknas.")]


def test_comma_separated_with_a_byte_order_mark(cast: Cast) -> None:
    build(cast)
    job = run(cast.kim, cast, csv_file([anonymous_row()], delimiter=",", bom=True))
    assert job.state == ImportJob.State.DONE, job.errors
    assert job.participations_created == 1


def test_anonymous_rows_carry_sex_and_start_year_only(cast: Cast) -> None:
    build(cast)
    job = run(
        cast.kim,
        cast,
        csv_file([anonymous_row(), anonymous_row(kön="X", startår=""), anonymous_row()]),
    )
    assert job.state == ImportJob.State.DONE, job.errors
    # Identical anonymous rows are different people: nothing says they are the same person.
    anonymous = Participant.objects.filter(kind=Participant.Kind.ANONYMOUS)
    assert sorted(anonymous.values_list("sex", "start_year", "first_name", "id_number")) == [
        ("M", 2024, "", ""),
        ("M", 2024, "", ""),
        ("X", 2024, "", ""),
    ]


def test_structural_and_other_providers_activities_are_refused(cast: Cast) -> None:
    setting = build(cast)
    job = run(
        cast.kim,
        cast,
        csv_file([anonymous_row(insats="Kompetensutveckling"), anonymous_row(insats="mia vidare")]),
    )
    assert [e[0:2] for e in errors_of(job)] == [(2, "insats"), (3, "insats")]
    assert "strukturövergripande" in job.errors[0]["message"]
    assert not Referral.objects.filter(activity=setting.other_provider).exists()


def test_a_participation_already_in_samla_is_not_imported_twice(cast: Cast) -> None:
    build(cast)
    row = {"insats": "Tyresö arbetsträning", "personnummer": cast.pia.id_number}
    first = run(cast.kim, cast, csv_file([row | {"startdatum": "2024-01-08"}]))
    assert first.state == ImportJob.State.DONE

    again = run(cast.kim, cast, csv_file([row | {"startdatum": "2024-01-08", "kön": "K"}]))

    assert errors_of(again) == [
        (
            2,
            "personnummer",
            "deltagandet finns redan i Samla (samma person, insats och startdatum).",
        )
    ]
    assert Referral.objects.filter(participant=cast.pia).count() == 1


def test_one_new_person_on_several_rows_must_have_one_name(cast: Cast) -> None:
    build(cast)
    rows = [
        anna_row(**_no_exit()),
        anna_row(startdatum="2024-09-01", slutdatum="", avslutsorsak="", förnamn="Annika"),
    ]
    job = run(cast.kim, cast, csv_file(rows))
    assert errors_of(job)[0] == (
        3,
        "förnamn",
        "samma personnummer som på rad 2 men ett annat namn.",
    )


def test_the_import_is_audited_without_naming_anyone(cast: Cast) -> None:
    build(cast)
    before = AuditEvent.objects.count()

    job = run(cast.kim, cast, csv_file([anna_row(), anonymous_row()]))

    events = AuditEvent.objects.order_by("pk")[before:]
    assert [
        (e.action, e.object_type, e.object_id, e.participant_id, e.summary) for e in events
    ] == [
        ("create", "imports.importjob", str(job.pk), None, "Import: fil uppladdad"),
        (
            "create",
            "imports.importjob",
            str(job.pk),
            None,
            "Import: 2 deltaganden, 2 nya deltagare, 0 befintliga, 5 mätningar",
        ),
    ]
    assert {e.actor_id for e in events} == {cast.kim.pk}


def test_a_rejected_import_is_audited_too(cast: Cast) -> None:
    build(cast)
    job = run(cast.kim, cast, csv_file([anonymous_row(kön="")]))
    # The last event appended: by id, since a sealer may or may not have given the events their
    # sequence yet (on PostgreSQL an unsealed event's empty seq sorts first in descending order).
    last = AuditEvent.objects.latest("pk")
    assert (last.action, last.object_id, last.summary) == (
        "update",
        str(job.pk),
        "Import avvisad: 1 fel, inget sparat",
    )


def test_progress_is_stored_while_the_rows_are_checked(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from samla.imports import tasks

    build(cast)
    seen: list[tuple[str, int, int]] = []
    report = tasks.report_progress

    def spy(job_id: int, rows_checked: int) -> None:
        report(job_id, rows_checked)
        job = ImportJob.objects.get(pk=job_id)
        seen.append((job.state, job.rows_checked, job.total_rows))

    monkeypatch.setattr(tasks, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(tasks, "report_progress", spy)

    job = run(cast.kim, cast, csv_file([anonymous_row() for _ in range(7)]))

    assert seen == [
        ("validating", 2, 7),
        ("validating", 4, 7),
        ("validating", 6, 7),
        ("validating", 7, 7),
    ]
    assert job.state == ImportJob.State.DONE


def test_an_unreadable_file_is_reported(cast: Cast) -> None:
    build(cast)
    job = run(cast.kim, cast, b"not a workbook", file_name="historik.xlsx")
    assert errors_of(job) == [(None, "", "Filen kunde inte läsas som en Excel-fil (.xlsx).")]
    assert bytes(job.content) == b""


def test_code_values_ignore_case_spacing_and_the_kind_of_dash(cast: Cast) -> None:
    build(cast)
    row = anonymous_row(
        kön="kvinna",
        **{
            "tid med försörjningsstöd vid start": "1-2  ÅR",
            "sysselsättning vid start": "i FÖRBEREDANDE insats",
            "närhet vid start": "3 - varken nära eller långt ifrån",
        },
    )
    job = run(cast.kim, cast, csv_file([row]))
    assert job.state == ImportJob.State.DONE, job.errors
    entry = Measurement.objects.get()
    assert (entry.support_time, entry.occupation, entry.closeness) == ("1_2", "preparatory", 3)
    assert Participant.objects.get(kind=Participant.Kind.ANONYMOUS).sex == "F"


def test_participations_before_1990_are_refused(cast: Cast) -> None:
    build(cast)
    job = run(cast.kim, cast, csv_file([anonymous_row(startår="1989")]))
    this_year = timezone.localdate().year
    assert errors_of(job) == [(2, "startår", f"”1989” är inget heltal från 1990 till {this_year}.")]


def test_the_documented_example_imports(cast: Cast) -> None:
    """docs/import-format.md and the code agree."""
    build(cast)
    doc = (Path(__file__).resolve().parents[3] / "docs" / "import-format.md").read_text()
    example = doc.split("### Example", 1)[1].split("```", 2)[1].strip() + "\n"
    job = run(cast.kim, cast, example.encode())
    assert job.state == ImportJob.State.DONE, job.errors
    assert (job.participants_created, job.participations_created) == (2, 2)


def test_an_unknown_code_is_reported_with_the_values_allowed(cast: Cast) -> None:
    build(cast)
    job = run(cast.kim, cast, csv_file([anonymous_row(**{"sysselsättning vid start": "Ledig"})]))
    assert errors_of(job) == [
        (
            2,
            "sysselsättning vid start",
            "”Ledig” finns inte i kodlistan. Skriv något av: Anställd utan subvention; Anställd "
            "med subvention; Studerar; Arbetssökande; I förberedande insats; Sjukskriven, "
            "arbetar inte; Annat.",
        )
    ]


def test_participations_under_way_must_fit_the_places(cast: Cast) -> None:
    setting = build(cast)
    setting.own.capacity = 2
    setting.own.save()
    ongoing = [
        anonymous_row(startdatum=f"2024-03-0{day}", kön=sex)
        for day, sex in ((4, "M"), (5, "K"), (6, "M"))
    ]
    ended = anonymous_row(slutdatum="2024-06-01", avslutsorsak="Studier")
    job = run(cast.kim, cast, csv_file([*ongoing, ended]))
    assert job.state == ImportJob.State.FAILED
    assert errors_of(job) == [
        (
            4,
            "slutdatum",
            "Tyresö arbetsträning har 2 lediga platser, men filen har 3 deltaganden i insatsen "
            "utan slutdatum. Ange slutdatum för dem som har slutat, eller öka antalet platser "
            "först.",
        )
    ]
    assert not Referral.objects.exists()
    job = run(cast.kim, cast, csv_file([*ongoing[:2], ended]))
    assert job.state == ImportJob.State.DONE
    assert Referral.objects.filter(activity=setting.own).holding_places().count() == 2
