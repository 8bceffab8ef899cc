"""Who may see which meeting, and what of it. Every view reaches a meeting through here.

Reaching the person is ``samla.people.access``'s decision (team, role, consent, protection) and
it writes the audit row. On top of that:

- the controlling organisation sees every meeting about the person; another organisation sees
  the meetings it is invited to, and nothing of the others (need to know, R3);
- the minutes and each decision carry an information category: another organisation sees them
  only if its consent allows that category (R2), as for the story and the plan;
- requesting, preparing, summoning, cancelling and writing the minutes need ``manage``: a
  coordinator of the controlling organisation on the team;
- an invitation is answered by the person it names, or, if it names nobody, by someone of the
  invited organisation who may see the person, or by one of the organisation's receivers
  (``accounts.Receiver``), who reach the invitation before they may see the person: they see
  the meeting's time and place and nothing of the person until they are on the team.

A refused read leaves no audit row: the participant read and the meeting lookup are one
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from samla.accounts.models import PERSON_ROLES, Receiver, User
from samla.audit.models import AuditEvent
from samla.meetings.models import Invitation, Meeting, MeetingQuerySet
from samla.people.access import (
    ParticipantAccess,
    deciding_consents,
    get_own_participant,
    get_participant_for_user,
    log_list_read,
    own_participants,
    read_own,
    visible_participants,
)
from samla.people.models import InformationCategory, Participant, TeamMember


@dataclass(frozen=True)
class MeetingAccess:
    """A meeting as one user may see it."""

    access: ParticipantAccess
    meeting: Meeting

    @property
    def participant(self) -> Participant:
        return self.access.participant

    @property
    def can_manage(self) -> bool:
        return self.access.can_manage

    def allows(self, category: str) -> bool:
        return bool(category) and self.access.allows(InformationCategory(category))

    @property
    def shows_minutes(self) -> bool:
        return self.allows(self.meeting.minutes_category)


def meetings_for(access: ParticipantAccess) -> MeetingQuerySet:
    """The person's meetings this viewer may know of."""
    meetings = Meeting.objects.filter(participant=access.participant)
    if access.is_controller:
        return meetings
    if access.user.organisation_id is None:
        return meetings.none()
    invited = Invitation.objects.filter(organisation_id=access.user.organisation_id)
    return meetings.filter(pk__in=invited.values("meeting_id"))


def get_meeting_for_user(
    user: User,
    pk: int,
    meeting_pk: int,
    *,
    purpose: str,
    manage: bool = False,
    action: AuditEvent.Action = AuditEvent.Action.VIEW,
) -> MeetingAccess:
    """One of the person's meetings, if this user may see it; 404 for missing and not allowed,
    403 for a viewer who may see it but not ``manage`` it."""
    with transaction.atomic():
        access = get_participant_for_user(user, pk, purpose=purpose, manage=manage, action=action)
        meeting = (
            meetings_for(access)
            .filter(pk=meeting_pk)
            .select_related("organiser__organisation", "prepares", "follow_up_of")
            .first()
        )
        if meeting is None:
            raise Http404
    meeting.participant = access.participant
    return MeetingAccess(access=access, meeting=meeting)


def get_invitation_for_user(user: User, token: str) -> tuple[MeetingAccess, Invitation]:
    """An invitation reached from the link in its mail: the link is no key, the same rules
    apply as for the meeting (404 for anyone who may not see it)."""
    found = Invitation.objects.filter(token=token).values_list(
        "meeting__participant_id", "meeting_id"
    )
    if not found:
        raise Http404
    participant_id, meeting_id = found[0]
    meeting_access = get_meeting_for_user(
        user, participant_id, meeting_id, purpose="Möte, svar på kallelse"
    )
    invitation = Invitation.objects.select_related("organisation", "user").get(token=token)
    invitation.meeting = meeting_access.meeting
    return meeting_access, invitation


def get_invitation_for_receiver(user: User, token: str) -> Invitation:
    """An invitation that reached this user as a receiver of its organisation, before they may
    see the person: the meeting's time and place, nothing of the person (the page shows no
    name), so nothing of the person is read and no read is logged. 404 for anyone else."""
    invitation = (
        Invitation.objects.filter(token=token, user__isnull=True)
        .select_related(
            "organisation",
            "meeting__organiser__organisation",
            "meeting__participant__association",
        )
        .first()
    )
    if invitation is None or invitation.organisation_id != user.organisation_id:
        raise Http404
    if not is_receiver(user, invitation, invitation.meeting.participant):
        raise Http404
    return invitation


def may_answer(user: User, invitation: Invitation) -> bool:
    if invitation.user_id is not None:
        return invitation.user_id == user.pk
    return invitation.organisation_id == user.organisation_id


