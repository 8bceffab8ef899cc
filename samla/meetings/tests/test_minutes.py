"""The meeting itself: the person speaks first, attendance, minutes under the story's category
rules, and decisions that become plan actions in the same transaction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from samla.meetings import actions
from samla.meetings.figures import held as held_between
from samla.meetings.models import Decision, Invitation, Meeting
from samla.meetings.tests.matrix import PiasCouncil, build_council
from samla.people.models import InformationCategory
from samla.people.tests.cast import Cast, sign_in
from samla.plans.models import Plan, PlanAction
from samla.plans.tests.matrix import build_agreed_plan
from samla.referrals.tests.builders import build as referral_setting
from samla.referrals.tests.builders import consent_for_provider
from samla.stories import actions as story_actions
from samla.stories.models import SectionContent

HEALTH_NOTE = "Pia berättade att hon sover dåligt sedan i våras."


@pytest.fixture
def held(cast: Cast, time_machine) -> PiasCouncil:
    """Pia's council, summoned, and the clock moved to ten minutes into it."""
    pias = build_council(cast)
    assert pias.council.starts_at is not None
    time_machine.move_to(pias.council.starts_at + timedelta(minutes=10))
    return pias


def url(meeting: Meeting, rest: str = "") -> str:
    return meeting.get_absolute_url() + rest


def minutes_form(meeting: Meeting, **extra: Any) -> dict[str, Any]:
    meeting.refresh_from_db()
    form: dict[str, Any] = {
        "version": meeting.version,
        "person_present": "yes",
        "minutes": "Pia berättade först om sin situation.",
        "minutes_category": InformationCategory.WORK_STUDIES,
        "decisions-TOTAL_FORMS": "3",
        "decisions-INITIAL_FORMS": "0",
        "decisions-MIN_NUM_FORMS": "0",
        "decisions-MAX_NUM_FORMS": "10",
    }
    for index in range(3):
        form[f"decisions-{index}-category"] = InformationCategory.WORK_STUDIES
    for invitation in Invitation.objects.filter(meeting=meeting):
        form[f"attended_{invitation.pk}"] = "on"
    return form | extra


def decision(index: int, org: int, text: str, **extra: Any) -> dict[str, Any]:
    row = {
        f"decisions-{index}-text": text,
        f"decisions-{index}-responsible_organisation": org,
        f"decisions-{index}-category": InformationCategory.WORK_STUDIES,
    }
    row |= {f"decisions-{index}-{k}": v for k, v in extra.items()}
    return row


def test_the_agenda_starts_with_the_person_s_own_description(cast: Cast, client: Client) -> None:
    story_actions.save_story(
        cast.pia,
        actor=cast.kim,
        base_version=0,
        sections={
            "what_matters": SectionContent("Att få jobba med händerna.", "work_studies"),
            "life_situation": SectionContent(HEALTH_NOTE, "health"),
        },
        written="with_person",
    )
    council = build_council(cast).council
    sign_in(client, cast.kim)
    page = client.get(url(council)).content.decode()
    assert page.index("Personen berättar först") < page.index("Att få jobba med händerna.")
    assert HEALTH_NOTE in page
    sign_in(client, cast.fia)  # FK's consent excludes health
    page = client.get(url(council)).content.decode()
    assert "Att få jobba med händerna." in page
    assert HEALTH_NOTE not in page


def test_decisions_become_plan_actions_in_each_organisation_s_worklist(
    cast: Cast, client: Client, held: PiasCouncil
) -> None:
    plan = build_agreed_plan(cast).plan
    before = PlanAction.objects.count()
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    sign_in(client, cast.kim)
    response = client.post(
        url(held.council, "protokoll/"),
        minutes_form(held.council)
        | decision(
            0, cast.fk.pk, "Utreda rätt ersättning", responsible_person=cast.fia.pk, due_date=due
        )
        | decision(1, cast.tyreso.pk, "Remiss till Mia Vidare", responsible_person=cast.kim.pk),
    )
    assert response.status_code == 302, response.content.decode()
    council = Meeting.objects.get(pk=held.council.pk)
    assert council.state == Meeting.State.HELD and council.person_present is True
    assert set(Invitation.objects.filter(meeting=council).values_list("attended", flat=True)) == {
        True
    }
    decisions = list(Decision.objects.filter(meeting=council).select_related("plan_action"))
    assert [d.text for d in decisions] == ["Utreda rätt ersättning", "Remiss till Mia Vidare"]
    assert PlanAction.objects.count() == before + 2
    fk_action = decisions[0].plan_action
    assert fk_action is not None and fk_action.plan_id == plan.pk
    assert (fk_action.responsible_organisation, fk_action.responsible_person) == (cast.fk, cast.fia)
    assert fk_action.due_date is not None and fk_action.due_date.isoformat() == due
    assert fk_action.need.startswith("Beslut på resursråd")
    assert Plan.objects.get(pk=plan.pk).state == Plan.State.REVISED  # the person approves again

    sign_in(client, cast.fia)
    assert "Utreda rätt ersättning" in client.get("/arbetslista/").content.decode()


