"""The three demo people who log in to Min Samla: what the loaded demo holds for each."""

from __future__ import annotations

import pytest
from django.utils import timezone

from samla.accounts.models import User
from samla.audit.models import AuditEvent
from samla.demo.logins import DEMO_PEOPLE, person_number, reserved_numbers
from samla.demo.persons import demo_participants
from samla.meetings.models import Decision, Meeting
from samla.people.access import own_participants
from samla.people.models import Consent, InformationCategory, Participant
from samla.plans.actions import missing_confirmations
from samla.plans.models import Plan, PlanApproval, PlanVersion
from samla.stories.models import Story

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def records(number: str) -> list[Participant]:
    return list(
        Participant.objects.filter(id_number=number)
        .select_related("controlling_organisation", "association")
        .order_by("pk")
    )


def test_each_person_is_a_participant_with_their_test_number_and_coordinator():
    for person in DEMO_PEOPLE:
        main, *others = records(person_number(person))
        assert (main.first_name, main.last_name, main.sex) == (
            person.first_name,
            person.last_name,
            person.sex,
        )
        assert main.birth_date == person.birth_date
        assert main.controlling_organisation.name == person.organisation
        assert main.association.short_name == person.association
        coordinator = User.objects.get(username=person.coordinator)
        assert main.team_members.get(role="coordinator", removed_at=None).user == coordinator
        handlers = {m.user.username for m in main.team_members.filter(role="member")}
        assert handlers == set(person.handlers)
        if person.also_at:
            (other,) = others
            assert (
                other.controlling_organisation
                == User.objects.get(username=person.also_at).organisation
            )
        else:
            assert others == []


def test_one_person_has_records_at_two_controllers_and_sees_both():
    elin = next(p for p in DEMO_PEOPLE if p.also_at)
    user = User.objects.create(username="person-elin", person_number=person_number(elin))
    controllers = {p.controlling_organisation.name for p in own_participants(user)}
    assert controllers == {"Lindesbergs kommun", "Nora kommun"}


def test_no_generated_participant_has_a_demo_persons_or_staff_members_number():
    ours = {p.pk for p in demo_participants()}
    assert len(ours) == 4
    taken = Participant.objects.filter(id_number__in=reserved_numbers()).exclude(pk__in=ours)
    assert not taken.exists()


def test_each_has_a_story_a_consent_in_force_and_a_plan_in_their_own_words():
    today = timezone.localdate()
    for person in DEMO_PEOPLE:
        participant = records(person_number(person))[0]
        story = Story.objects.get(participant=participant)
        sections = story.versions.get().sections.all()
        assert len(sections) >= 4
        consent = Consent.objects.in_force(today).get(participant=participant)
        assert {o.name for o in consent.organisations.all()} == {
            "Försäkringskassan",
            "Arbetsförmedlingen",
        }
        plan = Plan.objects.get(participant=participant)
        assert plan.goals.startswith("Jag vill")
        organisations = {a.responsible_organisation.name for a in plan.actions.all()}
        assert organisations == {person.organisation, "Försäkringskassan", "Arbetsförmedlingen"}
        assert 3 <= plan.actions.count() <= 4
    keeping_health = [
        c
        for c in Consent.objects.in_force(today).filter(participant__in=demo_participants())
        if InformationCategory.HEALTH in c.categories_excluded
    ]
    assert len(keeping_health) == 1


def test_two_plans_wait_only_for_the_persons_approval_one_a_change_to_an_agreed_plan():
    waiting, agreed = [], []
    for person in DEMO_PEOPLE:
        plan = Plan.objects.get(participant=records(person_number(person))[0])
        approved = PlanApproval.objects.current().filter(plan=plan, revision=plan.revision)
        if plan.state == Plan.State.AGREED:
            agreed.append(plan)
            continue
        assert plan.state in (Plan.State.INVITED, Plan.State.REVISED)
        assert missing_confirmations(plan) == []
        assert not approved.exists()
        waiting.append(plan)
    assert len(waiting) == 2 and len(agreed) == 1
    assert sorted(PlanVersion.objects.filter(plan=plan).count() for plan in waiting) == [0, 1]
    assert [p.revision for p in sorted(waiting, key=lambda p: p.revision)] == [1, 2]


def test_each_has_a_meeting_held_with_decisions_and_a_video_meeting_summoned_ahead():
    now = timezone.now()
    for participant in demo_participants():
        if participant.controlling_organisation.name == "Nora kommun":
            continue
        held = Meeting.objects.get(participant=participant, state=Meeting.State.HELD)
        assert held.starts_at is not None and held.starts_at < now
        assert held.minutes and held.person_present
        decisions = Decision.objects.filter(meeting=held)
        assert decisions.exists()
        assert all(
            d.plan_action is not None and d.plan_action.plan.participant_id == participant.pk
            for d in decisions
        )
        ahead = Meeting.objects.get(participant=participant, state=Meeting.State.PLANNED)
        assert ahead.starts_at is not None and ahead.starts_at > now
        assert ahead.mode == Meeting.Mode.DIGITAL and ahead.video_url


def test_the_fk_handler_has_read_about_each_person():
    for person in DEMO_PEOPLE:
        participant = records(person_number(person))[0]
        fk = User.objects.get(username=person.handlers[0])
        reads = AuditEvent.objects.filter(
            participant_id=participant.pk, actor_id=fk.pk, action=AuditEvent.Action.VIEW
        )
        assert reads.count() >= 3


def test_one_person_has_a_consent_to_give_in_min_samla_and_one_declined_one():
    states = {
        (c.participant.first_name, c.state())
        for c in Consent.objects.filter(participant__in=demo_participants())
        .exclude(given_at__isnull=False, withdrawn_at=None)
        .select_related("participant")
    }
    assert states == {("Elin", Consent.State.DRAFT), ("Jonas", Consent.State.DECLINED)}