def may_see_person(user: User, participant: Participant) -> bool:
    return visible_participants(user).filter(pk=participant.pk).exists()


def receivers(invitation: Invitation, participant: Participant) -> list[User]:
    """The invited organisation's receivers in the person's association (kept by its
    administrator), for an invitation that names nobody."""
    return list(
        Receiver.objects.users(invitation.organisation_id, participant.association).exclude(
            pk=invitation.meeting.organiser_id
        )
    )


def recipients(invitation: Invitation, participant: Participant) -> list[User]:
    """Who is told about an invitation: the person it names, or else the invited
    organisation's people on the team, or, when none of them may see the person, the
    organisation's receivers (who are not on the team yet: they answer, and join it). A named
    person or a team member is told only while they may see the person, so that nobody on the
    team gets a summons to a meeting they cannot open."""
    if invitation.user_id is not None:
        candidates = User.objects.filter(pk=invitation.user_id)
    else:
        team = TeamMember.objects.current().filter(participant=participant).values("user_id")
        candidates = User.objects.filter(pk__in=team, organisation_id=invitation.organisation_id)
    told = [
        user
        for user in candidates.filter(is_active=True).order_by("pk")
        if may_see_person(user, participant)
    ]
    if told or invitation.user_id is not None:
        return told
    return receivers(invitation, participant)


def reaches_nobody(invitation: Invitation, participant: Participant) -> bool:
    """An invitation that no mail would reach: the organiser's own does not count (they booked
    the meeting)."""
    if invitation.user_id is not None and invitation.user_id == invitation.meeting.organiser_id:
        return False
    return not [
        u for u in recipients(invitation, participant) if u.pk != invitation.meeting.organiser_id
    ]


def is_receiver(user: User, invitation: Invitation, participant: Participant) -> bool:
    """Whether the invitation reached this user as one of its organisation's receivers."""
    return (
        invitation.user_id is None
        and invitation.organisation_id == user.organisation_id
        and any(u.pk == user.pk for u in recipients(invitation, participant))
    )


def busy_users(meeting: Meeting, user_ids: list[int]) -> set[int]:
    """Which of these users already have another Samla meeting that overlaps this one: one
    they organise or are invited to by name and have not declined. Only the fact is told,
    never which meeting or whose (the other meeting may be about someone the viewer may not
    see)."""
    if meeting.starts_at is None or meeting.ends_at is None or not user_ids:
        return set()
    others = Meeting.objects.overlapping(meeting.starts_at, meeting.ends_at).exclude(pk=meeting.pk)
    invited = (
        Invitation.objects.filter(meeting__in=others, user_id__in=user_ids)
        .exclude(response=Invitation.Response.DECLINED)
        .values_list("user_id", flat=True)
    )
    organising = others.filter(organiser_id__in=user_ids).values_list("organiser_id", flat=True)
    return {*invited, *organising}


def organisations_without_consent(
    participant: Participant, invitations: list[Invitation]
) -> set[int]:
    """The invited organisations that no consent in force names any longer: their people can
    no longer open the meeting nor get its mail, and the organiser should know."""
    today = timezone.localdate()
    return {
        invitation.organisation_id
        for invitation in invitations
        if invitation.organisation_id != participant.controlling_organisation_id
        and not deciding_consents(invitation.organisation_id, [participant.pk], today)
    }


@dataclass(frozen=True)
class UpcomingMeetings:
    mine: list[Meeting]
    my_organisation: list[Meeting]
    to_prepare: list[Meeting]


def upcoming_for(user: User, now: datetime | None = None) -> UpcomingMeetings:
    """The meetings ahead for a user: those they organise or are invited to by name, those
    their organisation is invited to, and the requested ones they are preparing. Only people
    the user may see right now; the read is logged as one row."""
    now = now or timezone.now()
    if user.organisation_id is None or not user.reaches_person_data:
        return UpcomingMeetings([], [], [])
    visible = visible_participants(user).values("pk")
    meetings = Meeting.objects.filter(participant__in=visible).select_related("participant")
    ahead = meetings.filter(state=Meeting.State.PLANNED, ends_at__gte=now).order_by("starts_at")
    named = Q(organiser=user) | Q(invitations__user=user)
    with transaction.atomic():
        mine = list(ahead.filter(named).distinct())
        mine_ids = {m.pk for m in mine}
        organisation = [
            m
            for m in ahead.filter(invitations__organisation_id=user.organisation_id).distinct()
            if m.pk not in mine_ids
        ]
        to_prepare = list(
            meetings.filter(state=Meeting.State.REQUESTED, organiser=user).order_by("created_at")
        )
        shown = len(mine) + len(organisation) + len(to_prepare)
        log_list_read(user, shown, purpose="Mina möten")
    return UpcomingMeetings(mine, organisation, to_prepare)


