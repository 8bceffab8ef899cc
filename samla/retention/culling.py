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
from django.db.models import Max, QuerySet
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
    under the run's rule (no new entry, no hold since the preview). Whether they were."""
    terms = Terms(run.years, run.starts_from, run.keeps_research_days)
    with transaction.atomic():
        current = CullingRun.objects.select_for_update().get(pk=run.pk)
        participant = (
            Participant.objects.controlled_by(run.organisation_id)
            .select_for_update()
            .filter(pk=participant_id)
            .first()
        )
        if current.state != CullingRun.State.APPROVED or participant is None:
            return False  # the run was ended, or they are gone already (a run taken again)
        if (
            participant_id
            not in due(run.organisation_id, terms, today, among=[participant_id]).people
        ):
            current.people_skipped += 1
            current.save(update_fields=["people_skipped"])
            return False
        for kind, count in counts([participant_id]).items():
            current.culled_counts[kind] = current.culled_counts.get(kind, 0) + count
        key = str(participant.association_id)
        current.by_association[key] = current.by_association.get(key, 0) + 1
        current.people_culled += 1
        record(
            actor=current.approved_by,
            actor_name="" if current.approved_by else "Samla",
            action=AuditEvent.Action.DELETE,
            obj=current,
            participant_id=participant_id,
            role=Role.ORG_ADMIN,
            flagged=participant.is_protected,
            summary="Gallrad enligt gallringsregel",
        )
        cull(participant)
        current.save(
            update_fields=["people_culled", "people_skipped", "culled_counts", "by_association"]
        )
    return True


def finish_run(run: CullingRun) -> CullingRun:
    """The run done: it forgets the people and becomes the protocol."""
    with transaction.atomic():
        current = CullingRun.objects.select_for_update().get(pk=run.pk)
        if current.state != CullingRun.State.APPROVED:
            return current
        current.state, current.finished_at, current.due = (
            CullingRun.State.DONE,
            timezone.now(),
            [],
        )
        current.save(update_fields=["state", "finished_at", "due"])
        record(
            actor=current.approved_by,
            actor_name="" if current.approved_by else "Samla",
            action=AuditEvent.Action.UPDATE,
            obj=current,
            role=Role.ORG_ADMIN,
            summary=f"Gallring genomförd: {current.people_culled} personer",
        )
    return current
