"""The three demo people who log in to Min Samla (``samla.demo.logins.DEMO_PEOPLE``).

Built by the first demo load after the casework and its meetings, only through the apps' own
actions, as a coordinator and the handlers would have done it: the person is registered by their
coordinator, gives a consent naming Försäkringskassan and Arbetsförmedlingen (one keeps their
health to themself), gets an FK and an AF handler on the team, tells their story, and gets a
plan with goals in their own words. A resource council was held two weeks ago: its minutes say
what was decided, and each decision is an action in the plan. Then the plan was sent out and
every organisation confirmed it: for two of the people only their own approval is missing (for
one of them it is a change to a plan agreed earlier), the third approved. A follow-up by video
is summoned for next week, and the FK handler has read the person's overview, story and plan,
so that "Vem har läst om mig" has something to tell.

``summon`` takes only a time ahead and ``record_minutes`` only a meeting that has begun: the
council is summoned for a moment ahead and then moved to the day it was held, the one write here
that is not an action's. The notices the actions queue are removed, as the casework's are:
nobody summoned or assigned anything to anyone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone

from samla.accounts.models import User
from samla.demo.logins import DEMO_PEOPLE, DemoPerson, person_number
from samla.demo.workdays import working_day
from samla.idnumbers import parse
from samla.meetings import actions as meeting_actions
from samla.meetings.models import Invitation, Meeting
from samla.notifications.models import Notice
from samla.organisations.models import Association, Organisation
from samla.people import actions as people_actions
from samla.people.access import get_participant_for_user
from samla.people.models import Consent, InformationCategory, Participant
from samla.plans import actions as plan_actions
from samla.plans.access import get_plan_for_user
from samla.plans.models import Plan, PlanApproval
from samla.stories.access import get_story_for_user
from samla.stories.actions import save_story
from samla.stories.models import SectionContent, StorySection, StoryVersion

Category = InformationCategory
Section = StorySection.Kind

# Whose is each action and decision: the coordinator's organisation, FK's or AF's handler.
OWN, FK, AF = "own", "fk", "af"
EVERYTHING = [c.value for c in Category]
WITHOUT_HEALTH = [c.value for c in Category if c != Category.HEALTH]


@dataclass(frozen=True)
class Step:
    """An action in the plan, or a decision of the council that becomes one."""

    by: str  # OWN, FK or AF
    need: str
    action: str
    category: Category
    due_in_days: int


@dataclass(frozen=True)
class Case:
    """What happens in one person's case."""

    person: DemoPerson
    excluded: list[str]  # categories the person keeps to themself
    story: dict[str, SectionContent]
    goals: str
    steps: tuple[Step, ...]  # the plan's first actions
    minutes: str
    decisions: tuple[Step, ...]
    agreed_before: bool  # a version was agreed before the council, the change waits for them
    approved: bool  # the person has approved the plan the council's decisions went into
    follow_up_question: str
    draft_for: str = ""  # a region to name in a consent drafted for the person to give


def _story(
    life: str, matters: str, needs: str, strengths: str, *, health: bool = False
) -> dict[str, SectionContent]:
    return {
        Section.LIFE_SITUATION: SectionContent(life, Category.LIFE_SITUATION),
        Section.WHAT_MATTERS: SectionContent(matters, Category.LIFE_SITUATION),
        Section.NEEDS: SectionContent(needs, Category.HEALTH if health else Category.WORK_STUDIES),
        Section.STRENGTHS: SectionContent(strengths, Category.WORK_STUDIES),
    }


