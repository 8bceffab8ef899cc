"""The culling run (gallring, issue 18 item 3, ADR 0022): who is due under an organisation's
rule for people's records, and the deletion of one person's records, leaving what the figures
count and nothing else.

A ``Participant`` row and everything that hangs off it are the records of its controlling
organisation, culled under that organisation's rule for ``RecordType.PARTICIPANT`` (the whole
akt at once, as SoL 12 kap. 1 § has it). The same person at another organisation is another row
under that organisation's own rules, and stays. Not due, whatever the dates:

- a person with a hold in force, placed by any organisation that keeps their records, on all of
  them or on one record (the record hangs off the person, so the person stays);
- a person born on the 5th, 15th or 25th, under a rule that keeps the research days.

What the rule counts from is computed from the records themselves, not from the access log,
whose own rule may cull it sooner (``_last_entries``, ``_ends_of_participation``,
``_ends_of_consent``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models, transaction
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from samla.accounts.models import Role, User
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.indicators import rollups
from samla.measurements.models import Measurement
from samla.meetings import figures as meeting_figures
from samla.meetings.models import Decision, Invitation, Meeting
from samla.notifications.models import Notice
from samla.people.models import Consent, Participant, TeamMember
from samla.plans.models import (
    Plan,
    PlanAction,
    PlanApproval,
    PlanConfirmation,
    PlanDeferral,
    PlanVersion,
)
from samla.referrals.models import Attendance, Referral, ReferralEvent
from samla.retention.models import RESEARCH_DAYS, CullingRun, LegalHold, RecordType, StartsFrom
from samla.stories.models import Story, StorySection, StorySuggestion, StoryVersion


@dataclass(frozen=True)
class Terms:
    """What a rule for people's records says: culled ``years`` after ``starts_from``."""

    years: int
    starts_from: str
    keeps_research_days: bool

    def due_on_or_before(self, today: date) -> date:
        """The last day a person's start may fall on for them to be due today."""
        try:
            return today.replace(year=today.year - self.years)
        except ValueError:  # 29 February, in a year that has none
            return today.replace(year=today.year - self.years, day=28)


@dataclass(frozen=True)
class Due:
    people: list[int]  # participant ids, oldest id first
    on_hold: int  # due by the dates, kept by a hold
    for_research: int  # due by the dates, kept for research


def due(
    organisation_id: int, terms: Terms, today: date, *, among: Collection[int] | None = None
) -> Due:
    """Who among the organisation's participants (or among ``among`` of them) is due today."""
    people = Participant.objects.controlled_by(organisation_id)
    if among is not None:
        people = people.filter(pk__in=among)
    starts = _starts(people, terms.starts_from)
    last_day = terms.due_on_or_before(today)
    by_dates = {pk for pk, start in starts.items() if start is not None and start <= last_day}
    held = set(
        LegalHold.objects.in_force()
        .filter(participant_id__in=by_dates)
        .values_list("participant_id", flat=True)
    )
    research: set[int] = set()
    if terms.keeps_research_days:
        research = {
            pk
            for pk, born in people.filter(pk__in=by_dates - held).values_list("pk", "birth_date")
            if born is not None and born.day in RESEARCH_DAYS
        }
    return Due(sorted(by_dates - held - research), len(held), len(research))


# --- the other types' rules, within people who stay ---

# The types whose own rule culls records within a person who stays, and how. Referrals and
# measurements are what the association's figures count: they go with the person, under the
# rule for people's records, so that the rollup keeps them whole. The person's access extract
# is made when asked for and never stored; the access log is culled by its own rule.
WITHIN_A_PERSON = (RecordType.CONSENT, RecordType.STORY, RecordType.PLAN, RecordType.MEETING)