def test_a_decision_that_cannot_become_an_action_leaves_nothing_saved(
    cast: Cast, held: PiasCouncil
) -> None:
    build_agreed_plan(cast)
    council = held.council
    council.refresh_from_db()
    counts = (PlanAction.objects.count(), Decision.objects.count())
    with pytest.raises(ValidationError, match="Region Stockholm kan inte ansvara"):
        actions.record_minutes(
            council,
            actor=cast.kim,
            version=council.version,
            minutes="Sparas inte",
            minutes_category=InformationCategory.WORK_STUDIES,
            person_present=True,
            attended={},
            decisions=[
                actions.DecisionInput(
                    text="Första beslutet, giltigt",
                    need="",
                    responsible_organisation=cast.fk,
                    responsible_person=cast.fia,
                    due_date=None,
                    category=InformationCategory.WORK_STUDIES,
                ),
                actions.DecisionInput(
                    text="Andra beslutet, Region utan samtycke",
                    need="",
                    responsible_organisation=cast.region,
                    responsible_person=None,
                    due_date=None,
                    category=InformationCategory.WORK_STUDIES,
                ),
            ],
        )
    assert (PlanAction.objects.count(), Decision.objects.count()) == counts
    council.refresh_from_db()
    assert council.state == Meeting.State.PLANNED and council.minutes == ""


def test_the_page_refuses_the_whole_step_when_a_consent_does_not_cover_a_decision(
    cast: Cast, client: Client, held: PiasCouncil
) -> None:
    build_agreed_plan(cast)
    counts = (PlanAction.objects.count(), Decision.objects.count())
    sign_in(client, cast.kim)
    response = client.post(
        url(held.council, "protokoll/"),
        minutes_form(held.council)
        | decision(0, cast.tyreso.pk, "Stöd att söka bistånd")
        | decision(1, cast.fk.pk, "Samtal om sömnen", category=InformationCategory.HEALTH),
    )
    assert response.status_code == 422
    assert "Försäkringskassan kan inte ansvara för insatsen" in response.content.decode()
    assert (PlanAction.objects.count(), Decision.objects.count()) == counts
    assert Meeting.objects.get(pk=held.council.pk).state == Meeting.State.PLANNED


def test_without_a_plan_the_decisions_start_one_with_the_person_s_goals(
    cast: Cast, client: Client, held: PiasCouncil
) -> None:
    sign_in(client, cast.kim)
    form = minutes_form(held.council) | decision(0, cast.fk.pk, "Arbetsträning")
    refused = client.post(url(held.council, "protokoll/"), form)
    assert refused.status_code == 422
    assert "Personen har ingen öppen plan" in refused.content.decode()
    assert not Plan.objects.exists()
    follow_up = (timezone.localdate() + timedelta(days=90)).isoformat()
    response = client.post(
        url(held.council, "protokoll/"),
        form | {"goals": "Jag vill jobba med händerna.", "follow_up_date": follow_up},
    )
    assert response.status_code == 302
    plan = Plan.objects.get(participant=cast.pia)
    assert plan.goals == "Jag vill jobba med händerna."
    assert plan.lead_organisation == cast.tyreso
    assert [a.action for a in plan.actions.all()] == ["Arbetsträning"]


def test_minutes_follow_the_story_s_category_rules(
    cast: Cast, client: Client, held: PiasCouncil
) -> None:
    council = held.council
    council.refresh_from_db()
    actions.record_minutes(
        council,
        actor=cast.kim,
        version=council.version,
        minutes=HEALTH_NOTE,
        minutes_category=InformationCategory.HEALTH,
        person_present=True,
        attended={held.fia.pk: True},
        decisions=[],
    )
    sign_in(client, cast.kim)
    assert HEALTH_NOTE in client.get(url(council)).content.decode()
    sign_in(client, cast.fia)
    page = client.get(url(council)).content.decode()
    assert HEALTH_NOTE not in page
    assert "Personens samtycke omfattar inte det som står i protokollet" in page


def test_minutes_cannot_be_written_before_the_meeting(cast: Cast, client: Client) -> None:
    council = build_council(cast).council
    sign_in(client, cast.kim)
    assert "Mötet har inte börjat än" in client.get(url(council, "protokoll/")).content.decode()
    response = client.post(url(council, "protokoll/"), minutes_form(council))
    assert response.status_code == 422
    assert Meeting.objects.get(pk=council.pk).state == Meeting.State.PLANNED