ELIN, JONAS, AMIRA = DEMO_PEOPLE
CASES: tuple[Case, ...] = (
    Case(
        person=ELIN,
        excluded=[],
        story=_story(
            "Jag bor med min dotter i en tvåa i Lindesberg. Jag har jobbat i butik i många år, "
            "men för två år sedan blev jag sjukskriven för utmattning.",
            "Att min dotter har det bra. Att jag kan jobba igen, men i en takt jag orkar.",
            "Jag behöver hjälp att komma tillbaka till jobb lite i taget. Jag blir lätt trött "
            "och behöver veta vad jag klarar av.",
            "Jag är noggrann och bra på att prata med kunder. Jag tycker om att ordna och planera.",
            health=True,
        ),
        goals="Jag vill jobba halvtid i en butik om ett år.\nJag vill orka vara med min dotter "
        "på kvällarna.",
        steps=(
            Step(
                OWN,
                "Elin vill ha någon som håller ihop kontakterna.",
                "Vi ses varannan vecka och går igenom hur det går.",
                Category.PLANS_MEETINGS,
                60,
            ),
            Step(
                FK,
                "Elin undrar vad som händer med sjukpenningen om hon börjar arbetsträna.",
                "Försäkringskassan går igenom sjukpenningen med Elin innan arbetsträningen börjar.",
                Category.INCOME,
                14,
            ),
        ),
        minutes="Elin berättade hur hon mår och att hon vill prova att arbeta några timmar om "
        "dagen. Alla var överens om att börja med arbetsträning och följa upp efter en månad.",
        decisions=(
            Step(
                AF,
                "Beslut på resursrådet: arbetsträning.",
                "Arbetsförmedlingen ordnar arbetsträning två timmar om dagen i en butik.",
                Category.WORK_STUDIES,
                30,
            ),
        ),
        agreed_before=True,
        approved=False,
        follow_up_question="Hur har arbetsträningen gått den första tiden?",
        draft_for="Region Örebro län",
    ),
    Case(
        person=JONAS,
        excluded=[Category.HEALTH.value],
        story=_story(
            "Jag bor ensam i Tyresö. Jag har jobbat som lagerarbetare men blev uppsagd förra "
            "året. Sedan dess har jag mest varit hemma.",
            "Att ha något att gå till på morgonen. Att slippa berätta samma sak för alla igen.",
            "Jag sover dåligt och har ont i ryggen. Jag vill få hjälp med det först.",
            "Jag är händig och kan köra truck. Jag är alltid i tid.",
            health=True,
        )
        | {
            Section.NOT_SHARED: SectionContent(
                "Jag vill inte att min ryggbehandling syns för andra än min koordinator.", ""
            )
        },
        goals="Jag vill ha ett jobb på ett lager inom ett år.\nJag vill kunna sova en hel natt.",
        steps=(
            Step(
                OWN,
                "Jonas vill ha hjälp att hålla ordning på sina möten.",
                "Vi ringer varje måndag och går igenom veckan.",
                Category.PLANS_MEETINGS,
                45,
            ),
            Step(
                FK,
                "Jonas vet inte vilken ersättning han har rätt till.",
                "Försäkringskassan förklarar vilka ersättningar Jonas kan ha rätt till.",
                Category.INCOME,
                21,
            ),
        ),
        minutes="Jonas var med och berättade vad han vill. Vi pratade om hur han kan komma "
        "tillbaka till lagerarbete. Jonas vill börja med ett truckkort.",
        decisions=(
            Step(
                AF,
                "Beslut på resursrådet: truckkort.",
                "Arbetsförmedlingen anmäler Jonas till en kurs för truckkort.",
                Category.WORK_STUDIES,
                40,
            ),
            Step(
                OWN,
                "Beslut på resursrådet: cv.",
                "Koordinatorn hjälper Jonas att skriva ett cv.",
                Category.WORK_STUDIES,
                20,
            ),
        ),
        agreed_before=False,
        approved=False,
        follow_up_question="Har Jonas kommit in på kursen för truckkort, och hur går det?",
        draft_for="Region Stockholm",
    ),
    Case(
        person=AMIRA,
        excluded=[],
        story=_story(
            "Jag bor hos min mamma i Haninge. Jag gick ut gymnasiet för tre år sedan och har "
            "haft några korta vikariat.",
            "Att få ett eget boende och en egen lön.",
            "Jag vill veta vilka utbildningar som passar mig. Jag behöver hjälp att söka jobb.",
            "Jag är bra på språk och tycker om att hjälpa andra.",
        ),
        goals="Jag vill börja på Komvux till hösten.\nJag vill ha ett extrajobb under tiden.",
        steps=(
            Step(
                OWN,
                "Amira vill veta vilka utbildningar som finns.",
                "Vi besöker Komvux tillsammans och pratar med en studievägledare.",
                Category.WORK_STUDIES,
                30,
            ),
            Step(
                FK,
                "Amira undrar om aktivitetsersättning.",
                "Försäkringskassan berättar om aktivitetsersättning och vad som gäller vid "
                "studier.",
                Category.INCOME,
                21,
            ),
        ),
        minutes="Amira berättade att hon vill plugga till undersköterska. Vi kom överens om att "
        "hon söker extrajobb med hjälp av Arbetsförmedlingen under tiden.",
        decisions=(
            Step(
                AF,
                "Beslut på resursrådet: extrajobb.",
                "Arbetsförmedlingen hjälper Amira att söka extrajobb inom vården.",
                Category.WORK_STUDIES,
                30,
            ),
        ),
        agreed_before=False,
        approved=True,
        follow_up_question="Har Amira sökt till Komvux, och har hon hittat ett extrajobb?",
    ),
)


