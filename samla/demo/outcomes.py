"""Generated participations with measurements, for the indicators' demo (SAMS, seed 003), their
tests and their benchmark: invented people with Skatteverket's test numbers (R9), written with
the import's bulk insert (COPY on PostgreSQL), and returned as plain rows so that a test can work
out the expected figures itself, without the application's code.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from samla.accounts.models import User
from samla.idnumbers import IdNumber, LegalSex, test_personnummer
from samla.imports import bulk
from samla.measurements.models import IncomeSource, IncomeSourceKind, Measurement, Occupation
from samla.organisations.models import Organisation
from samla.people.models import Participant
from samla.referrals.models import ExitReason, Referral, ReferralEvent

EXIT_WEIGHTS = {
    ExitReason.WORK_UNSUBSIDISED: 18,
    ExitReason.WORK_SUBSIDISED: 12,
    ExitReason.STUDIES: 12,
    ExitReason.JOB_SEEKING_AF: 14,
    ExitReason.OTHER_ACTIVITY: 12,
    ExitReason.ILL_HEALTH: 12,
    ExitReason.MOVED: 5,
    ExitReason.BY_PERSON: 8,
    ExitReason.OTHER: 5,
    ExitReason.IN_ERROR: 2,
}
OCCUPATIONS = [o.value for o in Occupation]
INCOMES = [s.value for s in IncomeSourceKind]


@dataclass(frozen=True)
class Measured:
    wellbeing: int | None
    closeness: int | None
    occupation: str  # "" when not stated
    income: tuple[tuple[str, int], ...]  # (source, extent %), largest first
    ocn_points: int


@dataclass(frozen=True)
class Row:
    """One participation as generated: the truth a test computes its expected figures from."""

    sex: str
    birth_date: date | None
    municipality_id: int | None
    target_group_ids: tuple[int, ...]
    activity_id: int
    sent_on: date
    started_on: date
    ended_on: date | None
    exit_reason: str
    entry: Measured | None
    exit: Measured | None


@dataclass(frozen=True)
class Spec:
    activity_ids: Sequence[int]
    municipality_ids: Sequence[int]  # weighted by repetition
    target_group_ids: Sequence[int]
    first: date  # earliest start
    last: date  # latest start
    today: date  # nothing ends after this
    close_all: bool = False  # end at ``today`` what would still be under way (a closed programme)
    other_sex_percent: int = 4  # "annat / vill inte ange"


def generate_rows(spec: Spec, count: int, *, seed: int) -> list[Row]:
    rng = random.Random(seed)
    return [_row(rng, spec) for _ in range(count)]


def _row(rng: random.Random, spec: Spec) -> Row:
    other = spec.other_sex_percent
    sex = rng.choices(["F", "M", "X"], weights=[(100 - other) / 2, (100 - other) / 2, other])[0]
    anonymous = rng.random() < 0.12
    started = spec.first + timedelta(days=rng.randrange((spec.last - spec.first).days + 1))
    sent = started - timedelta(days=rng.choice([3, 10, 20, 40, 75, 120]))
    length = timedelta(days=rng.randrange(30, 500))
    ended: date | None = started + length
    if ended is not None and ended > spec.today:
        ended = spec.today if spec.close_all else None
    groups: tuple[int, ...] = ()
    if not anonymous and spec.target_group_ids:
        groups = tuple(
            sorted(rng.sample(list(spec.target_group_ids), rng.choice([0, 1, 1, 1, 1, 2])))
        )
    entry = _measured(rng, None) if rng.random() < 0.9 else None
    return Row(
        sex=sex,
        birth_date=None
        if anonymous
        else date(started.year - rng.randrange(17, 63), rng.randrange(1, 13), rng.randrange(1, 29)),
        municipality_id=None
        if anonymous or rng.random() < 0.05
        else rng.choice(list(spec.municipality_ids)),
        target_group_ids=groups,
        activity_id=rng.choice(list(spec.activity_ids)),
        sent_on=sent,
        started_on=started,
        ended_on=ended,
        exit_reason=rng.choices(list(EXIT_WEIGHTS), weights=list(EXIT_WEIGHTS.values()))[0]
        if ended
        else "",
        entry=entry,
        exit=_measured(rng, entry) if ended and rng.random() < 0.85 else None,
    )


def _measured(rng: random.Random, before: Measured | None) -> Measured:
    def scale(previous: int | None) -> int | None:
        if rng.random() < 0.08:
            return None
        if previous is None:
            return rng.randrange(1, 4)
        return max(1, min(5, previous + rng.choice([-1, 0, 1, 1, 2])))

    sources = rng.sample(INCOMES[:8], rng.choice([0, 1, 1, 2]))
    extents = sorted((rng.choice([25, 50, 75, 100]) for _ in sources), reverse=True)
    return Measured(
        wellbeing=scale(before.wellbeing if before else None),
        closeness=scale(before.closeness if before else None),
        occupation="" if rng.random() < 0.07 else rng.choice(OCCUPATIONS),
        income=tuple(zip(sources, extents, strict=True)),
        ocn_points=0 if before is None or rng.random() < 0.5 else rng.randrange(1, 20),
    )


@transaction.atomic
def write_rows(
    rows: Sequence[Row], *, association_id: int, organisation: Organisation, actor: User
) -> int:
    """Insert the participants, their target groups, referrals, first events, measurements and
    income sources; return the number of participations written."""
    now = timezone.now()
    used = set(
        Participant.objects.filter(controlling_organisation=organisation)
        .exclude(id_number="")
        .values_list("id_number", flat=True)
    )

    def number(row: Row) -> IdNumber:
        """The first test number for the birth date not yet taken: ten personnummer, then ten
        samordningsnummer, per date and sex."""
        assert row.birth_date is not None
        legal: LegalSex = "M" if row.sex == "M" else "F"
        for coordination in (False, True):
            for index in range(10):
                found = test_personnummer(row.birth_date, legal, index, coordination=coordination)
                if found.value not in used:
                    used.add(found.value)
                    return found
        raise ValueError(f"No test number left for {row.birth_date}")

    numbers = [number(row) if row.birth_date else None for row in rows]
    people = bulk.insert(
        Participant,
        [
            {
                "association_id": association_id,
                "controlling_organisation_id": organisation.pk,
                "kind": "anonymous" if row.birth_date is None else "identified",
                "id_number": found.value if found else "",
                "id_number_kind": found.kind.value if found else "",
                "birth_date": row.birth_date,
                "sex": row.sex,
                "start_year": row.started_on.year,
                "home_municipality_id": row.municipality_id,
                "created_at": now,
                "created_by_id": actor.pk,
            }
            for row, found in zip(rows, numbers, strict=True)
        ],
    )
    bulk.insert(
        Participant.target_groups.through,
        [
            {"participant_id": person, "targetgroup_id": group}
            for person, row in zip(people, rows, strict=True)
            for group in row.target_group_ids
        ],
    )
    referrals = bulk.insert(
        Referral,
        [
            {
                "participant_id": person,
                "activity_id": row.activity_id,
                "referred_by_id": actor.pk,
                "referring_organisation_id": organisation.pk,
                "state": Referral.State.ENDED if row.ended_on else Referral.State.STARTED,
                "sent_at": timezone.make_aware(datetime.combine(row.sent_on, time(10))),
                "started_on": row.started_on,
                "ended_on": row.ended_on,
                "exit_reason": row.exit_reason,
            }
            for person, row in zip(people, rows, strict=True)
        ],
    )
    bulk.insert(
        ReferralEvent,
        [
            {
                "referral_id": pk,
                "from_state": "",
                "to_state": row_state,
                "actor_id": actor.pk,
                "at": now,
            }
            for pk, row_state in zip(
                referrals, ["ended" if r.ended_on else "started" for r in rows], strict=True
            )
        ],
    )
    _write_measurements(rows, referrals, actor=actor, now=now)
    return len(referrals)


def _write_measurements(
    rows: Sequence[Row], referrals: Sequence[int], *, actor: User, now: datetime
) -> None:
    taken: list[tuple[int, str, date, Measured]] = []
    for pk, row in zip(referrals, rows, strict=True):
        if row.entry is not None:
            taken.append((pk, "entry", row.started_on, row.entry))
        if row.exit is not None and row.ended_on is not None:
            taken.append((pk, "exit", row.ended_on, row.exit))
    measurements = bulk.insert(
        Measurement,
        [
            {
                "referral_id": pk,
                "occasion": occasion,
                "measured_on": on,
                "occupation": m.occupation,
                "wellbeing": m.wellbeing,
                "closeness": m.closeness,
                "ocn_points": m.ocn_points,
                "ocn_modules": 1 if m.ocn_points else 0,
                "recorded_at": now,
                "recorded_by_id": actor.pk,
            }
            for pk, occasion, on, m in taken
        ],
    )
    bulk.insert(
        IncomeSource,
        [
            {"measurement_id": key, "source": source, "extent": extent}
            for key, (_pk, _occasion, _on, m) in zip(measurements, taken, strict=True)
            for source, extent in m.income
        ],
    )