def due_records(
    organisation_id: int,
    record_type: str,
    terms: Terms,
    today: date,
    *,
    besides: Collection[int] = (),
    among: Collection[int] | None = None,
    person: int | None = None,
) -> list[int]:
    """The ids of the records of ``record_type`` (one of ``WITHIN_A_PERSON``) of the
    organisation's participants that are due today, except those of the people ``besides``
    (culled whole) and of people on hold or kept for research; among ``among`` of them if
    given, and of one ``person`` if given (a run's check at their turn, which must not
    compute every person's dates again). What is current always stays: a story's and a
    plan's newest version, a consent that has not ended, a meeting not yet held or
    cancelled.

    The rule counts from the record's own date when it counts from when the record was
    written (a consent's: its end), and otherwise from the person's date, for all of their
    records of the type at once."""
    people = Participant.objects.controlled_by(organisation_id).exclude(pk__in=list(besides))
    if person is not None:
        people = people.filter(pk=person)
    held = LegalHold.objects.in_force().values("participant_id")
    people = people.exclude(pk__in=held)
    if terms.keeps_research_days:
        people = people.exclude(birth_date__day__in=RESEARCH_DAYS)
    last_day = terms.due_on_or_before(today)
    own_date = terms.starts_from == StartsFrom.WRITTEN or (
        record_type == RecordType.CONSENT and terms.starts_from == StartsFrom.CONSENT_END
    )
    person_due: set[int] = set()
    if not own_date:
        starts = _starts(people, terms.starts_from)
        person_due = {pk for pk, day in starts.items() if day is not None and day <= last_day}
    found = []
    for pk, participant_id, day in _dated_records(record_type, people, today, among):
        if (own_date and day is not None and day <= last_day) or participant_id in person_due:
            found.append(pk)
    return sorted(found)


def _dated_records(
    record_type: str, people: QuerySet[Participant], today: date, among: Collection[int] | None
) -> Iterable[tuple[int, int, date | None]]:
    """(id, participant id, the record's own date) of each record of the type that may go."""
    rows: QuerySet[Any, tuple[Any, ...]]
    if record_type == RecordType.STORY:
        newest_story = StoryVersion.objects.filter(story=OuterRef("story")).order_by("-number")
        rows = (
            StoryVersion.objects.filter(story__participant__in=people)
            .exclude(pk=Subquery(newest_story.values("pk")[:1]))
            .values_list("pk", "story__participant_id", "created_at")
        )
    elif record_type == RecordType.PLAN:
        newest_plan = PlanVersion.objects.filter(plan=OuterRef("plan")).order_by(
            "-agreed_at", "-pk"
        )
        rows = (
            PlanVersion.objects.filter(plan__participant__in=people)
            .exclude(pk=Subquery(newest_plan.values("pk")[:1]))
            .values_list("pk", "plan__participant_id", "agreed_at")
        )
    elif record_type == RecordType.CONSENT:
        ended = Q(withdrawn_at__isnull=False) | Q(valid_to__lt=today)
        rows = (
            Consent.objects.filter(ended, participant__in=people)
            .annotate(end=Coalesce(TruncDate("withdrawn_at"), "valid_to"))
            .values_list("pk", "participant_id", "end")
        )
    elif record_type == RecordType.MEETING:
        over = [Meeting.State.HELD, Meeting.State.CANCELLED]
        rows = (
            Meeting.objects.filter(participant__in=people, state__in=over)
            .annotate(day=Coalesce("starts_at", "cancelled_at", "created_at"))
            .values_list("pk", "participant_id", "day")
        )
    else:
        raise ValueError(f"{record_type} is not culled within a person who stays")
    if among is not None:
        rows = rows.filter(pk__in=list(among))
    for pk, participant_id, day in rows.order_by():
        yield pk, participant_id, timezone.localdate(day) if isinstance(day, datetime) else day