def _receiving_associations(user: User) -> set[int]:
    """The associations in which this user receives their organisation's invitations."""
    assert user.organisation_id is not None
    roles = [a.role for a in user.assignments()]
    kept = Receiver.objects.filter(organisation_id=user.organisation_id).filter(
        Q(user=user) | Q(role__in=roles)
    )
    return set(kept.values_list("association_id", flat=True)) & user.association_ids(*PERSON_ROLES)


def awaiting_answer(user: User, now: datetime | None = None) -> list[Invitation]:
    """Summonses and invitations to meetings ahead that wait for this user's answer: those
    naming them, and those to their organisation that reach them, on the team or as a
    receiver. Shown without the person's name (a receiver may not see the person yet), so
    nothing of the person is read."""
    if user.organisation_id is None or not user.reaches_person_data:
        return []
    now = now or timezone.now()
    pending = (
        Invitation.objects.pending()
        .filter(meeting__state=Meeting.State.PLANNED, meeting__ends_at__gte=now)
        .exclude(meeting__organiser=user)
        .select_related(
            "organisation", "meeting__organiser__organisation", "meeting__participant__association"
        )
        .order_by("meeting__starts_at", "pk")
    )
    visible = visible_participants(user).values("pk")
    ours = Q(user__isnull=True, organisation_id=user.organisation_id)
    seen = list(pending.filter(Q(user=user) | ours, meeting__participant__in=visible))
    receiving = _receiving_associations(user)
    as_receiver = (
        [
            invitation
            for invitation in pending.filter(
                ours, meeting__participant__association_id__in=receiving
            ).exclude(meeting__participant__in=visible)
            if is_receiver(user, invitation, invitation.meeting.participant)
        ]
        if receiving
        else []
    )
    return sorted(seen + as_receiver, key=lambda i: (i.meeting.starts_at, i.pk))


def own_meetings(user: User) -> MeetingQuerySet:
    """The meetings about the person signed in to Min Samla, across their records. A
    preparatory meeting is among the staff only, and never the person's to see."""
    return Meeting.objects.filter(participant__in=own_participants(user)).exclude(
        kind=Meeting.Kind.PREPARATORY
    )


def read_own_meetings(user: User, *, purpose: str) -> list[Meeting]:
    """All the person's meetings, each of their records read and logged as their own, in one
    transaction."""
    with transaction.atomic():
        records = {p.pk: p for p in read_own(user, purpose=purpose)}
        meetings = list(
            Meeting.objects.filter(participant_id__in=records)
            .exclude(kind=Meeting.Kind.PREPARATORY)
            .select_related("organiser__organisation")
        )
    for meeting in meetings:
        meeting.participant = records[meeting.participant_id]
    return meetings


def get_own_meeting(user: User, meeting_pk: int, *, purpose: str) -> Meeting:
    """One of the person's own meetings, or 404 (missing, another's and a preparatory meeting
    alike); the read logged as the person's own."""
    with transaction.atomic():
        meeting = (
            own_meetings(user)
            .filter(pk=meeting_pk)
            .select_related("organiser__organisation")
            .first()
        )
        if meeting is None:
            raise Http404
        meeting.participant = get_own_participant(user, meeting.participant_id, purpose=purpose)
    return meeting


def requests_from_people(user: User) -> list[Meeting]:
    """Meetings people asked for themselves in Min Samla that wait for this coordinator to
    prepare and summon them: those they organise, or whose person they now coordinate. Only
    people the user may see right now; the read is logged as one row."""
    if user.organisation_id is None or not user.reaches_person_data:
        return []
    coordinated = TeamMember.objects.current().filter(user=user, role=TeamMember.Role.COORDINATOR)
    with transaction.atomic():
        meetings = list(
            Meeting.objects.filter(
                state=Meeting.State.REQUESTED,
                requested_by_user__isnull=False,
                participant__in=visible_participants(user).values("pk"),
            )
            .filter(Q(organiser=user) | Q(participant__in=coordinated.values("participant_id")))
            .select_related("participant")
            .order_by("created_at", "pk")
        )
        log_list_read(user, len(meetings), purpose="Arbetslista, möten som personen begärt")
    return meetings


def next_own_meeting(participants: list[Participant]) -> Meeting | None:
    """The next summoned meeting about these (the person's own, already read) records, for Min
    Samla's start page: never a preparatory one."""
    return (
        Meeting.objects.filter(
            participant__in=participants,
            state=Meeting.State.PLANNED,
            starts_at__gte=timezone.now(),
        )
        .exclude(kind=Meeting.Kind.PREPARATORY)
        .order_by("starts_at")
        .first()
    )
