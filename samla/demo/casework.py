"""Casework for the demo: stories and coordinated plans for some forty participants.

Built only by the first demo load (``load_demo``), never by ``generate_data``, which must stay
fast. Unlike the bulk builders in ``samla.demo.data``, everything here is written through the
apps' own actions (``save_story``, ``create_plan``, ``add_plan_action``, ``invite``,
``confirm_plan``, ``record_approval``, ``change_action_status``, ``close_plan``...), so that every
rule, constraint and audit row of a real case holds. The audit rows say that the loader wrote
the case today; the dates in the content (due dates, follow-up dates) are spread around today.

Who gets a case is chosen so that the demo logins have something to show: every coordinator
login owns several, every handler login of Försäkringskassan, Arbetsförmedlingen and the regions
is responsible for actions in several, one of them overdue, and has a plan waiting for its
organisation's confirmation, and a few cases belong to people whose consent keeps their health
to themselves, so that a handler sees the story without that section.

The texts are invented, put together from the fragments below with the seeded generator.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from django.db.models import Exists, OuterRef, Prefetch

from samla.accounts.models import Role, User
from samla.demo.logins import DEMO_USERS
from samla.demo.meetings import build_meetings
from samla.idnumbers import IdNumberKind
from samla.notifications.models import Kind as NoticeKind
from samla.notifications.models import Notice
from samla.organisations.models import Organisation
from samla.people.models import Consent, InformationCategory, Participant, TeamMember
from samla.plans import actions as plan_actions
from samla.plans.access import consent_for_organisation
from samla.plans.models import Plan, PlanAction, PlanApproval
from samla.stories.actions import save_story
from samla.stories.models import SectionContent, Story, StorySection, StoryVersion

CASES = 40
PER_HANDLER = 6  # cases in which each demo handler login can take an action, at least
PER_MUNICIPAL_HANDLER = 2  # the same for the social services' handler logins, if they can
PER_COORDINATOR = 6  # cases each demo coordinator login owns, at least
HEALTH_KEPT_BACK = 4  # cases whose consent excludes health, at least

Kind = Organisation.Kind
Category = InformationCategory
Section = StorySection.Kind
Status = PlanAction.Status

# Handler logins that must have casework: case handlers of FK, AF and the regions.
HANDLER_KINDS = frozenset({Kind.SOCIAL_INSURANCE, Kind.EMPLOYMENT_SERVICE, Kind.REGION})
# Handlers of these kinds on the team always take an action when the consent lets them.
MUST_ACT_KINDS = HANDLER_KINDS | {Kind.MUNICIPALITY}


# --- The story ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fragment:
    """A sentence, for a person who has every tag in ``requires``. Choosing it can add tags
    (``gives``): someone who lives with their children has children to talk about later.

    Tags: young (under 30) or older, over_50, newcomer or native, children or no_children,
    no_home (no home of their own)."""

    text: str
    requires: frozenset[str] = frozenset()
    gives: frozenset[str] = frozenset()


def _f(text: str, *requires: str, gives: tuple[str, ...] = ()) -> Fragment:
    return Fragment(text, frozenset(requires), frozenset(gives))


HOME: tuple[Fragment, ...] = (
    _f("Jag bor i en trea i {town} med mina två barn.", gives=("children",)),
    _f("Jag bor ensam i en liten lägenhet i {town}.", gives=("no_children",)),
    _f(
        "Just nu bor jag hos min mamma i {town}. Det är trångt, men det fungerar.",
        "young",
        gives=("no_children", "no_home"),
    ),
    _f("Jag bor med min sambo och vår dotter som går på förskolan.", gives=("children",)),
    _f("Jag flyttade till {town} för tre år sedan och känner inte så många här än."),
    _f("Jag har bott i {town} hela livet och har min familj nära.", "native"),
    _f("Jag bor i andra hand och vet inte hur länge jag får bo kvar.", gives=("no_home",)),
    _f("Jag har barnen varannan vecka och bor själv i en tvåa i {town}.", gives=("children",)),
    _f(
        "Vi är sex personer i en trea i {town}, jag, min man och våra fyra barn.",
        "newcomer",
        "woman",
        gives=("children",),
    ),
    _f(
        "Jag bor med min fru och våra barn i {town}.",
        "newcomer",
        "man",
        gives=("children",),
    ),
)
BACKGROUND: tuple[Fragment, ...] = (
    _f("Jag har inte haft något jobb sedan jag gick ut gymnasiet.", "young", "native"),
    _f("Jag hoppade av gymnasiet i tvåan och har mest varit hemma sedan dess.", "young"),
    _f("Jag pluggade ett år på högskolan men hoppade av.", "young"),
    _f("Förra året blev jag uppsagd från lagret där jag jobbade i tio år.", "older"),
    _f("Jag har haft ekonomiskt bistånd i perioder sedan jag separerade.", "older"),
    _f("Jag har jobbat i hemtjänsten men klarar inte av det längre.", "older"),
    _f("Jag körde lastbil i många år innan allt stannade upp.", "older"),
    _f("Jag har haft korta vikariat här och där, men aldrig något fast."),
    _f("Jag kom till Sverige 2019 och har läst sfi, men sedan har det stått still.", "newcomer"),
    _f(
        "I mitt hemland var jag lärare, men här har jag inte kommit in på arbetsmarknaden.",
        "newcomer",
        "older",
    ),
)
EVERYDAY: tuple[Fragment, ...] = (
    _f("Dagarna blir långa och jag vet inte riktigt vad jag ska göra av dem."),
    _f("Det är många möten med olika myndigheter och jag tappar bort mig bland alla papper."),
    _f("Jag har bra dagar och dåliga dagar."),
    _f("Det är ekonomin som stressar mig mest."),
    _f("Jag vill inte behöva berätta samma sak för alla igen."),
    _f("Min familj stöttar mig, men de orkar inte heller hur mycket som helst."),
    _f("Jag har svårt att komma iväg på morgnarna."),
)
WHAT_MATTERS: tuple[Fragment, ...] = (
    _f("Det viktigaste för mig är mina barn.", "children"),
    _f("Att barnen ska slippa märka hur stressad jag är.", "children"),
    _f("Jag vill kunna försörja mig själv och slippa söka bistånd varje månad."),
    _f("Att någon lyssnar och att jag slipper börja om från början med varje ny handläggare."),
    _f("Att ha något att gå till på morgonen och träffa folk."),
    _f("Jag vill ha ett vanligt jobb, gärna något där jag får använda händerna."),
    _f("Att få plugga klart och kanske bli undersköterska.", "young"),
    _f("Att orka vara med mina barnbarn.", "over_50"),
    _f("Att jag får bestämma själv i vilken takt saker händer."),
    _f("Att lära mig svenska så bra att jag kan prata med barnens lärare.", "newcomer", "children"),
    _f("Att lära mig svenska så bra att jag klarar mig själv hos myndigheterna.", "newcomer"),
    _f("Att få en egen lägenhet.", "no_home"),
    _f("Att få vara ute i naturen, det är där jag mår bäst."),
)


@dataclass(frozen=True)
class Theme:
    """What the person mostly needs help with, and what that counts as."""

    category: Category
    needs: tuple[Fragment, ...]
    goals: tuple[Fragment, ...]


THEMES: dict[str, Theme] = {
    "health": Theme(
        Category.HEALTH,
        (
            _f("Jag behöver hjälp att få kontakt med vården för min ångest."),
            _f("Jag sover dåligt och har ont i ryggen. Jag vill veta vad jag klarar av."),
            _f("Jag har länge undrat om jag har adhd och vill bli utredd."),
            _f("Jag behöver någon att prata med regelbundet."),
            _f("Jag vill veta hur mycket jag kan jobba utan att bli sämre igen."),
            _f("Jag blir lätt trött och behöver få hjälp att planera dagarna."),
        ),
        (
            _f("Jag vill må så bra att jag orkar gå upp på morgonen och ha något att göra."),
            _f("Jag vill veta vad jag klarar av innan jag bestämmer något om jobb."),
            _f("Jag vill kunna sova en hel natt igen."),
            _f("Jag vill börja jobba några timmar i veckan och sedan öka."),
        ),
    ),
    "work": Theme(
        Category.WORK_STUDIES,
        (
            _f("Jag behöver hjälp att skriva ett cv och söka jobb."),
            _f("Jag vill prova på en praktik innan jag vågar söka jobb."),
            _f("Jag behöver ta körkort, utan det är det svårt att få jobb här."),
            _f("Jag vill få veta vilka utbildningar som passar mig."),
            _f("Jag behöver få mina betyg från hemlandet bedömda.", "newcomer"),
            _f("Jag behöver öva på att prata svenska i en arbetssituation.", "newcomer"),
        ),
        (
            _f("Jag vill ha ett jobb på minst halvtid inom ett år."),
            _f("Jag vill börja på Komvux till hösten."),
            _f("Jag vill ta körkort."),
            _f("Jag vill kunna prata svenska på jobbet.", "newcomer"),
            _f("Jag vill hitta en praktik som kan bli ett jobb."),
        ),
    ),
    "money": Theme(
        Category.INCOME,
        (
            _f("Jag behöver förstå vilken ersättning jag har rätt till."),
            _f("Jag har skulder som jag inte vet hur jag ska ta tag i."),
            _f("Jag behöver hjälp att göra en budget som håller hela månaden."),
            _f("Jag vet inte vad som händer med min ersättning om jag börjar arbetsträna."),
        ),
        (
            _f("Jag vill klara mig på min egen lön utan bistånd."),
            _f("Jag vill ha koll på mina räkningar och börja betala av skulderna."),
            _f("Jag vill veta vad jag får i ersättning, så att jag kan planera."),
        ),
    ),
}
STRENGTHS: tuple[Fragment, ...] = (
    _f("Jag är noggrann och passar tider."),
    _f("Jag är bra med människor, särskilt med äldre."),
    _f("Jag kan laga det mesta, både bilar och cyklar."),
    _f("Jag pratar tre språk.", "newcomer"),
    _f("Jag är bra på att laga mat och har jobbat i kök."),
    _f("Jag tycker om att jobba med datorer."),
    _f("Mina vänner säger att jag är lugn och lätt att prata med."),
    _f("Jag tycker om att jobba fysiskt och är inte rädd att ta i."),
    _f("Jag är bra på att ta hand om djur."),
    _f("Jag ger inte upp så lätt."),
)
NOT_SHARED: tuple[Fragment, ...] = (
    _f(
        "Min pappa dricker och det påverkar hela familjen. Det vill jag bara prata med min "
        "koordinator om.",
        "young",
    ),
    _f("Jag har en gammal skuld hos Kronofogden som jag skäms över."),
    _f("Jag var inlagd en gång för flera år sedan."),
    _f("Jag och barnens andra förälder är oense om vårdnaden.", "children"),
    _f("Min förra relation var våldsam. Det vill jag inte att fler känner till än de som måste."),
)
LATER_NEWS: tuple[Fragment, ...] = (
    _f("Sedan sist har jag börjat på arbetsträningen två förmiddagar i veckan."),
    _f("Nu har jag fått ett förstahandskontrakt och flyttat till en egen lägenhet.", "no_home"),
    _f("Mitt yngsta barn har fått plats på fritids, så jag har mer tid på dagarna.", "children"),
    _f("Jag har börjat på sfi igen.", "newcomer"),
    _f("Jag har varit med på två träffar i gruppen och tänker fortsätta."),
)
LATER_WHAT_MATTERS: tuple[Fragment, ...] = (
    _f("Nu när det har lugnat sig vill jag också börja tänka på vad jag vill jobba med."),
    _f("Att det jag har börjat med får fortsätta, även om det går långsamt."),
    _f("Att få träffa samma personer och slippa byta handläggare hela tiden."),
)
VERSION_NOTES: tuple[str, ...] = (
    "Uppdaterad efter uppföljningsmötet.",
    "Personen ville lägga till några saker efter att ha läst igenom texten hemma.",
    "Uppdaterad inför SIP-mötet.",
    "",
)


def fitting(pool: Sequence[Fragment], tags: set[str]) -> list[Fragment]:
    return [fragment for fragment in pool if fragment.requires <= tags]


# --- The plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionTemplate:
    category: Category
    need: str
    action: str


OWN_ACTIONS: tuple[ActionTemplate, ...] = (
    ActionTemplate(
        Category.PLANS_MEETINGS,
        "Hålla ihop kontakterna med myndigheterna",
        "Koordinatorn samordnar kontakterna och följer med till första mötet hos varje myndighet.",
    ),
    ActionTemplate(
        Category.INCOME,
        "Ordning på ekonomin",
        "Budget- och skuldrådgivning hos kommunen. Första samtalet bokas.",
    ),
    ActionTemplate(
        Category.WORK_STUDIES,
        "Komma igång med något att gå till",
        "Arbetsträning på kommunens arbetsmarknadsenhet två förmiddagar i veckan.",
    ),
    ActionTemplate(
        Category.SOCIAL_SERVICES,
        "Stöd i vardagen hemma",
        "Socialtjänsten prövar ansökan om boendestöd.",
    ),
    ActionTemplate(
        Category.WORK_STUDIES,
        "Välja väg till studier",
        "Studie- och yrkesvägledning på Komvux och anmälan till kurs i svenska.",
    ),
)
ACTIONS_BY_KIND: dict[str, tuple[ActionTemplate, ...]] = {
    Kind.SOCIAL_INSURANCE: (
        ActionTemplate(
            Category.INCOME,
            "Veta vilken ersättning som gäller",
            "Försäkringskassan utreder rätten till sjukpenning och går igenom beslutet vid ett "
            "möte.",
        ),
        ActionTemplate(
            Category.INCOME,
            "Ersättning under arbetsträningen",
            "Försäkringskassan prövar sjukpenning på deltid medan arbetsträningen pågår.",
        ),
        ActionTemplate(
            Category.HEALTH,
            "Klarlägga arbetsförmågan",
            "Avstämningsmöte med läkaren för att bedöma arbetsförmågan.",
        ),
    ),
    Kind.EMPLOYMENT_SERVICE: (
        ActionTemplate(
            Category.WORK_STUDIES,
            "Hitta ett arbete",
            "Inskrivning och kartläggning hos Arbetsförmedlingen, sedan stöd att söka jobb.",
        ),
        ActionTemplate(
            Category.WORK_STUDIES,
            "Prova på ett arbete",
            "Arbetsförmedlingen ordnar en praktikplats i fyra veckor.",
        ),
        ActionTemplate(
            Category.WORK_STUDIES,
            "Välja utbildning",
            "Studie- och yrkesvägledning och besked om stöd under studierna.",
        ),
        ActionTemplate(
            Category.WORK_STUDIES,
            "Ett arbete anpassat efter förmågan",
            "Arbetsförmedlingen utreder om ett lönebidragsanställning kan bli aktuellt.",
        ),
    ),
    Kind.REGION: (
        ActionTemplate(
            Category.HEALTH,
            "Må bättre psykiskt",
            "Samtalsbehandling hos kurator på vårdcentralen, sex samtal till att börja med.",
        ),
        ActionTemplate(
            Category.HEALTH,
            "Veta vad jag orkar",
            "Arbetsterapeutisk bedömning av aktivitetsförmågan.",
        ),
        ActionTemplate(
            Category.HEALTH,
            "Förstå mina koncentrationssvårigheter",
            "Remiss till psykiatrin för en neuropsykiatrisk utredning.",
        ),
        ActionTemplate(
            Category.HEALTH,
            "Sova bättre",
            "Läkarbesök och sömnskola på vårdcentralen.",
        ),
    ),
    Kind.MUNICIPALITY: (
        ActionTemplate(
            Category.INCOME,
            "Pengar till hyra och mat under tiden",
            "Socialtjänsten prövar ekonomiskt bistånd medan arbetsträningen pågår.",
        ),
        ActionTemplate(
            Category.SOCIAL_SERVICES,
            "Stöd i vardagen hemma",
            "Socialtjänsten prövar ansökan om boendestöd.",
        ),
    ),
    Kind.PROVIDER: (
        ActionTemplate(
            Category.WORK_STUDIES,
            "Rutiner och sammanhang",
            "Arbetsträning hos utföraren tre dagar i veckan, handledaren följer upp varannan "
            "vecka.",
        ),
        ActionTemplate(
            Category.WORK_STUDIES,
            "Komma närmare ett jobb",
            "Jobbcoachning i grupp och enskilt, tio veckor.",
        ),
    ),
}
LATER_ACTION = ActionTemplate(
    Category.PLANS_MEETINGS,
    "Att planen hänger ihop när arbetsträningen är slut",
    "Koordinatorn bokar ett gemensamt möte om vad som händer sedan.",
)
FOLLOW_UP_NOTES: dict[str, tuple[str, ...]] = {
    Status.ONGOING: (
        "Första samtalet är genomfört.",
        "Pågår enligt planen.",
        "Har kommit igång, nästa avstämning om två veckor.",
        "",
    ),
    Status.DONE: (
        "Klart. Beslutet är skickat till personen.",
        "Genomfört, personen var nöjd.",
        "Klart enligt planen.",
    ),
    Status.CANCELLED: (
        "Personen ville vänta med det här till efter sommaren.",
        "Behövs inte längre, löstes på annat sätt.",
    ),
}
APPROVAL_NOTES: tuple[str, ...] = (
    "Godkände planen på SIP-mötet.",
    "Läste planen hemma och skrev under.",
    "",
    "",
)
GOALS_LATER: tuple[str, ...] = (
    "Jag vill också hinna ta körkort innan jul.",
    "Jag vill börja träna igen, det gör att jag mår bättre.",
    "Jag vill prova att jobba fler timmar.",
)
ENDED_BY_PERSON_NOTE = (
    "Personen hörde av sig och vill avsluta planen. Hen vill klara sig själv ett tag och vet "
    "att hen kan höra av sig igen."
)
GOALS_REACHED_NOTE = "Personen har fått ett arbete på deltid och vill inte ha fler möten."

# How many cases end in each state. "reinvited": agreed, changed, and sent again.
SCENARIOS: tuple[tuple[str, int], ...] = (
    ("invited", 8),
    ("draft", 5),
    ("revised", 3),
    ("reinvited", 1),
    ("ended_by_person", 1),
    ("goals_reached", 1),
)


@dataclass(eq=False)
class Case:
    """One participant who gets a story and a plan, and what the choice was based on."""

    participant: Participant
    coordinator: User
    able: set[int]  # users of other organisations who can take at least one kind of action
    health_kept_back: bool
    theme: Theme = THEMES["work"]
    tags: set[str] = field(default_factory=set)  # what the texts must fit; see Fragment
    scenario: str = "agreed"
    waiting_for: set[int] = field(default_factory=set)  # organisations left to confirm


@dataclass(eq=False)
class Step:
    """One action of a plan, before and after it is added."""

    organisation: Organisation
    person: User | None
    template: ActionTemplate
    due_date: date | None
    keep_open: bool = False  # overdue on purpose: stays planned or ongoing
    action: PlanAction | None = None


# Plans whose open actions show in worklists, and stay open.
OVERDUE_SCENARIOS = frozenset({"agreed", "invited", "revised", "reinvited"})


class CaseworkBuilder:
    def __init__(self, *, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today  # the clock's day, which the actions check consents against too
        self.counts: Counter[str] = Counter()
        self.action_pks: list[int] = []
        self.overdue_for: set[int] = set()  # logins given an overdue action already
        self.lives: set[str] = set()  # every person's life situation is their own

    def build(self, count: int = CASES) -> Counter[str]:
        cases = self._choose(count)
        self._assign_scenarios(cases)
        for case in cases:
            case.theme = self._theme(case)
            case.tags = self._tags(case)
            self._story(case)
            self._plan(case)
        # Nobody assigned these actions to anyone: no mail about them. (The daily reminders
        # still tell of the demo's overdue and due actions.)
        Notice.objects.filter(
            kind=NoticeKind.ASSIGNED,
            object_type=PlanAction._meta.label_lower,
            object_id__in=[str(pk) for pk in self.action_pks],
        ).delete()
        return self.counts

    # Choosing -------------------------------------------------------------------------------

    def _choose(self, count: int) -> list[Case]:
        in_force = Consent.objects.in_force(self.today)
        participants = list(
            Participant.objects.filter(
                kind=Participant.Kind.IDENTIFIED, protection=Participant.Protection.NONE
            )
            .filter(Exists(in_force.filter(participant=OuterRef("pk"))))
            .exclude(Exists(Story.objects.filter(participant=OuterRef("pk"))))
            .exclude(Exists(Plan.objects.filter(participant=OuterRef("pk"))))
            .select_related("association", "controlling_organisation")
            .prefetch_related(
                "target_groups",
                Prefetch(
                    "consents",
                    queryset=in_force.order_by("-valid_from", "-recorded_at").prefetch_related(
                        "organisations"
                    ),
                    to_attr="consents_in_force",
                ),
                Prefetch(
                    "team_members",
                    queryset=TeamMember.objects.current().select_related("user__organisation"),
                    to_attr="current_team",
                ),
            )
            .order_by("pk")
        )
        eligible = [case for p in participants if (case := self._case(p)) is not None]
        self.rng.shuffle(eligible)

        chosen: list[Case] = []
        by_username = {u.username: u for u in User.objects.filter(username__in=_demo_usernames())}
        all_handlers = [
            by_username[spec.username]
            for spec in DEMO_USERS
            if spec.role == Role.CASE_HANDLER and spec.username in by_username
        ]
        handlers = [u for u in all_handlers if _kind(u) in HANDLER_KINDS]
        municipal_handlers = [u for u in all_handlers if _kind(u) not in HANDLER_KINDS]
        coordinators = [
            by_username[spec.username]
            for spec in DEMO_USERS
            if spec.role == Role.COORDINATOR and spec.username in by_username
        ]

        def take(wanted: Callable[[Case], bool], at_least: int) -> None:
            have = sum(1 for case in chosen if wanted(case))
            for case in eligible:
                if have >= at_least or len(chosen) >= count:
                    return
                if case not in chosen and wanted(case):
                    chosen.append(case)
                    have += 1

        for handler in handlers:
            take(partial(_can_act, handler.pk), PER_HANDLER)
        for handler in municipal_handlers:
            take(partial(_can_act, handler.pk), PER_MUNICIPAL_HANDLER)
        for coordinator in coordinators:
            take(partial(_owned_by, coordinator.pk), PER_COORDINATOR)
        take(lambda case: case.health_kept_back and bool(case.able), HEALTH_KEPT_BACK)
        take(lambda case: True, count)
        return sorted(chosen, key=lambda case: case.participant.pk)

    def _case(self, participant: Participant) -> Case | None:
        team: list[TeamMember] = participant.current_team  # type: ignore[attr-defined]
        consents: list[Consent] = participant.consents_in_force  # type: ignore[attr-defined]
        coordinators = [m.user for m in team if m.role == TeamMember.Role.COORDINATOR]
        if len(coordinators) != 1:
            return None
        controller = participant.controlling_organisation_id
        able: set[int] = set()
        for member in team:
            user = member.user
            if user.organisation is None or user.organisation_id == controller:
                continue
            # The consent that decides, as samla.plans.access picks it: the latest naming them.
            consent = next(
                (c for c in consents if user.organisation in c.organisations.all()), None
            )
            templates = ACTIONS_BY_KIND.get(user.organisation.kind, ())
            if consent is not None and any(consent.allows(t.category) for t in templates):
                able.add(user.pk)
        return Case(
            participant=participant,
            coordinator=coordinators[0],
            able=able,
            health_kept_back=any(Category.HEALTH in c.categories_excluded for c in consents),
        )

    def _assign_scenarios(self, cases: list[Case]) -> None:
        """Most plans end agreed. First, one plan waiting for confirmation for each demo
        handler's organisation, so that every handler's worklist asks for one."""
        rng = self.rng
        order = list(cases)
        rng.shuffle(order)
        handlers = sorted(
            User.objects.filter(
                username__in=[s.username for s in DEMO_USERS if s.role == Role.CASE_HANDLER],
                organisation__isnull=False,
            ).select_related("organisation"),
            key=lambda u: (_kind(u) not in HANDLER_KINDS, u.pk),
        )
        remaining = dict(SCENARIOS)
        for handler in handlers:
            if not remaining["invited"]:
                break
            case = next((c for c in order if c.scenario == "agreed" and handler.pk in c.able), None)
            if case is not None and handler.organisation_id is not None:
                case.scenario = "invited"
                case.waiting_for.add(handler.organisation_id)
                remaining["invited"] -= 1
        # Each coordinator's first plan stays under way, for the overdue action in their worklist.
        under_way: dict[int, Case] = {}
        for case in order:
            under_way.setdefault(case.coordinator.pk, case)
        for scenario, number in remaining.items():
            free = [c for c in order if c.scenario == "agreed" and c not in under_way.values()]
            for case in free[:number]:
                case.scenario = scenario

    # The story ------------------------------------------------------------------------------

    def _tags(self, case: Case) -> set[str]:
        participant = case.participant
        age = participant.age(self.today) or 40
        groups = {g.code for g in participant.target_groups.all()}
        newcomer = (
            "newly_arrived" in groups
            or participant.id_number_kind == IdNumberKind.SAMORDNINGSNUMMER
        )
        return {
            "young" if age < 30 else "older",
            *(["over_50"] if age >= 50 else []),
            "newcomer" if newcomer else "native",
            "woman" if participant.sex == "F" else "man",
        }

    def _pick(self, pool: Sequence[Fragment], tags: set[str], count: int = 1) -> list[str]:
        chosen = self.rng.sample(fitting(pool, tags), count)
        for fragment in chosen:
            tags |= fragment.gives
        return [fragment.text for fragment in chosen]

    def _story(self, case: Case) -> None:
        rng = self.rng
        participant, coordinator, tags = case.participant, case.coordinator, case.tags
        theme = case.theme
        life = self._life(tags, participant.city or "kommunen")
        if not tags & {"children", "no_children"}:
            tags.add("no_children")
        sections: dict[str, SectionContent] = {
            Section.LIFE_SITUATION: SectionContent(life, Category.LIFE_SITUATION),
            Section.WHAT_MATTERS: SectionContent(
                " ".join(self._pick(WHAT_MATTERS, tags, 2)), Category.LIFE_SITUATION
            ),
            Section.NEEDS: SectionContent(
                " ".join(self._pick(theme.needs, tags, 2)), theme.category
            ),
            Section.STRENGTHS: SectionContent(
                " ".join(self._pick(STRENGTHS, tags, rng.randint(1, 2))), Category.WORK_STUDIES
            ),
        }
        if rng.random() < 0.3:
            sections[Section.NOT_SHARED] = SectionContent(self._pick(NOT_SHARED, tags)[0], "")
        versions = rng.choices([1, 2, 3], weights=[45, 35, 20])[0]
        for number in range(1, versions + 1):
            if number > 1:
                sections = self._story_changes(sections, tags)
            save_story(
                participant,
                actor=coordinator,
                base_version=number - 1,
                sections=sections,
                written=rng.choices(list(StoryVersion.Written), weights=[60, 10, 30])[0].value,
                note="" if number == 1 else rng.choice(VERSION_NOTES),
            )
            self.counts["story_versions"] += 1
        self.counts["stories"] += 1

    def _life(self, tags: set[str], town: str) -> str:
        """Home, background and everyday, drawn again (a few times at most) while the same
        three have been told of someone else in the same town: no two people share a life."""
        for _attempt in range(20):
            trial = set(tags)
            parts = [*self._pick(HOME, trial), *self._pick(BACKGROUND, trial)]
            text = " ".join([*parts, *self._pick(EVERYDAY, trial)]).format(town=town)
            if text not in self.lives:
                break
        self.lives.add(text)
        tags |= trial
        return text

    def _theme(self, case: Case) -> Theme:
        if case.health_kept_back:
            return THEMES["health"]  # so that the handlers see the story without it
        groups = {g.code for g in case.participant.target_groups.all()}
        weights = {"health": 2, "work": 2, "money": 1}
        if groups & {"long_term_sick", "activity_compensation", "disability"}:
            weights["health"] += 3
        if groups & {"young_unemployed", "newly_arrived"}:
            weights["work"] += 3
        if "social_assistance" in groups:
            weights["money"] += 3
        key = self.rng.choices(list(weights), weights=list(weights.values()))[0]
        return THEMES[key]

    def _story_changes(
        self, sections: dict[str, SectionContent], tags: set[str]
    ) -> dict[str, SectionContent]:
        """The next version: news in the life situation, a new thought about what matters, or
        something the person wants kept to the coordinator."""
        rng = self.rng
        changed = dict(sections)
        what = rng.choice(["news", "matters", "not_shared"])
        if what == "not_shared" and Section.NOT_SHARED not in changed:
            changed[Section.NOT_SHARED] = SectionContent(self._pick(NOT_SHARED, tags)[0], "")
            return changed
        for kind, pool in [
            (Section.WHAT_MATTERS, LATER_WHAT_MATTERS),
            (Section.LIFE_SITUATION, LATER_NEWS),
            (Section.STRENGTHS, STRENGTHS),
        ][(0 if what == "matters" else 1) :]:
            current = changed[kind]
            news = [f for f in fitting(pool, tags) if f.text not in current.text]
            if news:
                text = f"{current.text} {rng.choice(news).text}"
                changed[kind] = SectionContent(text, current.category)
                return changed
        raise AssertionError("Nothing left to add to the story.")

    # The plan -------------------------------------------------------------------------------

    def _plan(self, case: Case) -> None:
        """A plan with actions for the coordinator's organisation and for the others on the team
        whom the consent lets act, taken as far as the case's scenario goes."""
        others = self._others_on_team(case)
        steps = self._own_steps(case)
        for user in sorted(others.values(), key=lambda u: u.pk):
            step = self._their_step(case, user)
            if step is not None:
                steps.append(step)
        confirmer = self._confirmers(case, steps, others)
        case.waiting_for &= set(confirmer)
        plan = self._create_plan(case, steps)
        self._carry_out(plan, case, steps, confirmer)

    def _others_on_team(self, case: Case) -> dict[int, User]:
        """Who can take an action, one user for each other organisation: the app's own list of
        people; add_plan_action checks every choice again."""
        controller = case.participant.controlling_organisation
        others: dict[int, User] = {}
        for user in plan_actions.responsible_candidates(case.participant):
            if user.organisation_id != controller.pk and user.organisation is not None:
                others.setdefault(user.organisation.pk, user)
        return others

    def _own_steps(self, case: Case) -> list[Step]:
        """One action or two for the coordinator's own organisation."""
        rng, coordinator, scenario = self.rng, case.coordinator, case.scenario
        controller = case.participant.controlling_organisation
        steps = [
            Step(controller, coordinator, template, self._due_date(scenario))
            for template in rng.sample(OWN_ACTIONS, rng.choice([1, 1, 2]))
        ]
        if scenario in OVERDUE_SCENARIOS and coordinator.pk not in self.overdue_for:
            # Every coordinator login has something overdue at the top of the worklist.
            self._overdue(steps[0], coordinator)
        return steps

    def _their_step(self, case: Case, user: User) -> Step | None:
        """An action for ``user``'s organisation, if the consent the app decides by allows one
        of its kinds; a handler who must act always gets one, others mostly do."""
        rng, scenario = self.rng, case.scenario
        organisation = user.organisation
        assert organisation is not None
        consent = consent_for_organisation(case.participant, organisation.pk, self.today)
        allowed = [
            t
            for t in ACTIONS_BY_KIND.get(organisation.kind, ())
            if consent is not None and consent.allows(t.category)
        ]
        if not allowed:
            return None
        must = user.pk in case.able and _kind(user) in MUST_ACT_KINDS
        if not must and rng.random() < 0.25:
            return None
        step = Step(
            organisation,
            user if must or rng.random() < 0.85 else None,
            rng.choice(allowed),
            self._due_date(scenario),
        )
        if must and scenario in OVERDUE_SCENARIOS and user.pk not in self.overdue_for:
            # Every handler login has something overdue at the top of the worklist.
            self._overdue(step, user)
        return step

    def _confirmers(
        self, case: Case, steps: Sequence[Step], others: dict[int, User]
    ) -> dict[int, User]:
        """Who confirms the plan for each organisation with an action in it."""
        controller = case.participant.controlling_organisation
        confirmer: dict[int, User] = {controller.pk: case.coordinator}
        for step in steps:
            if step.organisation.pk != controller.pk:
                confirmer[step.organisation.pk] = others[step.organisation.pk]
        return confirmer

    def _create_plan(self, case: Case, steps: Sequence[Step]) -> Plan:
        """The draft, with the steps added as its actions."""
        rng, coordinator = self.rng, case.coordinator
        lead = self._lead(case, steps)
        plan = plan_actions.create_plan(
            case.participant,
            actor=coordinator,
            goals="\n".join(self._pick(case.theme.goals, case.tags, rng.randint(1, 2))),
            lead_organisation=lead,
            follow_up_date=self._follow_up_date(case.scenario),
        )
        self.counts["plans"] += 1
        for step in steps:
            step.action = plan_actions.add_plan_action(
                plan,
                actor=coordinator,
                need=step.template.need,
                action=step.template.action,
                responsible_organisation=step.organisation,
                responsible_person=step.person,
                due_date=step.due_date,
                category=step.template.category,
            )
            plan = step.action.plan
            self._added(step.action)
        return plan

    def _lead(self, case: Case, steps: Sequence[Step]) -> Organisation:
        """Mostly the controlling organisation, sometimes another with an action in the plan."""
        controller = case.participant.controlling_organisation
        outside = [step.organisation for step in steps if step.organisation.pk != controller.pk]
        if outside and self.rng.random() < 0.2:
            return self.rng.choice(outside)
        return controller

    def _carry_out(
        self, plan: Plan, case: Case, steps: Sequence[Step], confirmer: dict[int, User]
    ) -> None:
        """Take the draft as far as the case's scenario goes: sent, agreed and followed up, then
        revised (and sent again) or closed."""
        scenario, coordinator = case.scenario, case.coordinator
        if scenario == "draft":
            return

        plan = self._send(plan, coordinator)
        if scenario == "invited":
            self._confirm_some(plan, case, confirmer)
            return
        plan = self._agree(plan, coordinator, confirmer)
        plan = self._follow_up(plan, steps, coordinator, closing=scenario == "goals_reached")

        if scenario in ("revised", "reinvited"):
            plan = self._revise(plan, case, steps)
            if scenario == "reinvited":
                plan = self._send(plan, coordinator)
                self._confirm_some(plan, case, confirmer)
        elif scenario in ("ended_by_person", "goals_reached"):
            by_person = scenario == "ended_by_person"
            plan_actions.close_plan(
                plan,
                actor=coordinator,
                reason=Plan.CloseReason.PERSON if by_person else Plan.CloseReason.GOALS_REACHED,
                note=ENDED_BY_PERSON_NOTE if by_person else GOALS_REACHED_NOTE,
            )

    def _overdue(self, step: Step, user: User) -> None:
        """Make ``step`` overdue for ``user``, and keep it open whatever happens to the plan."""
        self.overdue_for.add(user.pk)
        step.due_date = self.today - timedelta(days=self.rng.randint(1, 14))
        step.keep_open = True

    def _added(self, plan_action: PlanAction) -> None:
        self.action_pks.append(plan_action.pk)
        self.counts["plan_actions"] += 1

    def _send(self, plan: Plan, coordinator: User) -> Plan:
        return plan_actions.invite(plan, actor=coordinator, version=plan.version)

    def _confirm_some(self, plan: Plan, case: Case, confirmer: dict[int, User]) -> None:
        """Some organisations have confirmed, at least one has not."""
        missing = sorted(
            o.pk for o in plan_actions.missing_confirmations(plan) if o.pk in confirmer
        )
        waiting = (case.waiting_for & set(missing)) or {
            self.rng.choice([pk for pk in missing if pk != plan.lead_organisation_id] or missing)
        }
        for organisation_id in missing:
            if organisation_id in waiting or self.rng.random() < 0.3:
                continue
            plan = self._confirm(plan, confirmer[organisation_id])
        if self.rng.random() < 0.5:
            self._approve(plan, case.coordinator)

    def _agree(self, plan: Plan, coordinator: User, confirmer: dict[int, User]) -> Plan:
        """Every organisation confirms and the person approves, in any order."""
        missing = sorted(o.pk for o in plan_actions.missing_confirmations(plan))
        self.rng.shuffle(missing)
        approve_at = self.rng.randint(0, len(missing))
        for position, organisation_id in enumerate([*missing, None]):
            if position == approve_at:
                plan = self._approve(plan, coordinator)
            if organisation_id is not None:
                plan = self._confirm(plan, confirmer[organisation_id])
        assert plan.state == Plan.State.AGREED, plan.state
        self.counts["plan_versions"] += 1
        return plan

    def _confirm(self, plan: Plan, actor: User) -> Plan:
        confirmation = plan_actions.confirm_plan(plan, actor=actor, version=plan.version)
        self.counts["plan_confirmations"] += 1
        return confirmation.plan

    def _approve(self, plan: Plan, coordinator: User) -> Plan:
        approval = plan_actions.record_approval(
            plan,
            actor=coordinator,
            version=plan.version,
            method=self.rng.choices(list(PlanApproval.Method), weights=[50, 30, 20])[0].value,
            note=self.rng.choice(APPROVAL_NOTES),
        )
        self.counts["plan_approvals"] += 1
        return approval.plan

    def _follow_up(
        self, plan: Plan, steps: Sequence[Step], coordinator: User, *, closing: bool
    ) -> Plan:
        """The agreed work gets going: some actions ongoing, some done, a few cancelled."""
        for step in steps:
            assert step.action is not None
            if closing:
                status = Status.DONE
            elif step.keep_open:
                status = self.rng.choice([Status.PLANNED, Status.ONGOING])
            else:
                status = self.rng.choices(
                    [Status.PLANNED, Status.ONGOING, Status.DONE, Status.CANCELLED],
                    weights=[40, 35, 20, 5],
                )[0]
            if status == Status.PLANNED:
                continue
            step.action.plan = plan
            step.action = plan_actions.change_action_status(
                step.action,
                actor=step.person or coordinator,
                version=step.action.version,
                status=status,
                follow_up_note=self.rng.choice(FOLLOW_UP_NOTES[status]),
            )
            plan = step.action.plan
        return plan

    def _revise(self, plan: Plan, case: Case, steps: Sequence[Step]) -> Plan:
        """Change the agreed plan: a new revision that needs everyone's agreement again."""
        rng, coordinator = self.rng, case.coordinator
        change = rng.choice(["new_date", "new_action", "goals"])
        movable = [
            step.action
            for step in steps
            if step.action is not None
            and not step.keep_open
            and step.action.status in (Status.PLANNED, Status.ONGOING)
        ]
        if change == "new_date" and movable:
            plan_action = rng.choice(movable)
            plan_action.plan = plan
            plan = plan_actions.update_plan_action(
                plan_action,
                actor=coordinator,
                version=plan.version,
                due_date=self.today + timedelta(days=rng.randint(20, 60)),
            ).plan
        elif change == "goals":
            plan = plan_actions.update_plan(
                plan,
                actor=coordinator,
                version=plan.version,
                goals=f"{plan.goals}\n{rng.choice(GOALS_LATER)}",
                lead_organisation=plan.lead_organisation,
                follow_up_date=self.today + timedelta(days=rng.randint(30, 90)),
            )
        else:
            added = plan_actions.add_plan_action(
                plan,
                actor=coordinator,
                need=LATER_ACTION.need,
                action=LATER_ACTION.action,
                responsible_organisation=case.participant.controlling_organisation,
                responsible_person=coordinator,
                due_date=self.today + timedelta(days=rng.randint(10, 45)),
                category=LATER_ACTION.category,
            )
            self._added(added)
            plan = added.plan
        assert plan.state == Plan.State.REVISED, plan.state
        return plan

    # Dates ----------------------------------------------------------------------------------

    def _follow_up_date(self, scenario: str) -> date:
        """Some agreed plans are due for follow-up already."""
        rng, today = self.rng, self.today
        if scenario in ("agreed", "revised", "reinvited") and rng.random() < 0.3:
            return today - timedelta(days=rng.randint(0, 20))
        return today + timedelta(days=rng.randint(14, 120))

    def _due_date(self, scenario: str) -> date | None:
        """Overdue, due this week, later or undated; a draft's actions are not due yet."""
        rng, today = self.rng, self.today
        if scenario == "draft":
            return today + timedelta(days=rng.randint(21, 90))
        urgency = rng.choices(["overdue", "soon", "later", "none"], weights=[20, 25, 45, 10])[0]
        if urgency == "overdue":
            return today - timedelta(days=rng.randint(1, 30))
        if urgency == "soon":
            return today + timedelta(days=rng.randint(0, 7))
        if urgency == "later":
            return today + timedelta(days=rng.randint(8, 90))
        return None


def _can_act(user_pk: int, case: Case) -> bool:
    return user_pk in case.able


def _owned_by(user_pk: int, case: Case) -> bool:
    return case.coordinator.pk == user_pk


def _kind(user: User) -> str | None:
    return user.organisation.kind if user.organisation else None


def _demo_usernames() -> list[str]:
    return [spec.username for spec in DEMO_USERS]


def build_casework(*, seed: int, today: date, count: int = CASES) -> Counter[str]:
    """Stories and plans for `count` participants of the demo, and meetings for some of them
    (``samla.demo.meetings``); see the module's docstring."""
    counts = CaseworkBuilder(rng=random.Random(f"casework-{seed}"), today=today).build(count)
    counts.update(build_meetings(seed=seed, today=today))
    return counts