def cull_records(record_type: str, ids: Collection[int]) -> int:
    """Delete these records of one type, of one person, in the caller's transaction, with
    what hangs off them; how many. A held meeting is kept first as the figures count it."""
    assert transaction.get_connection().in_atomic_block, "one transaction per person"
    ids = list(ids)
    if record_type == RecordType.STORY:
        # A suggestion the person made, taken in a version that goes, is part of its history.
        parts: list[QuerySet[Any]] = [
            StorySuggestion.objects.filter(taken_in_version_id__in=ids),
            StorySection.objects.filter(version_id__in=ids),
            StoryVersion.objects.filter(pk__in=ids),
        ]
    elif record_type == RecordType.PLAN:
        parts = [PlanVersion.objects.filter(pk__in=ids)]
    elif record_type == RecordType.CONSENT:
        Consent.objects.filter(replaces_id__in=ids).update(replaces=None)
        parts = [Consent.objects.filter(pk__in=ids)]
    elif record_type == RecordType.MEETING:
        # The preparatory meetings of a meeting that goes go with it; a follow-up stays
        # without its link to the meeting before.
        preparing = _ids(Meeting.objects.filter(prepares_id__in=ids))
        ids = sorted({*ids, *preparing})
        meeting_figures.keep_meetings(ids)
        Meeting.objects.filter(follow_up_of_id__in=ids).update(follow_up_of=None)
        meetings = Meeting.objects.filter(pk__in=ids)
        parts = [
            Decision.objects.filter(meeting_id__in=ids),
            Invitation.objects.filter(meeting_id__in=ids),
            meetings.filter(kind=Meeting.Kind.PREPARATORY),
            meetings,
        ]
    else:
        raise ValueError(f"{record_type} is not culled within a person who stays")
    for rows in parts:
        _forget_notices(rows)
        rows.delete()
    return len(ids)


# Every dated record about a person, as (model, the path from it to the participant, its dates).
ENTRIES: list[tuple[type[models.Model], str, tuple[str, ...]]] = [
    (Participant, "pk", ("created_at", "changed_at")),
    (Consent, "participant", ("recorded_at", "given_at", "withdrawn_at")),
    (TeamMember, "participant", ("added_at", "removed_at")),
    (StoryVersion, "story__participant", ("created_at",)),
    (StorySuggestion, "participant", ("created_at", "handled_at")),
    (Plan, "participant", ("created_at", "closed_at")),
    (PlanVersion, "plan__participant", ("agreed_at",)),
    (PlanAction, "plan__participant", ("created_at",)),
    (PlanConfirmation, "plan__participant", ("confirmed_at",)),
    (PlanApproval, "plan__participant", ("recorded_at",)),
    (PlanDeferral, "plan__participant", ("given_at",)),
    (Meeting, "participant", ("created_at", "starts_at", "cancelled_at")),
    (Invitation, "meeting__participant", ("responded_at",)),
    (Decision, "meeting__participant", ("created_at",)),
    (Referral, "participant", ("sent_at",)),
    (ReferralEvent, "referral__participant", ("at",)),
    (Attendance, "referral__participant", ("recorded_at",)),
    (Measurement, "referral__participant", ("recorded_at",)),
]


def _starts(people: QuerySet[Participant], starts_from: str) -> dict[int, date | None]:
    """Per participant, the day the rule counts from; None while it has not begun (a referral
    still open, a consent in force without an end)."""
    last = _last_entries(people)
    if starts_from == StartsFrom.PARTICIPATION_END:
        return _ends_of_participation(people, last)
    if starts_from == StartsFrom.CONSENT_END:
        return _ends_of_consent(people, last)
    # The last entry; "when the record was written" is the same day for the akt as a whole.
    return last


def _later(found: dict[int, date | None], pk: int, value: date | datetime | None) -> None:
    if value is None:
        return
    day = timezone.localdate(value) if isinstance(value, datetime) else value
    current = found.get(pk)
    if current is None or day > current:
        found[pk] = day