def test_a_stale_minutes_save_is_refused_with_what_changed(
    cast: Cast, client: Client, held: PiasCouncil
) -> None:
    sign_in(client, cast.kim)
    form = minutes_form(held.council)
    assert client.post(url(held.council, "protokoll/"), form).status_code == 302
    response = client.post(
        url(held.council, "protokoll/"), form | {"minutes": "Min version av protokollet"}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Någon annan sparade mötet" in body
    assert "Min version av protokollet" in body and "Pia berättade först" in body


def test_a_preparatory_meeting_takes_no_decisions(cast: Cast, held: PiasCouncil) -> None:
    preparatory = held.preparatory
    preparatory.refresh_from_db()
    actions.summon(
        preparatory,
        actor=cast.kim,
        version=preparatory.version,
        starts_at=timezone.now() + timedelta(minutes=5),
        duration_minutes=20,
        mode=Meeting.Mode.PHYSICAL,
        place="Rum Ekorren",
    )
    Meeting.objects.filter(pk=preparatory.pk).update(
        starts_at=timezone.now() - timedelta(minutes=1)
    )
    preparatory.refresh_from_db()
    with pytest.raises(ValidationError, match="Ett förmöte fattar inga beslut"):
        actions.record_minutes(
            preparatory,
            actor=cast.kim,
            version=preparatory.version,
            minutes="",
            minutes_category=InformationCategory.PLANS_MEETINGS,
            person_present=None,
            attended={},
            decisions=[
                actions.DecisionInput(
                    text="x",
                    need="",
                    responsible_organisation=cast.tyreso,
                    responsible_person=None,
                    due_date=None,
                    category=InformationCategory.WORK_STUDIES,
                )
            ],
        )


def test_a_follow_up_is_booked_from_the_minutes_with_the_same_parties(
    cast: Cast, client: Client, held: PiasCouncil
) -> None:
    sign_in(client, cast.kim)
    client.post(url(held.council, "protokoll/"), minutes_form(held.council))
    page = client.get(url(held.council)).content.decode()
    assert url(held.council, "uppfoljning/") in page
    response = client.post(url(held.council, "uppfoljning/"), {"question": "Har det hjälpt?"})
    follow_up = Meeting.objects.get(follow_up_of=held.council)
    assert response.status_code == 302
    assert follow_up.kind == Meeting.Kind.FOLLOW_UP
    assert Invitation.objects.filter(meeting=follow_up, user=cast.fia).exists()


def test_a_meeting_with_minutes_counts_as_held(cast: Cast, held: PiasCouncil) -> None:
    council = held.council
    council.refresh_from_db()
    actions.record_minutes(
        council,
        actor=cast.kim,
        version=council.version,
        minutes="",
        minutes_category=InformationCategory.PLANS_MEETINGS,
        person_present=True,
        attended={i.pk: True for i in Invitation.objects.filter(meeting=council)},
        decisions=[],
    )
    assert council.starts_at is not None
    day = timezone.localdate(council.starts_at)
    assert held_between(cast.association, day, day) == [(Meeting.Kind.RESOURCE_COUNCIL, council.pk)]
    assert held_between(cast.association, day, day, sex="X") == []
    assert held_between(cast.association, date(1999, 1, 1), date(1999, 12, 31)) == []


def test_a_decision_to_refer_sends_the_referral_and_links_back_to_the_meeting(
    cast: Cast, client: Client, held: PiasCouncil
) -> None:
    build_agreed_plan(cast)
    setting = referral_setting(cast, with_consent=False)
    consent_for_provider(cast)
    sign_in(client, cast.kim)
    response = client.post(
        url(held.council, "protokoll/"),
        minutes_form(held.council)
        | decision(0, cast.tyreso.pk, "Pia börjar i Mia Vidare.", activity=setting.activity.pk),
        follow=True,
    )
    assert "1 remiss är skickad." in response.content.decode()
    made = Decision.objects.get(meeting=held.council)
    referral = made.referral
    assert referral is not None
    assert (referral.activity, referral.note, referral.state) == (
        setting.activity,
        "Pia börjar i Mia Vidare.",
        "sent",
    )
    assert "remiss till Mia Vidare" in client.get(url(held.council)).content.decode()
    page = client.get(referral.get_absolute_url()).content.decode()
    assert held.council.get_absolute_url() in page and "Beslutad" in page
    sign_in(client, setting.ulla)
    assert "Pia" in client.get("/remisser/").content.decode()


def test_a_referral_the_consent_does_not_allow_leaves_the_minutes_unsaved(
    cast: Cast, client: Client, held: PiasCouncil
) -> None:
    build_agreed_plan(cast)
    setting = referral_setting(cast, with_consent=False)
    sign_in(client, cast.kim)
    response = client.post(
        url(held.council, "protokoll/"),
        minutes_form(held.council)
        | decision(0, cast.tyreso.pk, "Pia börjar i Mia Vidare.", activity=setting.activity.pk),
    )
    assert response.status_code == 422
    assert "inget gällande samtycke" in response.content.decode()
    assert not Decision.objects.exists()
    assert Meeting.objects.get(pk=held.council.pk).state == Meeting.State.PLANNED
