"""The dashboards' rollup (issue 17 item 2, ADR 0019): one row per referral with the key each
dimension gives it, kept current from the raw rows.

Database triggers (migration 0004) mark a participant stale on every change to what the
dashboards count of them. ``refresh`` takes the marks, computes those participants' rows again
with the dimensions' own expressions (``dimensions.py``) and replaces them, and removes the marks
it took, in one transaction. A figure counted from the rollup is therefore the figure counted
from the raw rows as they stood at the last refresh, cell by cell
(samla/indicators/tests/test_rollups.py compares them over generated data).

Who refreshes:
- the scheduler, every ``SAMLA_ROLLUP_SECONDS`` (the stated lag: that, plus a refresh's own time);
- every ``Figures`` before it counts, up to ``PAGE_ROUNDS`` batches, without waiting for another
  refresh under way: a dashboard shows what was just registered, short of a large import;
- a release, wholly, before it collects its figures.

One refresh runs at a time (a transaction-scoped advisory lock on PostgreSQL; SQLite has one
writer anyway), so an older computation never overwrites a newer one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import TruncDate

from samla.indicators import dimensions as d
from samla.indicators import year_counts
from samla.indicators.models import Rollup, StaleParticipant
from samla.indicators.recording import hash_parts
from samla.measurements.models import Measurement, Occasion, measured_at
from samla.people.models import Participant
from samla.referrals.models import Referral

BATCH = 2000  # participants per transaction
MARKS_EACH = 8  # marks read per participant taken, at most
PAGE_ROUNDS = 5  # what a page refreshes before it counts, at most: this many batches
LOCK = 0x53414D4C41  # "SAMLA": the advisory lock's key

RATED = ("wellbeing", "closeness")


def _computed(participants: Iterable[int]) -> QuerySet[Referral, dict[str, Any]]:
    """Every referral of the participants with what the rollup keeps of it, in one query."""
    rated = {
        f"_{name}_{occasion}": measured_at(occasion, name)
        for name in RATED
        for occasion in (Occasion.ENTRY, Occasion.EXIT)
    }
    computed: QuerySet[Referral, dict[str, Any]] = (
        Referral.objects.filter(participant_id__in=list(participants))
        .annotate(
            **{dimension.column: dimension.expression() for dimension in d.EVERY},
            **rated,
            _sent_on=TruncDate("sent_at"),
            _learned=Exists(
                Measurement.objects.filter(referral_id=OuterRef("pk"), ocn_points__gt=0)
            ),
        )
        .values(
            "pk",
            "participant_id",
            "activity_id",
            "state",
            "exit_reason",
            "started_on",
            "ended_on",
            "_sent_on",
            "_learned",
            *rated,
            *(dimension.column for dimension in d.EVERY),
        )
        .order_by()
    )
    return computed


def _better(row: dict[str, Any], name: str) -> bool | None:
    entry, exit_ = row[f"_{name}_{Occasion.ENTRY}"], row[f"_{name}_{Occasion.EXIT}"]
    return None if entry is None or exit_ is None else exit_ > entry


def rows_of(participants: Iterable[int]) -> Iterator[Rollup]:
    """The rollup's rows of the participants' referrals, as they are now."""
    for row in _computed(participants):
        high, low = hash_parts(row["pk"])
        yield Rollup(
            referral_id=row["pk"],
            participant_id=row["participant_id"],
            activity_id=row["activity_id"],
            state=row["state"],
            exit_reason=row["exit_reason"],
            sent_on=row["_sent_on"],
            started_on=row["started_on"],
            ended_on=row["ended_on"],
            wellbeing_better=_better(row, "wellbeing"),
            closeness_better=_better(row, "closeness"),
            learned=row["_learned"],
            hash_high=high,
            hash_low=low,
            **{
                dimension.column: d.UNKNOWN
                if row[dimension.column] is None
                else str(row[dimension.column])
                for dimension in d.EVERY
            },
        )


def _locked(wait: bool) -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK])
        return bool(cursor.fetchone()[0])


def refresh_batch(batch: int = BATCH, *, wait: bool = True) -> int:
    """Refresh up to ``batch`` participants of the oldest marks, in one transaction. Returns
    how many marks it took: 0 when there were none, or when ``wait`` is false and another
    refresh holds the lock."""
    with transaction.atomic(using=DEFAULT_DB_ALIAS):
        if not _locked(wait):
            return 0
        # A bulk write marks each participant several times (a referral, its measurements, its
        # income sources): the oldest marks of up to ``batch`` participants are taken together.
        read = StaleParticipant.objects.using(DEFAULT_DB_ALIAS).order_by("pk")
        participants: set[int] = set()
        marks = []
        for pk, participant in read.values_list("pk", "participant_id")[: batch * MARKS_EACH]:
            if participant not in participants and len(participants) == batch:
                continue
            participants.add(participant)
            marks.append((pk, participant))
        if not marks:
            return 0
        # The marks are read before the rows are computed: whatever change made a mark is in
        # the computation. A mark made after this read stays for the next refresh.
        _replace(participants)
        StaleParticipant.objects.filter(pk__in=[pk for pk, _participant in marks]).delete()
        return len(marks)


# Every column of the rollup, its key first.
FIELDS = [field.attname for field in Rollup._meta.concrete_fields]


def _values(row: Rollup | None) -> tuple[Any, ...] | None:
    return None if row is None else tuple(getattr(row, name) for name in FIELDS)


def _replace(participants: set[int]) -> None:
    """Replace the participants' rows that changed, and only those, in the rollup and in the
    year counts (a participant marked again by a later write of the same import is mostly
    unchanged)."""
    # A culled row stays as it is: its participant and referral are gone (``Rollup.culled``).
    live = Rollup.objects.filter(participant_id__in=participants, culled=False)
    kept = {values[0]: values for values in live.values_list(*FIELDS)}
    computed = {row.referral_id: row for row in rows_of(participants)}
    gone = [pk for pk, values in kept.items() if _values(computed.get(pk)) != values]
    written = [row for pk, row in computed.items() if _values(row) != kept.get(pk)]
    changes = year_counts.Changes()
    changes.subtract(Rollup.objects.filter(pk__in=gone))
    Rollup.objects.filter(pk__in=gone).delete()
    Rollup.objects.bulk_create(written, batch_size=1000)
    changes.add(Rollup.objects.filter(pk__in=[row.referral_id for row in written]))
    changes.save()


def keep_culled(participant_id: int) -> None:
    """Before a participant is culled (``samla.retention.culling``), in the culling's own
    transaction: their rows computed from what is there now, then kept as culled, with their
    target groups beside them, so that no figure of any year changes when they are gone."""
    assert connection.in_atomic_block, "keep_culled runs in the culling's transaction"
    _locked(wait=True)
    _replace({participant_id})
    rows = Rollup.objects.filter(participant_id=participant_id, culled=False)
    referral_ids = list(rows.values_list("pk", flat=True))
    groups = list(
        Participant.target_groups.through.objects.filter(participant_id=participant_id).values_list(
            "targetgroup_id", flat=True
        )
    )
    kept = Rollup.culled_target_groups.through
    kept.objects.bulk_create(
        [kept(rollup_id=pk, targetgroup_id=group) for pk in referral_ids for group in groups]
    )
    rows.update(culled=True)


def rebuild_year_counts() -> None:
    """Count every year again from the whole rollup (``year_counts.rebuild``), with no refresh
    in between."""
    with transaction.atomic(using=DEFAULT_DB_ALIAS):
        _locked(wait=True)
        year_counts.rebuild()


def refresh() -> int:
    """Refresh until no mark is left. Returns how many marks were taken."""
    taken = 0
    while done := refresh_batch():
        taken += done
    return taken


def refresh_before_counting() -> None:
    """What a page does before it counts: the newest changes, unless too many, or another
    refresh is under way (which then has them)."""
    if not StaleParticipant.objects.exists():
        return
    for _round in range(PAGE_ROUNDS):
        if not refresh_batch(wait=False) or not StaleParticipant.objects.exists():
            return