def _last_entries(people: QuerySet[Participant]) -> dict[int, date | None]:
    """The day of the latest dated record about each person: one grouping query per kind."""
    found: dict[int, date | None] = dict.fromkeys(people.values_list("pk", flat=True))
    for model, path, fields in ENTRIES:
        rows = (
            model._default_manager.filter(**{f"{path}__in": people})
            .order_by()
            .values(path)
            .annotate(**{name: Max(name) for name in fields})
        )
        for row in rows:
            for name in fields:
                _later(found, row[path], row[name])
    return found


def _ends_of_participation(
    people: QuerySet[Participant], last: dict[int, date | None]
) -> dict[int, date | None]:
    """The latest end among the person's referrals, or the last entry if they had none; None
    while one is open. A referral declined or withdrawn ends on its last event."""
    open_ = set(
        Referral.objects.filter(participant__in=people)
        .exclude(state__in=Referral.CLOSED_STATES)
        .values_list("participant_id", flat=True)
    )
    ends: dict[int, date | None] = {}
    for pk, ended_on in (
        Referral.objects.filter(participant__in=people)
        .values("participant_id")
        .annotate(ended=Max("ended_on"))
        .values_list("participant_id", "ended")
    ):
        _later(ends, pk, ended_on)
    for pk, at in (
        ReferralEvent.objects.filter(
            referral__participant__in=people,
            referral__state__in=[Referral.State.DECLINED, Referral.State.WITHDRAWN],
        )
        .values("referral__participant_id")
        .annotate(last=Max("at"))
        .values_list("referral__participant_id", "last")
    ):
        _later(ends, pk, at)
    return {pk: None if pk in open_ else ends.get(pk, day) for pk, day in last.items()}


def _ends_of_consent(
    people: QuerySet[Participant], last: dict[int, date | None]
) -> dict[int, date | None]:
    """The latest end or withdrawal among the person's consents, or the last entry if they
    gave none; None while one is in force with no end."""
    consents = Consent.objects.filter(participant__in=people)
    without_end = set(
        consents.filter(valid_to__isnull=True, withdrawn_at__isnull=True).values_list(
            "participant_id", flat=True
        )
    )
    ends: dict[int, date | None] = {}
    for pk, valid_to, withdrawn_at in consents.values_list(
        "participant_id", "valid_to", "withdrawn_at"
    ):
        _later(ends, pk, withdrawn_at or valid_to)
    return {pk: None if pk in without_end else ends.get(pk, day) for pk, day in last.items()}


# What the preview and the protocol count of each type, by the path to the participant.
COUNTED: list[tuple[RecordType, type[models.Model], str]] = [
    (RecordType.PARTICIPANT, Participant, "pk"),
    (RecordType.CONSENT, Consent, "participant"),
    (RecordType.STORY, StoryVersion, "story__participant"),
    (RecordType.PLAN, PlanVersion, "plan__participant"),
    (RecordType.MEETING, Meeting, "participant"),
    (RecordType.REFERRAL, Referral, "participant"),
    (RecordType.MEASUREMENT, Measurement, "referral__participant"),
]


def counted_as(rule: str, record_type: str) -> str:
    """The key of a run's counts: the rule that culls, and the type of the records."""
    return f"{rule}:{record_type}"


def counts(people: Iterable[int]) -> dict[str, int]:
    """How many records of each type the people have: one count per type."""
    ids = list(people)
    return {
        str(kind): model._default_manager.filter(**{f"{path}__in": ids}).count()
        for kind, model, path in COUNTED
    }


