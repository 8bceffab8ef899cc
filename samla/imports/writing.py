"""The end of an import, in the task: everything a clean file holds written at once, or a
refused file's report kept, each in one transaction with its audit row.

A clean file is written table by table with ``bulk.insert`` (COPY on PostgreSQL): participants
first, whose new keys the participations (referrals in state started or ended) point at, then
one history event per participation ("Importerad"), the measurements and their income sources.
The access log gets one row for the import, with the counts, rather than one per person: the
person's own extract (R4) lists reads of their data, and an import reads nothing that the
importer did not bring (one row per person would also take minutes for 100 000 rows).

These writes live here, not in actions.py, because actions.py queues the task that makes them
(actions → tasks → writing, never back).
"""

from __future__ import annotations

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
from samla.imports.validation import PersonKey, Plan, RowError
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


@transaction.atomic
def write_import(job: ImportJob, plan: Plan, *, actor: User) -> Counts:
    """Write every row of a clean file, or (on any error) nothing."""
    now = timezone.now()
    people = list(plan.new_people.items())
    participant_keys = bulk.insert(
        Participant,
        [
            {
                "association_id": job.association_id,
                "controlling_organisation_id": job.organisation_id,
                "kind": Participant.Kind.IDENTIFIED
                if person.number
                else Participant.Kind.ANONYMOUS,
                "id_number": person.number.value if person.number else "",
                "id_number_kind": person.number.kind.value if person.number else "",
                "first_name": person.first_name,
                "last_name": person.last_name,
                "search_name": names.search_name(person.first_name, person.last_name),
                "birth_date": person.number.birth_date if person.number else None,
                "sex": person.sex,
                "start_year": person.start_year,
                "created_at": now,
                "created_by_id": actor.pk,
            }
            for _key, person in people
        ],
    )
    participant_ids: dict[PersonKey, int] = {
        key: pk for (key, _person), pk in zip(people, participant_keys, strict=True)
    }
    participant_ids.update(plan.matched)

    midnight = _Midnight()
    referral_rows = [
        {
            "participant_id": participant_ids[row.person],
            "activity_id": row.activity_id,
            "referred_by_id": actor.pk,
            "referring_organisation_id": job.organisation_id,
            "state": Referral.State.ENDED if row.ended_on else Referral.State.STARTED,
            "note": REFERRAL_NOTE,
            "sent_at": midnight(row.started_on),
            "started_on": row.started_on,
            "ended_on": row.ended_on,
            "exit_reason": row.exit_reason,
        }
        for row in plan.participations
    ]
    referral_keys = bulk.insert(Referral, referral_rows)
    bulk.insert(
        ReferralEvent,
        [
            {
                "referral_id": key,
                "from_state": "",
                "to_state": referral["state"],
                "actor_id": actor.pk,
                "at": now,
                "note": EVENT_NOTE,
            }
            for key, referral in zip(referral_keys, referral_rows, strict=True)
        ],
    )

    measurement_rows: list[dict[str, object]] = []
    incomes: list[list[tuple[str, int | None]]] = []
    for row, referral_key in zip(plan.participations, referral_keys, strict=True):
        for entry in row.measurements:
            measurement_rows.append(
                {
                    "referral_id": referral_key,
                    "occasion": entry.occasion,
                    "measured_on": entry.measured_on,
                    "recorded_at": now,
                    "recorded_by_id": actor.pk,
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

    counts = Counts(
        participants_created=len(participant_keys),
        participants_matched=len(plan.matched),
        participations_created=len(referral_keys),
        measurements_created=len(measurement_keys),
        income_sources_created=len(income_rows),
    )
    record(actor=actor, action=AuditEvent.Action.CREATE, obj=job, summary=_summary(counts))
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.DONE,
        finished_at=timezone.now(),
        content=b"",
        participants_created=counts.participants_created,
        participants_matched=counts.participants_matched,
        participations_created=counts.participations_created,
        measurements_created=counts.measurements_created,
        income_sources_created=counts.income_sources_created,
    )
    return counts


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