class PeopleBuilder:
    def __init__(self, *, today: date) -> None:
        self.today = today
        self.counts: Counter[str] = Counter()
        self.users = {
            u.username: u
            for u in User.objects.filter(
                username__in={
                    name
                    for p in DEMO_PEOPLE
                    for name in (p.coordinator, *p.handlers, p.also_at)
                    if name
                }
            ).select_related("organisation")
        }

    def build(self) -> Counter[str]:
        first_notice = Notice.objects.aggregate(last=Max("pk"))["last"] or 0
        for case in CASES:
            self._case(case)
        # Nobody summoned or assigned anything by a person: no mail about the demo people.
        Notice.objects.filter(pk__gt=first_notice).delete()
        return self.counts

    def _case(self, case: Case) -> None:
        person = case.person
        coordinator = self.users[person.coordinator]
        fk, af = (self.users[name] for name in person.handlers)
        by = {OWN: coordinator, FK: fk, AF: af}
        participant = self._register(person, coordinator)
        self._consent(participant, coordinator, [fk, af], case.excluded)
        for handler in (fk, af):
            people_actions.add_team_member(participant, actor=coordinator, user=handler)
        if person.also_at:
            self._earlier_record(person, self.users[person.also_at], fk)
        save_story(
            participant,
            actor=coordinator,
            base_version=0,
            sections=case.story,
            written=StoryVersion.Written.WITH_PERSON,
        )
        plan = plan_actions.create_plan(
            participant,
            actor=coordinator,
            goals=case.goals,
            lead_organisation=participant.controlling_organisation,
            follow_up_date=self.today + timedelta(days=60),
        )
        for step in case.steps:
            plan = self._add(plan, step, by, actor=coordinator)
        if case.agreed_before:
            plan = self._send_and_confirm(plan, coordinator, by)
            plan = self._approve(plan, coordinator)
        self._held_council(participant, case, by)
        plan = Plan.objects.get(pk=plan.pk)
        plan = self._send_and_confirm(plan, coordinator, by)
        if case.approved:
            plan = self._approve(plan, coordinator)
        self._follow_up(participant, case, by)
        self._drafts(participant, case, coordinator)
        # The FK handler opens the person's page, story and plan.
        get_participant_for_user(fk, participant.pk, purpose="Översikt")
        get_story_for_user(fk, participant.pk)
        get_plan_for_user(fk, participant.pk, purpose="Samordnad plan")
        self.counts["demo_people"] += 1

    def _register(self, person: DemoPerson, coordinator: User) -> Participant:
        number = parse(person_number(person), today=self.today)
        return people_actions.register_participant(
            actor=coordinator,
            association=Association.objects.get(short_name=person.association),
            identity=people_actions.Identity(number, person.first_name, person.last_name),
            sex=person.sex,
            start_year=self.today.year,
            details={"email": f"{person.first_name}.demo@example.se".lower()},
        )

    def _consent(
        self, participant: Participant, actor: User, handlers: list[User], excluded: list[str]
    ) -> Consent:
        organisations = [h.organisation for h in handlers if h.organisation is not None]
        return people_actions.record_consent(
            actor=actor,
            participant=participant,
            organisations=organisations,
            categories_included=[c for c in EVERYTHING if c not in excluded],
            categories_excluded=excluded,
            form=Consent.Form.WRITTEN,
            given_by=Consent.GivenBy.PERSON,
            valid_from=self.today - timedelta(days=30),
            valid_to=self.today + timedelta(days=365),
        )

    def _drafts(self, participant: Participant, case: Case, coordinator: User) -> None:
        """A wider consent drafted for the person to give with e-ID in Min Samla; the person
        who keeps their health back declined one such draft on the phone."""
        region = Organisation.objects.get(name=case.draft_for) if case.draft_for else None
        if region is None:
            return
        draft = people_actions.record_consent(
            actor=coordinator,
            participant=participant,
            organisations=[
                *Consent.objects.in_force(self.today)
                .get(participant=participant)
                .organisations.all(),
                region,
            ],
            categories_included=[c for c in EVERYTHING if c not in case.excluded],
            categories_excluded=case.excluded,
            form=Consent.Form.DIGITAL,
            given_by=Consent.GivenBy.PERSON,
            valid_from=self.today,
            valid_to=self.today + timedelta(days=365),
            draft=True,
        )
        if case.excluded:
            people_actions.withdraw_consent(
                draft,
                actor=coordinator,
                reason="Personen vill inte att vården får veta mer just nu, sa hen i telefon.",
            )

    def _earlier_record(self, person: DemoPerson, coordinator: User, fk: User) -> None:
        """The same person at a second controlling organisation: Min Samla shows both."""
        participant = self._register(person, coordinator)
        self._consent(participant, coordinator, [fk], [])

    def _add(self, plan: Plan, step: Step, by: dict[str, User], *, actor: User) -> Plan:
        responsible = by[step.by]
        assert responsible.organisation is not None
        return plan_actions.add_plan_action(
            plan,
            actor=actor,
            need=step.need,
            action=step.action,
            responsible_organisation=responsible.organisation,
            responsible_person=responsible,
            due_date=self.today + timedelta(days=step.due_in_days),
            category=step.category,
        ).plan

    def _send_and_confirm(self, plan: Plan, coordinator: User, by: dict[str, User]) -> Plan:
        """Sent to everyone; every organisation confirms: only the person's approval is missing."""
        plan = plan_actions.invite(plan, actor=coordinator, version=plan.version)
        confirmer = {u.organisation_id: u for u in by.values()}
        for organisation in plan_actions.missing_confirmations(plan):
            plan = plan_actions.confirm_plan(
                plan, actor=confirmer[organisation.pk], version=plan.version
            ).plan
        return plan

    def _approve(self, plan: Plan, coordinator: User) -> Plan:
        return plan_actions.record_approval(
            plan,
            actor=coordinator,
            version=plan.version,
            method=PlanApproval.Method.MEETING,
            note="Personen godkände planen när vi träffades.",
        ).plan

    def _request(
        self, participant: Participant, kind: str, question: str, by: dict[str, User]
    ) -> Meeting:
        coordinator = by[OWN]
        meeting = meeting_actions.request_meeting(
            participant,
            actor=coordinator,
            kind=kind,
            requested_by=Meeting.RequestedBy.HANDLER,
            request_note="",
            question=question,
        )
        for key in (FK, AF):
            handler = by[key]
            organisation = handler.organisation
            assert organisation is not None
            meeting_actions.invite(
                meeting,
                actor=coordinator,
                organisation=organisation,
                user=handler,
                obliged=kind == Meeting.Kind.RESOURCE_COUNCIL,
                need_to_know="",
            )
        self.counts["meetings"] += 1
        return Meeting.objects.get(pk=meeting.pk)

    def _held_council(self, participant: Participant, case: Case, by: dict[str, User]) -> None:
        """A resource council two weeks ago, with minutes, who came and its decisions."""
        coordinator = by[OWN]
        meeting = self._request(
            participant,
            Meeting.Kind.RESOURCE_COUNCIL,
            "Vilket stöd kan vi ge tillsammans så att nästa steg kan börja?",
            by,
        )
        held_at = self._free_time(coordinator, self.today - timedelta(days=14), 60)
        meeting, _sent = meeting_actions.summon(
            meeting,
            actor=coordinator,
            version=meeting.version,
            starts_at=timezone.now() + timedelta(hours=1),
            duration_minutes=60,
            mode=Meeting.Mode.PHYSICAL,
            place="Kommunhuset, mötesrum 2",
        )
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=held_at, ends_at=held_at + timedelta(minutes=60)
        )
        meeting = Meeting.objects.get(pk=meeting.pk)
        invitations = list(Invitation.objects.filter(meeting=meeting))
        meeting_actions.record_minutes(
            meeting,
            actor=coordinator,
            version=meeting.version,
            minutes=case.minutes,
            minutes_category=Category.PLANS_MEETINGS,
            person_present=True,
            attended={invitation.pk: True for invitation in invitations},
            decisions=[
                meeting_actions.DecisionInput(
                    text=step.action,
                    need=step.need,
                    responsible_organisation=_organisation(by[step.by]),
                    responsible_person=by[step.by],
                    due_date=self.today + timedelta(days=step.due_in_days),
                    category=step.category,
                )
                for step in case.decisions
            ],
        )
        self.counts["meetings_held"] += 1

    def _follow_up(self, participant: Participant, case: Case, by: dict[str, User]) -> None:
        """A follow-up by video next week, summoned; the handlers have not answered yet."""
        coordinator = by[OWN]
        meeting = self._request(participant, Meeting.Kind.FOLLOW_UP, case.follow_up_question, by)
        meeting_actions.summon(
            meeting,
            actor=coordinator,
            version=meeting.version,
            starts_at=self._free_time(coordinator, self.today + timedelta(days=5), 60),
            duration_minutes=60,
            mode=Meeting.Mode.DIGITAL,
            place="",
        )
        self.counts["meetings_summoned"] += 1

    def _free_time(self, organiser: User, day: date, minutes: int) -> datetime:
        """10.45 on the first working day from ``day`` on that the organiser is free then: the
        casework's meetings start at 9 and 13 and last at most an hour and a half."""
        day = working_day(day)
        while True:
            starts_at = timezone.make_aware(datetime.combine(day, time(10, 45)))
            ends_at = starts_at + timedelta(minutes=minutes)
            booked = Meeting.objects.filter(organiser=organiser).overlapping(starts_at, ends_at)
            if not booked.exists():
                return starts_at
            day = working_day(day + timedelta(days=1))


def _organisation(user: User) -> Organisation:
    assert user.organisation is not None  # the demo's staff all work somewhere
    return user.organisation


def build_demo_people(*, today: date) -> Counter[str]:
    """The demo people's cases; see the module's docstring."""
    return PeopleBuilder(today=today).build()


def demo_participants() -> list[Participant]:
    """Every record of the demo people, for the tests and the loaders that must leave them be."""
    return list(
        Participant.objects.filter(id_number__in=[person_number(p) for p in DEMO_PEOPLE])
        .select_related("controlling_organisation")
        .order_by("pk")
    )