def cull(participant: Participant) -> None:
    """Delete the participant and every record that hangs off them, in the caller's
    transaction, after keeping what the figures count (``rollups.keep_culled``,
    ``meetings.figures.keep_culled``). Notices about what goes go with it, and so does the
    person's own account in Min Samla once no organisation keeps a record of them."""
    assert transaction.get_connection().in_atomic_block, "one transaction per person"
    pk = participant.pk
    rollups.keep_culled(pk)
    meeting_figures.keep_culled(pk)
    # The ids of what the rest hangs off, so that each delete below is by plain ids, never
    # through a join (fast whatever the planner knows of the tables).
    meeting_ids = _ids(Meeting.objects.filter(participant_id=pk))
    plan_ids = _ids(Plan.objects.filter(participant_id=pk))
    referral_ids = _ids(Referral.objects.filter(participant_id=pk))
    story_ids = _ids(Story.objects.filter(participant_id=pk))
    version_ids = _ids(StoryVersion.objects.filter(story_id__in=story_ids))
    meetings = Meeting.objects.filter(pk__in=meeting_ids)
    consents = Consent.objects.filter(participant_id=pk)
    # Whatever points at another record of the person first, so that nothing is left
    # pointing at what goes (every relation is PROTECT, as it should be everywhere else). A
    # follow-up's link to the meeting before it may go; a preparatory meeting must prepare one.
    meetings.update(follow_up_of=None)
    consents.update(replaces=None)
    for rows in (
        Decision.objects.filter(meeting_id__in=meeting_ids),
        Invitation.objects.filter(meeting_id__in=meeting_ids),
        meetings.filter(kind=Meeting.Kind.PREPARATORY),  # each prepares another: first
        meetings,
        PlanAction.objects.filter(plan_id__in=plan_ids),
        PlanConfirmation.objects.filter(plan_id__in=plan_ids),
        PlanApproval.objects.filter(plan_id__in=plan_ids),
        PlanDeferral.objects.filter(plan_id__in=plan_ids),
        PlanVersion.objects.filter(plan_id__in=plan_ids),
        Plan.objects.filter(pk__in=plan_ids),
        StorySuggestion.objects.filter(participant_id=pk),
        StorySection.objects.filter(version_id__in=version_ids),
        StoryVersion.objects.filter(pk__in=version_ids),
        Story.objects.filter(pk__in=story_ids),
        ReferralEvent.objects.filter(referral_id__in=referral_ids),
        Attendance.objects.filter(referral_id__in=referral_ids),
        Measurement.objects.filter(referral_id__in=referral_ids),
        Referral.objects.filter(pk__in=referral_ids),
        consents,
        TeamMember.objects.filter(participant_id=pk),
        LegalHold.objects.filter(participant_id=pk),
        Participant.objects.controlled_by(participant.controlling_organisation_id).filter(pk=pk),
    ):
        _forget_notices(rows)
        rows.delete()
    if participant.id_number and not Participant.objects.kept_anywhere(participant.id_number):
        User.objects.filter(person_number=participant.id_number).delete()


def _ids(rows: QuerySet[Any]) -> list[int]:
    return list(rows.values_list("pk", flat=True))


def _forget_notices(rows: QuerySet[Any]) -> None:
    """The notices about these records (a notice names its object by type and id)."""
    label = rows.model._meta.label_lower
    ids = [str(pk) for pk in rows.values_list("pk", flat=True)]
    if ids:
        Notice.objects.filter(object_type=label, object_id__in=ids).delete()


# --- carrying out an approved run (tasks.carry_out_run) ---


def cull_one(run: CullingRun, participant_id: int, today: date) -> bool:
    """Cull one person of an approved run, in one transaction, if they are still due today
    under the run's rule for people's records (no new entry, no hold since the preview).
    Whether they were."""
    terms = terms_in(run, RecordType.PARTICIPANT)
    with transaction.atomic():
        current, participant = _locked(run, participant_id)
        if participant is None:
            return False
        if (
            participant_id
            not in due(run.organisation_id, terms, today, among=[participant_id]).people
        ):
            current.people_skipped += 1
            current.save(update_fields=["people_skipped"])
            return False
        for kind, count in counts([participant_id]).items():
            key = counted_as(RecordType.PARTICIPANT, kind)
            current.culled_counts[key] = current.culled_counts.get(key, 0) + count
        key = str(participant.association_id)
        current.by_association[key] = current.by_association.get(key, 0) + 1
        current.people_culled += 1
        _record_culling(current, participant, "Gallrad enligt gallringsregel")
        cull(participant)
        current.save(
            update_fields=["people_culled", "people_skipped", "culled_counts", "by_association"]
        )
    return True


