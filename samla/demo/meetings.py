"""Meetings for the demo: resource councils, SIP meetings and a follow-up summoned in the weeks
ahead, two preparatory meetings before their council, and one multi-party meeting the person
asked for that the coordinator is still preparing. Every meeting is on a Swedish working day
(``samla.demo.workdays``) in office hours, and no organiser has two at once, whatever the day of
loading.

Built by the first demo load after the casework (``samla.demo.casework``), for about twelve of
the people who have a plan, and only through ``samla.meetings.actions`` (``request_meeting``,
``invite``, ``summon``, ``book_preparatory``, ``answer``), so that every rule and audit row of a
real meeting holds: each invited organisation other than the controlling one is named by the
consent in force, each invitee named by the person's team. Some invitations are answered, some
not, so that the handlers see meetings ahead at /moten/ with links to answer.

No meeting is held yet: ``summon`` takes only a time ahead and ``record_minutes`` only a meeting
that has begun, so held meetings with minutes and decisions cannot be made through the actions
on the day of loading.

The mails the summons queue are removed, as the casework removes its notices: nobody was
summoned to anything by a person.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from samla.accounts.models import User
from samla.demo.workdays import is_working_day, working_day
from samla.meetings import actions as meeting_actions
from samla.meetings.access import recipients
from samla.meetings.models import Invitation, Meeting
from samla.notifications.models import Kind as NoticeKind
from samla.notifications.models import Notice
from samla.organisations.models import Organisation
from samla.people.models import Consent, Participant, TeamMember
from samla.plans.models import Plan

MEETING_CASES = 12
# Logins that must have a meeting ahead: coordinators organise one, handlers are invited.
MUST_ORGANISE = ("koordinator.tyreso", "koordinator.lindesberg")
MUST_ATTEND = ("handlaggare.fk.sofint", "handlaggare.fk.sodertorn")
PREPARATORY_MEETINGS = 2
# Meetings start in the morning or the afternoon and last at most an hour and a half; the
# organisations prepare for half an hour first thing in the morning, a couple of days before.
SLOTS = (time(9, 0), time(13, 0))
PREPARATORY_START = time(8, 30)
PREPARATORY_MINUTES = 30

Kind = Organisation.Kind
MeetingKind = Meeting.Kind

QUESTIONS: dict[str, tuple[str, ...]] = {
    MeetingKind.RESOURCE_COUNCIL: (
        "Vilket stöd kan vi ge tillsammans så att arbetsträningen kan börja?",
        "Hur får personen ersättning medan hen provar att arbeta några timmar i veckan?",
        "Vem tar ansvar för nästa steg när utredningen är klar?",
    ),
    MeetingKind.SIP: (
        "Hur samordnar vi vården och stödet i vardagen så att personen orkar med planen?",
        "Vem gör vad när behandlingen och arbetsträningen ska pågå samtidigt?",
        "Hur fördelar vi ansvaret mellan kommunen och regionen det närmaste halvåret?",
    ),
    MeetingKind.FOLLOW_UP: (
        "Hur har det gått sedan planen blev överenskommen, och behöver något ändras?",
    ),
}
MULTI_PARTY_NOTE = (
    "Jag vill träffa alla mina handläggare samtidigt, så att jag slipper berätta samma sak "
    "flera gånger och alla vet vad de andra gör."
)
MULTI_PARTY_QUESTION = "Hur får vi ihop insatserna så att personen vet vad som händer och när?"
NEED_TO_KNOW: dict[str, str] = {
    Kind.SOCIAL_INSURANCE: "Hur ersättningen påverkas om personen börjar arbetsträna.",
    Kind.EMPLOYMENT_SERVICE: "Vilka insatser ni kan erbjuda och när de kan börja.",
    Kind.REGION: "Vad vården bedömer att personen orkar just nu.",
    Kind.MUNICIPALITY: "Om stödet från socialtjänsten fortsätter under tiden.",
    Kind.PROVIDER: "Hur det går på arbetsträningen och vad handledaren ser.",
}
PLACES: tuple[str, ...] = (
    "Samordningsförbundets kansli, mötesrum Eken",
    "Kommunhuset, mötesrum 2",
    "Vårdcentralen, konferensrummet",
    "Arbetsmarknadsenheten, mötesrum Tallen",
)
# Who is obliged to come (summoned) rather than invited, by kind of meeting.
OBLIGED: dict[str, frozenset[str]] = {
    MeetingKind.SIP: frozenset({Kind.MUNICIPALITY, Kind.REGION}),
    MeetingKind.RESOURCE_COUNCIL: frozenset({Kind.SOCIAL_INSURANCE, Kind.EMPLOYMENT_SERVICE}),
    MeetingKind.FOLLOW_UP: frozenset(),
    MeetingKind.MULTI_PARTY: frozenset(),
}


@dataclass(eq=False)
class MeetingCase:
    participant: Participant
    coordinator: User
    team: list[User]  # current team members of other organisations than the controlling one


class MeetingBuilder:
    def __init__(self, *, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.counts: Counter[str] = Counter()
        self.invitation_pks: list[int] = []
        self.slot = 0
        self.keep_pending: set[int] = set()  # demo handlers to leave one summons unanswered

    def build(self, count: int = MEETING_CASES) -> Counter[str]:
        cases = self._choose(count)
        by_username = {
            u.username: u for u in User.objects.filter(username__in=[*MUST_ORGANISE, *MUST_ATTEND])
        }
        self.keep_pending = {by_username[name].pk for name in MUST_ATTEND if name in by_username}
        # The first case is the person's own request, still being prepared; the others are
        # summoned, in turn a resource council and a SIP meeting, and one follow-up.
        kinds = [MeetingKind.MULTI_PARTY]
        for position in range(1, len(cases)):
            if position == len(cases) - 1:
                kinds.append(MeetingKind.FOLLOW_UP)
            else:
                kinds.append([MeetingKind.RESOURCE_COUNCIL, MeetingKind.SIP][position % 2])
        prepared = 0
        for case, kind in zip(cases, kinds, strict=True):
            if kind == MeetingKind.MULTI_PARTY:
                self._requested(case)
                continue
            meeting = self._summoned(case, kind)
            if kind == MeetingKind.RESOURCE_COUNCIL and prepared < PREPARATORY_MEETINGS:
                self._preparatory(case, meeting)
                prepared += 1
        # Nobody was summoned by a person: no mail about the demo's meetings.
        object_ids = [f"{pk}:{sequence}" for pk in self.invitation_pks for sequence in range(0, 3)]
        Notice.objects.filter(
            kind__in=[NoticeKind.SUMMONED, NoticeKind.INVITED, NoticeKind.MEETING_CHANGED],
            object_type=Invitation._meta.label_lower,
            object_id__in=object_ids,
        ).delete()
        return self.counts

    # Choosing -------------------------------------------------------------------------------

    def _choose(self, count: int) -> list[MeetingCase]:
        """About ``count`` cases in which someone can be invited: first those of the logins that
        must have a meeting ahead, then others in random order."""
        eligible = self._eligible()
        self.rng.shuffle(eligible)
        chosen: list[MeetingCase] = []
        for username in MUST_ORGANISE:
            self._take(eligible, chosen, username, organiser=True)
        for username in MUST_ATTEND:
            self._take(eligible, chosen, username, organiser=False)
        for case in eligible:
            if len(chosen) >= count:
                break
            if case not in chosen and any(self._invitable(case, u.organisation) for u in case.team):
                chosen.append(case)
        return self._free_case_first(chosen)

    def _eligible(self) -> list[MeetingCase]:
        """People with a plan under way and a consent in force, no protected personal data, and
        one coordinator of the controlling organisation on their team, in order."""
        on = self.today
        participants = list(
            Participant.objects.filter(
                Exists(Plan.objects.active().filter(participant=OuterRef("pk"))),
                Exists(Consent.objects.in_force(on).filter(participant=OuterRef("pk"))),
                protection=Participant.Protection.NONE,
            )
            .select_related("association", "controlling_organisation")
            .order_by("pk")
        )
        team_rows = (
            TeamMember.objects.current()
            .filter(participant__in=participants)
            .select_related("user__organisation")
            .order_by("pk")
        )
        coordinator: dict[int, User] = {}
        others: dict[int, list[User]] = {}
        controller = {p.pk: p.controlling_organisation_id for p in participants}
        for member in team_rows:
            user = member.user
            if member.role == TeamMember.Role.COORDINATOR:
                coordinator[member.participant_id] = user
            elif user.organisation_id != controller[member.participant_id]:
                others.setdefault(member.participant_id, []).append(user)
        return [
            MeetingCase(p, coordinator[p.pk], others.get(p.pk, []))
            for p in participants
            if p.pk in coordinator
            and coordinator[p.pk].organisation_id == p.controlling_organisation_id
        ]

    def _take(
        self,
        eligible: list[MeetingCase],
        chosen: list[MeetingCase],
        wanted: str,
        *,
        organiser: bool,
    ) -> None:
        """Add to ``chosen`` the first case not chosen yet that the login ``wanted`` organises,
        or (not ``organiser``) to which it can be invited."""
        for case in eligible:
            if case in chosen:
                continue
            if organiser and case.coordinator.username == wanted:
                chosen.append(case)
                return
            if not organiser and any(
                u.username == wanted and self._invitable(case, u.organisation) for u in case.team
            ):
                chosen.append(case)
                return

    def _free_case_first(self, chosen: list[MeetingCase]) -> list[MeetingCase]:
        """The chosen cases in order, but the person's own request goes to someone else than the
        logins that must have a meeting ahead: such a case first."""
        chosen.sort(key=lambda c: c.participant.pk)
        required = set(MUST_ORGANISE) | set(MUST_ATTEND)
        free = next(
            (
                c
                for c in chosen
                if c.coordinator.username not in required
                and not any(u.username in required for u in c.team)
            ),
            None,
        )
        if free is not None:
            chosen.remove(free)
            chosen.insert(0, free)
        return chosen

    def _invitable(self, case: MeetingCase, organisation: Organisation | None) -> bool:
        if organisation is None:
            return False
        try:
            meeting_actions.check_invitable(case.participant, organisation)
        except ValidationError:
            return False
        return True

    # Building -------------------------------------------------------------------------------

    def _request(self, case: MeetingCase, kind: str) -> Meeting:
        person = kind == MeetingKind.MULTI_PARTY
        meeting = meeting_actions.request_meeting(
            case.participant,
            actor=case.coordinator,
            kind=kind,
            requested_by=Meeting.RequestedBy.PERSON if person else Meeting.RequestedBy.HANDLER,
            request_note=MULTI_PARTY_NOTE if person else "",
            question=MULTI_PARTY_QUESTION if person else self.rng.choice(QUESTIONS[kind]),
        )
        self.counts["meetings"] += 1
        self.counts["meeting_invitations"] += 1  # the organiser's own
        self.invitation_pks.extend(meeting.invitations.values_list("pk", flat=True))
        invited: set[int] = set()
        for user in sorted(case.team, key=lambda u: u.pk):
            organisation = user.organisation
            if organisation is None or not self._invitable(case, organisation):
                continue
            named: User | None = user
            try:
                meeting_actions.check_invitee(case.participant, organisation, user)
            except ValidationError:
                named = None
            if named is None and organisation.pk in invited:
                continue
            invitation = meeting_actions.invite(
                meeting,
                actor=case.coordinator,
                organisation=organisation,
                user=named,
                obliged=organisation.kind in OBLIGED[kind],
                need_to_know=NEED_TO_KNOW.get(organisation.kind, ""),
            )
            invited.add(organisation.pk)
            self.invitation_pks.append(invitation.pk)
            self.counts["meeting_invitations"] += 1
        return Meeting.objects.get(pk=meeting.pk)

    def _requested(self, case: MeetingCase) -> Meeting:
        meeting = self._request(case, MeetingKind.MULTI_PARTY)
        self.counts["meetings_requested"] += 1
        return meeting

    def _summoned(self, case: MeetingCase, kind: str) -> Meeting:
        meeting = self._request(case, kind)
        return self._summon(case, meeting, self._next_start())

    def _preparatory(self, case: MeetingCase, meeting: Meeting) -> Meeting:
        preparatory = meeting_actions.book_preparatory(meeting, actor=case.coordinator)
        self.counts["meetings"] += 1
        self.counts["meetings_preparatory"] += 1
        pks = list(preparatory.invitations.values_list("pk", flat=True))
        self.invitation_pks.extend(pks)
        self.counts["meeting_invitations"] += len(pks)
        assert meeting.starts_at is not None
        starts_at = self._before(meeting.organiser_id, meeting.starts_at, PREPARATORY_MINUTES)
        preparatory = Meeting.objects.get(pk=preparatory.pk)
        return self._summon(
            case, preparatory, starts_at, duration=PREPARATORY_MINUTES, digital=True
        )

    def _summon(
        self,
        case: MeetingCase,
        meeting: Meeting,
        starts_at: datetime,
        *,
        duration: int | None = None,
        digital: bool | None = None,
    ) -> Meeting:
        rng = self.rng
        if digital is None:
            digital = rng.random() < 0.4
        duration = duration or rng.choice([60, 60, 90])
        ends_at = starts_at + timedelta(minutes=duration)
        assert self._free(meeting.organiser_id, starts_at, ends_at), (meeting.pk, starts_at)
        meeting, _told = meeting_actions.summon(
            meeting,
            actor=case.coordinator,
            version=meeting.version,
            starts_at=starts_at,
            duration_minutes=duration,
            mode=Meeting.Mode.DIGITAL if digital else Meeting.Mode.PHYSICAL,
            place="" if digital else rng.choice(PLACES),
        )
        self.counts["meetings_summoned"] += 1
        self._answer_some(meeting)
        return meeting

    def _answer_some(self, meeting: Meeting) -> None:
        """Some invitees have answered, most that they come; the demo handlers leave their
        first summons unanswered, so that they have one to answer."""
        invitations = (
            Invitation.objects.filter(meeting=meeting)
            .exclude(user_id=meeting.organiser_id)
            .select_related("organisation", "user")
            .order_by("pk")
        )
        for invitation in invitations:
            invitation.meeting = meeting
            if invitation.user_id in self.keep_pending:
                self.keep_pending.discard(invitation.user_id)
                continue
            draw = self.rng.random()
            if draw < 0.35:
                continue
            who = (
                [invitation.user]
                if invitation.user is not None
                else recipients(invitation, meeting.participant)
            )
            if not who:
                continue
            meeting_actions.answer(
                invitation,
                actor=who[0],
                response=(
                    Invitation.Response.ACCEPTED if draw < 0.85 else Invitation.Response.DECLINED
                ),
            )
            self.counts["meeting_answers"] += 1

    # The diary ----------------------------------------------------------------------------
    # Dates are working days in Sweden counted from the day of loading, times are Swedish
    # (``_at``), so a meeting keeps its hour across a change to or from summer time.

    def _next_start(self) -> datetime:
        """Working days from six days ahead, morning or afternoon, one meeting a slot for the
        whole demo (so two meetings never clash, whoever organises them)."""
        day = working_day(self.today + timedelta(days=6))
        for _ in range(self.slot // 2):
            day = working_day(day + timedelta(days=1))
        start = SLOTS[self.slot % 2]
        self.slot += 1
        return _at(day, start)

    def _before(self, organiser_id: int, starts_at: datetime, minutes: int) -> datetime:
        """Early on a working day before ``starts_at``: two days before if the organiser is free
        then, else the nearest earlier day they are, else the day before or that same morning
        (Easter or Christmas can leave no working day between); never today."""
        day_of = timezone.localdate(starts_at)
        earlier = [day_of - timedelta(days=n) for n in range(2, (day_of - self.today).days)]
        for day in [*earlier, day_of - timedelta(days=1), day_of]:
            candidate = _at(day, PREPARATORY_START)
            ends_at = candidate + timedelta(minutes=minutes)
            if (
                day > self.today
                and is_working_day(day)
                and ends_at <= starts_at
                and self._free(organiser_id, candidate, ends_at)
            ):
                return candidate
        raise AssertionError(f"No free morning before {starts_at} for {organiser_id}.")

    def _free(self, organiser_id: int, starts_at: datetime, ends_at: datetime) -> bool:
        booked = Meeting.objects.filter(organiser_id=organiser_id)
        return not booked.overlapping(starts_at, ends_at).exists()


def _at(day: date, moment: time) -> datetime:
    """``moment`` on ``day`` in Swedish time (the current time zone)."""
    return timezone.make_aware(datetime.combine(day, moment))


def build_meetings(*, seed: int, today: date, count: int = MEETING_CASES) -> Counter[str]:
    """Meetings for about `count` people with a plan; see the module's docstring."""
    return MeetingBuilder(rng=random.Random(f"meetings-{seed}"), today=today).build(count)
