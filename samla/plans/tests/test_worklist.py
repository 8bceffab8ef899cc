"""Each user's worklist: their organisation's actions (overdue first), plans due for follow-up,
and plans waiting for their organisation's confirmation."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.template import RequestContext, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samla.audit.models import AuditEvent
from samla.people import actions as people_actions
from samla.people.access import get_participant_for_user
from samla.people.models import Consent, InformationCategory, Participant, TeamMember
from samla.people.tests.cast import Cast, sign_in
from samla.plans import actions
from samla.plans.models import Plan, PlanAction
from samla.plans.tests.matrix import FK_ACTION, HEALTH_ACTION, PiasPlan, build_agreed_plan
from samla.plans.worklists import PAGE_SIZE, responsible_users, worklist_for


@pytest.fixture
def pias(cast: Cast) -> PiasPlan:
    return build_agreed_plan(cast)


def fk_action(cast: Cast, plan: Plan, text: str, days: int | None) -> PlanAction:
    plan.refresh_from_db()
    today = timezone.localdate()
    return actions.add_plan_action(
        plan,
        actor=cast.kim,
        need="Arbete",
        action=text,
        responsible_organisation=cast.fk,
        responsible_person=cast.fia,
        due_date=None if days is None else today + timedelta(days=days),
        category=InformationCategory.WORK_STUDIES,
    )


def test_my_organisations_actions_come_overdue_first_then_due_this_week(
    cast: Cast, client: Client, pias: PiasPlan
) -> None:
    for text, days in [
        ("Utan datum", None),
        ("Om en månad", 30),
        ("Om tre dagar", 3),
        ("Försenad sedan i går", -1),
        ("Försenad sedan länge", -20),
    ]:
        fk_action(cast, pias.plan, text, days)
    done = fk_action(cast, pias.plan, "Redan klar", -5)
    actions.change_action_status(done, actor=cast.fia, version=done.version, status="done")

    sign_in(client, cast.fia)
    body = client.get("/arbetslista/").content.decode()
    order = [
        "Försenad sedan länge",
        "Försenad sedan i går",
        "Om tre dagar",
        "Om en månad",
        FK_ACTION,  # due in 45 days
        "Utan datum",
    ]
    positions = [body.index(text) for text in order]
    assert positions == sorted(positions)
    assert "Redan klar" not in body
    assert body.count(">Försenad<") == 2 and body.count(">Inom en vecka<") == 1
    assert HEALTH_ACTION not in body  # Tyresö's, and about health


def test_only_actions_the_consent_covers_are_listed(
    cast: Cast, client: Client, pias: PiasPlan
) -> None:
    sign_in(client, cast.fia)
    assert FK_ACTION in client.get("/arbetslista/").content.decode()
    people_actions.record_consent(  # the latest consent no longer covers work and studies
        actor=cast.kim,
        participant=cast.pia,
        organisations=[cast.fk],
        categories_included=["income"],
        categories_excluded=["work_studies"],
        form="written",
        given_by="person",
        valid_from=timezone.localdate(),
        valid_to=None,
    )
    assert FK_ACTION not in client.get("/arbetslista/").content.decode()


def test_plans_waiting_for_my_organisation_and_confirming_from_the_worklist(
    cast: Cast, client: Client, pias: PiasPlan
) -> None:
    plan = pias.plan
    actions.update_plan_action(pias.fk, actor=cast.kim, version=plan.version, due_date=None)
    plan.refresh_from_db()
    actions.invite(plan, actor=cast.kim, version=plan.version)
    plan.refresh_from_db()

    sign_in(client, cast.fia)
    body = client.get("/arbetslista/").content.decode()
    assert "Planer som väntar på din organisations bekräftelse" in body
    assert f'action="/deltagare/{cast.pia.pk}/plan/bekrafta/"' in body
    response = client.post(
        f"/deltagare/{cast.pia.pk}/plan/bekrafta/",
        {"version": plan.version, "next": "/arbetslista/"},
    )
    assert response.status_code == 302 and response["Location"] == "/arbetslista/"
    body = client.get("/arbetslista/").content.decode()
    assert "Planer som väntar på din organisations bekräftelse" not in body
    sign_in(client, cast.kim)  # Tyresö kommun, the lead, still has to confirm
    assert (
        "Planer som väntar på din organisations bekräftelse"
        in client.get("/arbetslista/").content.decode()
    )


def test_plans_whose_follow_up_date_has_come(
    cast: Cast, client: Client, pias: PiasPlan, time_machine
) -> None:
    sign_in(client, cast.kim)
    assert "Planer som ska följas upp nu" not in client.get("/arbetslista/").content.decode()
    time_machine.move_to(pias.plan.follow_up_date + timedelta(hours=12))
    sign_in(client, cast.kim)
    body = client.get("/arbetslista/").content.decode()
    assert "Planer som ska följas upp nu" in body and "Pia Persson" in body
    assert "Försenad" in body  # everything Tyresö had to do is late by now


@pytest.mark.parametrize("who", ["wera", "nils", "tove", "olle", "bodil"])
def test_people_who_may_not_see_pia_find_nothing_of_her(
    cast: Cast, client: Client, pias: PiasPlan, who: str
) -> None:
    user = cast.everyone()[who]
    worklist = worklist_for(user)
    assert worklist.is_empty
    sign_in(client, user)
    body = client.get("/arbetslista/").content.decode()
    assert "Persson" not in body


def test_reading_the_worklist_is_logged_once(cast: Cast, client: Client, pias: PiasPlan) -> None:
    sign_in(client, cast.fia)
    before = AuditEvent.objects.count()
    client.get("/arbetslista/")
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.action, e.actor_id) for e in events] == [("view", cast.fia.pk)]
    assert events[0].summary == "Arbetslista (1 insatser, 0 uppföljningar, 0 att bekräfta)"


def add_people_with_plans(cast: Cast, count: int) -> None:
    """More people like Pia, each with a plan sent for confirmation and two FK actions."""
    today = timezone.localdate()
    for n in range(count):
        person = Participant.objects.create(
            association=cast.association,
            controlling_organisation=cast.tyreso,
            kind="anonymous",
            sex="F",
            start_year=2026,
            created_by=cast.kim,
        )
        for member in (cast.kim, cast.fia):
            TeamMember.objects.create(
                participant=person,
                user=member,
                role="coordinator" if member == cast.kim else "member",
                added_by=cast.kim,
            )
        consent = Consent.objects.create(
            participant=person,
            categories_included=["work_studies"],
            form="written",
            given_by="person",
            valid_from=today,
            recorded_by=cast.kim,
        )
        consent.organisations.set([cast.fk])
        plan = Plan.objects.create(
            participant=person,
            state=Plan.State.INVITED,
            goals="Mål",
            lead_organisation=cast.tyreso,
            follow_up_date=today - timedelta(days=1),
            created_by=cast.kim,
        )
        PlanAction.objects.bulk_create(
            PlanAction(
                plan=plan,
                need="Behov",
                action=f"Insats {n}-{i}",
                responsible_organisation=cast.fk,
                responsible_person=cast.fia,
                due_date=today + timedelta(days=i - 1),
                created_by=cast.kim,
            )
            for i in range(2)
        )


def count_queries(client: Client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_worklist_keeps_its_query_count_from_5_to_50_people(
    cast: Cast, client: Client, pias: PiasPlan
) -> None:
    sign_in(client, cast.fia)
    add_people_with_plans(cast, 2)
    small, body = count_queries(client, "/arbetslista/")
    assert body.count("Insats 1-") == 2
    add_people_with_plans(cast, 23)
    large, body = count_queries(client, "/arbetslista/")
    assert body.count('id="worklist-action-') == PAGE_SIZE  # of 1 + 2 * 25
    assert small == large
    next_page = re.search(r'href="(\?sida=[^"]+)" rel="next"', body)
    assert next_page is not None
    last, body = count_queries(client, "/arbetslista/" + html.unescape(next_page[1]))
    assert body.count('id="worklist-action-') == 1 and 'rel="next"' not in body
    assert last == large


def test_the_start_page_shows_the_first_of_each_part_and_leads_to_the_whole_worklist(
    cast: Cast, client: Client, pias: PiasPlan
) -> None:
    add_people_with_plans(cast, 25)  # 51 actions, 25 plans to confirm and to follow up
    sign_in(client, cast.fia)
    body = client.get("/").content.decode()
    assert body.count('id="worklist-action-') == 10  # web.views.SHOWN
    assert "Insats 0-0" in body  # due yesterday: among the first
    assert "Här visas de 10 första i varje del." in body
    assert '<a href="/arbetslista/">Hela arbetslistan</a>' in body
    audit = AuditEvent.objects.filter(summary__startswith="Startsidan, arbetslista").latest("pk")
    assert audit.summary == (
        "Startsidan, arbetslista (10 insatser, 10 uppföljningar, 10 att bekräfta)"
    )


def test_a_forged_page_of_the_worklist_gives_its_first_page(
    cast: Cast, client: Client, pias: PiasPlan
) -> None:
    sign_in(client, cast.fia)
    body = client.get("/arbetslista/?sida=eyJhZnRlciI6MX0:forged").content.decode()
    assert FK_ACTION in body and "Första sidan" not in body


def test_the_worklist_shows_an_action_of_each_category_the_consent_lets_fk_see(
    cast: Cast, pias: PiasPlan
) -> None:
    """The category filter in SQL (``people.access.allowed_rows``) answers as
    ``ParticipantAccess.allows`` does, for each category: included, excluded and neither."""
    people_actions.record_consent(
        actor=cast.kim,
        participant=cast.pia,
        organisations=[cast.fk],
        categories_included=list(InformationCategory),
        categories_excluded=[],
        form="written",
        given_by="person",
        valid_from=timezone.localdate(),
        valid_to=None,
    )
    for category in InformationCategory:
        pias.plan.refresh_from_db()
        actions.add_plan_action(
            pias.plan,
            actor=cast.kim,
            need="Behov",
            action=f"Om {category.value}",
            responsible_organisation=cast.fk,
            responsible_person=None,
            due_date=None,
            category=category,
        )
    people_actions.record_consent(
        actor=cast.kim,
        participant=cast.pia,
        organisations=[cast.fk],
        categories_included=["work_studies", "income", "health"],
        categories_excluded=["health"],
        form="written",
        given_by="person",
        valid_from=timezone.localdate(),  # later: it decides
        valid_to=None,
    )
    access = get_participant_for_user(cast.fia, cast.pia.pk, purpose="Test")
    shown = {item.action.action for item in worklist_for(cast.fia).actions}
    assert (
        {text for text in shown if text.startswith("Om ")}
        == {f"Om {category.value}" for category in InformationCategory if access.allows(category)}
        == {"Om work_studies", "Om income"}
    )


def test_who_hears_about_an_action(cast: Cast, pias: PiasPlan) -> None:
    due = PlanAction.objects.open().due_by(timezone.localdate() + timedelta(days=45))
    assert {a.action for a in due} == {a.action for a in (pias.kommun, pias.health, pias.fk)}
    assert responsible_users(pias.fk) == [cast.fia]
    pias.fk.responsible_person = None
    assert responsible_users(pias.fk) == [cast.fia]  # FK's people on the team
    actions.close_plan(pias.plan, actor=cast.kim, reason="person")
    assert not PlanAction.objects.open().exists()


def test_the_start_page_can_include_the_worklist(cast: Cast, pias: PiasPlan, rf) -> None:
    request = rf.get("/")
    request.user = cast.fia
    template = Template('{% include "plans/worklist_section.html" with worklist=worklist %}')
    html = template.render(RequestContext(request, {"worklist": worklist_for(cast.fia)}))
    assert FK_ACTION in html and "Min arbetslista" in html


# A hidden ``next`` that is no path in Samla: ``redirect()`` took "abc" for the name of a view
# (NoReverseMatch, a server error, issue 15); an outside address would lead the user away.
NOT_A_PATH = [
    "abc",
    "-1",
    "1e309",
    "\x00",
    "/arbetslista/\x00",
    "//evil.example/",
    "http://evil.example/",
]


@pytest.mark.parametrize("next_url", NOT_A_PATH)
def test_a_next_that_is_no_path_in_samla_goes_back_to_the_worklist(
    cast: Cast, client: Client, pias: PiasPlan, next_url: str
) -> None:
    sign_in(client, cast.fia)
    posted = {"status": "nonsense", "version": pias.fk.version, "next": next_url}
    response = client.post(f"/arbetslista/atgard/{pias.fk.pk}/status/", posted, follow=True)
    assert response.redirect_chain == [("/arbetslista/", 302)]
    assert "Välj ett giltigt alternativ" in response.content.decode()
    before = pias.fk.status
    pias.fk.refresh_from_db()
    assert pias.fk.status == before


@pytest.mark.parametrize("next_url", NOT_A_PATH)
def test_a_next_that_is_no_path_in_samla_goes_back_to_the_plan_on_confirming(
    cast: Cast, client: Client, pias: PiasPlan, next_url: str
) -> None:
    plan = pias.plan
    actions.update_plan_action(pias.fk, actor=cast.kim, version=plan.version, due_date=None)
    plan.refresh_from_db()
    actions.invite(plan, actor=cast.kim, version=plan.version)
    plan.refresh_from_db()
    confirmations = plan.confirmations.count()
    sign_in(client, cast.fia)
    response = client.post(
        f"/deltagare/{cast.pia.pk}/plan/bekrafta/",
        {"version": plan.version - 1, "next": next_url},  # read before the plan was sent
        follow=True,
    )
    assert response.redirect_chain == [(plan.get_absolute_url(), 302)]
    assert "Planen har ändrats sedan du öppnade sidan." in response.content.decode()
    assert plan.confirmations.count() == confirmations