def cull_records_of(
    run: CullingRun, record_type: str, participant_id: int, ids: Collection[int], today: date
) -> int:
    """Cull one person's records of one type that an approved run found due, in one
    transaction, those that still are (a hold since the preview keeps them all). How many."""
    terms = terms_in(run, record_type)
    with transaction.atomic():
        current, participant = _locked(run, participant_id)
        if participant is None:
            return 0
        still = due_records(
            run.organisation_id, record_type, terms, today, among=ids, person=participant_id
        )
        if not still:
            return 0
        culled = cull_records(record_type, still)
        key = counted_as(record_type, record_type)
        current.culled_counts[key] = current.culled_counts.get(key, 0) + culled
        label = RecordType(record_type).label
        _record_culling(current, participant, f"Gallrat enligt gallringsregel: {label} ({culled})")
        current.save(update_fields=["culled_counts"])
    return culled


def _locked(run: CullingRun, participant_id: int) -> tuple[CullingRun, Participant | None]:
    """The run and the person, locked for one person's transaction; no person if the run is
    no longer approved (ended) or the person is gone already (a run taken again)."""
    current = CullingRun.objects.select_for_update().get(pk=run.pk)
    participant = (
        Participant.objects.controlled_by(run.organisation_id)
        .select_for_update()
        .filter(pk=participant_id)
        .first()
    )
    if current.state != CullingRun.State.APPROVED:
        return current, None
    return current, participant


def _record_culling(run: CullingRun, participant: Participant, summary: str) -> None:
    """The audit row about the person, by whoever approved the run (or Samla, automatically)."""
    record(
        actor=run.approved_by,
        actor_name="" if run.approved_by else "Samla",
        action=AuditEvent.Action.DELETE,
        obj=run,
        participant_id=participant.pk,
        role=Role.ORG_ADMIN,
        flagged=participant.is_protected,
        summary=summary,
    )


def records_by_person(record_type: str, ids: Collection[int]) -> dict[int, list[int]]:
    """The records, per person they are about."""
    path = {
        RecordType.STORY: "story__participant_id",
        RecordType.PLAN: "plan__participant_id",
        RecordType.CONSENT: "participant_id",
        RecordType.MEETING: "participant_id",
    }[RecordType(record_type)]
    model = {
        RecordType.STORY: StoryVersion,
        RecordType.PLAN: PlanVersion,
        RecordType.CONSENT: Consent,
        RecordType.MEETING: Meeting,
    }[RecordType(record_type)]
    found: dict[int, list[int]] = {}
    for pk, participant_id in model._default_manager.filter(pk__in=list(ids)).values_list(
        "pk", path
    ):
        found.setdefault(participant_id, []).append(pk)
    return found


def terms_in(run: CullingRun, record_type: str) -> Terms:
    """The terms of the run's rule for one record type."""
    rule = next(rule for rule in run.rules if rule["record_type"] == record_type)
    return Terms(rule["years"], rule["starts_from"], rule["keeps_research_days"])


def finish_run(run: CullingRun) -> CullingRun:
    """The run done: it forgets the people and becomes the protocol."""
    with transaction.atomic():
        current = CullingRun.objects.select_for_update().get(pk=run.pk)
        if current.state != CullingRun.State.APPROVED:
            return current
        current.state, current.finished_at, current.due, current.records_due = (
            CullingRun.State.DONE,
            timezone.now(),
            [],
            {},
        )
        current.save(update_fields=["state", "finished_at", "due", "records_due"])
        record(
            actor=current.approved_by,
            actor_name="" if current.approved_by else "Samla",
            action=AuditEvent.Action.UPDATE,
            obj=current,
            role=Role.ORG_ADMIN,
            summary=f"Gallring genomförd: {current.people_culled} personer",
        )
    return current
