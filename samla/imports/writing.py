"""The end of an import, in the task: everything a clean file holds written at once, or a
refused file's report kept, each in one transaction with its audit row.

A clean file is written in steps of ``WRITE_BATCH`` rows, all in one transaction; each step
writes table by table with ``bulk.insert`` (COPY on PostgreSQL): the participants its rows meet
first, whose new keys the participations (referrals in state started or ended) point at, then
one history event per participation ("Importerad"), the measurements and their income sources.
After each step the task is told how many rows are written, for the job page (``tasks``). On
PostgreSQL the foreign keys are checked as each step is written rather than all at the commit,
so that the count moves with the work and the commit is short.
The access log gets one row for the import, with the counts, rather than one per person: the
person's own extract (R4) lists reads of their data, and an import reads nothing that the
importer did not bring (one row per person would also take minutes for 100 000 rows).

These writes live here, not in actions.py, because actions.py queues the task that makes them
(actions → tasks → writing, never back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samla.accounts.models import User
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.imports import bulk
from samla.imports.models import ImportJob
from samla.imports.validation import NewPerson, ParticipationRow, PersonKey, Plan, RowError
from samla.measurements.models import IncomeSource, Measurement
from samla.people import names
from samla.people.models import Participant
from samla.referrals.models import Referral, ReferralEvent

REFERRAL_NOTE = "Importerad historik"
EVENT_NOTE = "Importerad"


@dataclass(frozen=True)
class Counts:
    participants_created: int
    participants_matched: int
    participations_created: int
    measurements_created: int
    income_sources_created: int


@transaction.atomic
def reject_job(job: ImportJob, errors: list[RowError], error_count: int) -> None:
    """Nothing is written; the report is kept and the file is dropped."""
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.FAILED,
        rows_written=0,  # a write rolled back wrote nothing
        errors=errors,
        error_count=error_count,
        finished_at=timezone.now(),
        content=b"",
    )
    record(
        actor=job.created_by,
        action=AuditEvent.Action.UPDATE,
        obj=job,
        summary=f"Import avvisad: {error_count} fel, inget sparat",
    )


WRITE_BATCH = 5000
"""Rows of the file written per step: each step writes its rows' people, participations, events,
measurements and income sources, then reports how far the write has got."""


def _no_progress(rows_written: int) -> None:
    pass


@transaction.atomic
def write_import(
    job: ImportJob,
    plan: Plan,
    *,
    actor: User,
    progress: Callable[[int], None] = _no_progress,
) -> Counts:
    """Write every row of a clean file, or (on any error) nothing. ``progress`` is told the
    number of rows written after each step of ``WRITE_BATCH`` rows."""
    bulk.check_constraints_now(Participant)
    batch = _Batch(job=job, actor=actor, now=timezone.now())
    participant_ids: dict[PersonKey, int] = {}
    participant_ids.update(plan.matched)
    counts = {"participants": 0, "referrals": 0, "measurements": 0, "income_sources": 0}
    rows = plan.participations
    for start in range(0, len(rows), WRITE_BATCH):
        for name, count in batch.write(rows[start : start + WRITE_BATCH], plan, participant_ids):
            counts[name] += count
        progress(min(start + WRITE_BATCH, len(rows)))

    totals = Counts(
        participants_created=counts["participants"],
        participants_matched=len(plan.matched),
        participations_created=counts["referrals"],
        measurements_created=counts["measurements"],
        income_sources_created=counts["income_sources"],
    )
    record(actor=actor, action=AuditEvent.Action.CREATE, obj=job, summary=_summary(totals))
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.DONE,
        finished_at=timezone.now(),
        content=b"",
        participants_created=totals.participants_created,
        participants_matched=totals.participants_matched,
        participations_created=totals.participations_created,
        measurements_created=totals.measurements_created,
        income_sources_created=totals.income_sources_created,
    )
    return totals


class _Batch:
    """Writes the rows of one step, table by table, each table's rows in the file's order (so
    the keys come out as if the whole file were written table by table)."""

    def __init__(self, *, job: ImportJob, actor: User, now: datetime) -> None:
        self.job = job
        self.actor_id = actor.pk
        self.now = now
        self.midnight = _Midnight()

    def write(
        self,
        rows: list[ParticipationRow],
        plan: Plan,
        participant_ids: dict[PersonKey, int],
    ) -> list[tuple[str, int]]:
        # The people these rows meet for the first time, in the order they are met.
        people: dict[PersonKey, NewPerson] = {}
        for row in rows:
            if row.person not in participant_ids and row.person not in people:
                people[row.person] = plan.new_people[row.person]
        participant_keys = bulk.insert(Participant, [self._person(p) for p in people.values()])
        participant_ids.update(zip(people, participant_keys, strict=True))

        actor_id, now, midnight = self.actor_id, self.now, self.midnight
        organisation_id = self.job.organisation_id
        referral_rows = [
            {
                "participant_id": participant_ids[row.person],
                "activity_id": row.activity_id,
                "referred_by_id": actor_id,
                "referring_organisation_id": organisation_id,
                "state": Referral.State.ENDED if row.ended_on else Referral.State.STARTED,
                "note": REFERRAL_NOTE,
                "sent_at": midnight(row.started_on),
                "started_on": row.started_on,
                "ended_on": row.ended_on,
                "exit_reason": row.exit_reason,
            }
            for row in rows
        ]
        referral_keys = bulk.insert(Referral, referral_rows)
        bulk.insert(
            ReferralEvent,
            [
                {
                    "referral_id": key,
                    "from_state": "",
                    "to_state": referral["state"],
                    "actor_id": actor_id,
                    "at": now,
                    "note": EVENT_NOTE,
                }
                for key, referral in zip(referral_keys, referral_rows, strict=True)
            ],
        )

        measurement_rows: list[dict[str, object]] = []
        incomes: list[list[tuple[str, int | None]]] = []
        for row, referral_key in zip(rows, referral_keys, strict=True):
            for entry in row.measurements:
                measurement_rows.append(
                    {
                        "referral_id": referral_key,
                        "occasion": entry.occasion,
                        "measured_on": entry.measured_on,
                        "recorded_at": now,
                        "recorded_by_id": actor_id,
                        **entry.values,
                    }
                )
                incomes.append(entry.income_sources)
        measurement_keys = bulk.insert(Measurement, measurement_rows)
        income_rows = [
            {"measurement_id": key, "source": source, "extent": extent}
            for key, sources in zip(measurement_keys, incomes, strict=True)
            for source, extent in sources
        ]
        bulk.insert(IncomeSource, income_rows)
        return [
            ("participants", len(participant_keys)),
            ("referrals", len(referral_keys)),
            ("measurements", len(measurement_keys)),
            ("income_sources", len(income_rows)),
        ]

    def _person(self, person: NewPerson) -> dict[str, object]:
        number = person.number
        return {
            "association_id": self.job.association_id,
            "controlling_organisation_id": self.job.organisation_id,
            "kind": Participant.Kind.IDENTIFIED if number else Participant.Kind.ANONYMOUS,
            "id_number": number.value if number else "",
            "id_number_kind": number.kind.value if number else "",
            "first_name": person.first_name,
            "last_name": person.last_name,
            "search_name": names.search_name(person.first_name, person.last_name),
            "birth_date": number.birth_date if number else None,
            "sex": person.sex,
            "start_year": person.start_year,
            "created_at": self.now,
            "created_by_id": self.actor_id,
        }


def _summary(counts: Counts) -> str:
    return (
        f"Import: {counts.participations_created} deltaganden, "
        f"{counts.participants_created} nya deltagare, {counts.participants_matched} befintliga, "
        f"{counts.measurements_created} mätningar"
    )


class _Midnight:
    """The start of a day in Stockholm, as the referral's 'sent' time; one computation per day."""

    def __init__(self) -> None:
        self.zone = timezone.get_current_timezone()
        self.seen: dict[date, datetime] = {}

    def __call__(self, day: date) -> datetime:
        if day not in self.seen:
            self.seen[day] = datetime.combine(day, time(), tzinfo=self.zone)
        return self.seen[day]


def failure(message: str) -> RowError:
    """An error about the file as a whole, not one row."""
    return {"row": None, "column": "", "message": message}


def unexpected_failure() -> RowError:
    return failure(_("importen avbröts av ett oväntat fel. Inget sparades."))
