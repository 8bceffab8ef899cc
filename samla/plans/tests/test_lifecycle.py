"""The plan's lifecycle: draft → invited → agreed → revised → closed (docs/domain.md §5C, R10)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from samla.audit.models import AuditEvent
from samla.concurrency import Stale
from samla.people import actions as people_actions
from samla.people.models import InformationCategory
from samla.people.tests.cast import Cast
from samla.plans import actions
from samla.plans.models import (
    InvalidTransition,
    Plan,
    PlanAction,
    PlanApproval,
    PlanConfirmation,
    PlanVersion,
)
from samla.plans.tests.matrix import FK_ACTION, agree, build_agreed_plan

S = Plan.State
T = Plan.Transition

# Every step from every state: where it leads, or None where it is refused. Written out in
# full rather than derived from the model, so that a change to the rules shows up here.
EXPECTED: dict[tuple[Plan.Transition, Plan.State], Plan.State | None] = {
    (T.EDIT, S.DRAFT): S.DRAFT,
    (T.EDIT, S.INVITED): S.DRAFT,  # revision 1: never agreed
    (T.EDIT, S.AGREED): S.REVISED,
    (T.EDIT, S.REVISED): S.REVISED,
    (T.EDIT, S.CLOSED): None,
    (T.INVITE, S.DRAFT): S.INVITED,
    (T.INVITE, S.INVITED): None,
    (T.INVITE, S.AGREED): None,
    (T.INVITE, S.REVISED): S.INVITED,
    (T.INVITE, S.CLOSED): None,
    (T.CONFIRM, S.DRAFT): None,
    (T.CONFIRM, S.INVITED): S.INVITED,
    (T.CONFIRM, S.AGREED): None,
    (T.CONFIRM, S.REVISED): None,
    (T.CONFIRM, S.CLOSED): None,
    (T.APPROVE, S.DRAFT): None,
    (T.APPROVE, S.INVITED): S.INVITED,
    (T.APPROVE, S.AGREED): None,
    (T.APPROVE, S.REVISED): None,
    (T.APPROVE, S.CLOSED): None,
    (T.AGREE, S.DRAFT): None,
    (T.AGREE, S.INVITED): S.AGREED,
    (T.AGREE, S.AGREED): None,
    (T.AGREE, S.REVISED): None,
    (T.AGREE, S.CLOSED): None,
    (T.FOLLOW_UP, S.DRAFT): S.DRAFT,
    (T.FOLLOW_UP, S.INVITED): S.INVITED,
    (T.FOLLOW_UP, S.AGREED): S.AGREED,
    (T.FOLLOW_UP, S.REVISED): S.REVISED,
    (T.FOLLOW_UP, S.CLOSED): None,
    (T.CLOSE, S.DRAFT): S.CLOSED,
    (T.CLOSE, S.INVITED): S.CLOSED,
    (T.CLOSE, S.AGREED): S.CLOSED,
    (T.CLOSE, S.REVISED): S.CLOSED,
    (T.CLOSE, S.CLOSED): None,
}


def test_the_table_covers_every_step_from_every_state() -> None:
    assert set(EXPECTED) == {(t, s) for t in T for s in S}


@pytest.mark.parametrize(("transition", "state"), list(EXPECTED), ids=lambda v: str(v))
def test_each_step_is_allowed_or_refused_by_the_model(
    transition: Plan.Transition, state: Plan.State
) -> None:
    plan = Plan(state=state, revision=2 if state == S.REVISED else 1)
    expected = EXPECTED[transition, state]
    assert plan.can(transition) is (expected is not None)
    if expected is None:
        with pytest.raises(InvalidTransition, match="Det går inte att"):
            plan.transition(transition)
        assert plan.state == state
    else:
        plan.transition(transition)
        assert plan.state == expected


def test_editing_an_agreed_plan_starts_the_next_revision() -> None:
    plan = Plan(state=S.AGREED, revision=1)
    plan.transition(T.EDIT)
    assert (plan.state, plan.revision) == (S.REVISED, 2)
    plan.transition(T.EDIT)
    assert (plan.state, plan.revision) == (S.REVISED, 2)


def test_editing_an_invited_revision_of_an_agreed_plan_keeps_it_revised() -> None:
    plan = Plan(state=S.INVITED, revision=2)
    plan.transition(T.EDIT)
    assert (plan.state, plan.revision) == (S.REVISED, 2)


def new_plan(cast: Cast) -> Plan:
    return actions.create_plan(
        cast.pia,
        actor=cast.kim,
        goals="Jag vill må bättre.",
        lead_organisation=cast.tyreso,
        follow_up_date=timezone.localdate() + timedelta(days=30),
    )


def test_one_open_plan_per_person_is_a_database_rule(cast: Cast) -> None:
    plan = new_plan(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(
            participant=cast.pia,
            goals="Ett till",
            lead_organisation=cast.tyreso,
            follow_up_date=plan.follow_up_date,
            created_by=cast.kim,
        )
    with pytest.raises(ValidationError, match="redan en plan"):
        new_plan(cast)
    actions.close_plan(plan, actor=cast.kim, reason=Plan.CloseReason.PERSON)
    assert new_plan(cast).pk != plan.pk


def test_a_closed_plan_must_say_when_and_why(cast: Cast) -> None:
    plan = new_plan(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=plan.pk).update(state=S.CLOSED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=plan.pk).update(closed_at=timezone.now())


def test_confirmations_and_approval_make_the_plan_agreed_with_a_frozen_version(
    cast: Cast,
) -> None:
    plan = new_plan(cast)
    actions.add_plan_action(
        plan,
        actor=cast.kim,
        need="Arbete",
        action=FK_ACTION,
        responsible_organisation=cast.fk,
        responsible_person=cast.fia,
        due_date=None,
        category=InformationCategory.WORK_STUDIES,
    )
    plan.refresh_from_db()
    plan = actions.invite(plan, actor=cast.kim, version=plan.version)
    assert {o.name for o in actions.missing_confirmations(plan)} == {
        "Tyresö kommun",
        "Försäkringskassan",
    }
    actions.record_approval(
        plan, actor=cast.kim, version=plan.version, method=PlanApproval.Method.PAPER
    )
    actions.confirm_plan(plan, actor=cast.fia, version=plan.version)
    plan.refresh_from_db()
    assert plan.state == S.INVITED  # Tyresö, the lead, has not confirmed
    assert not PlanVersion.objects.exists()
    with pytest.raises(ValidationError, match="redan bekräftat"):
        actions.confirm_plan(plan, actor=cast.fia, version=plan.version)

    actions.confirm_plan(plan, actor=cast.kim, version=plan.version)
    plan.refresh_from_db()
    assert plan.state == S.AGREED
    version = PlanVersion.objects.get(plan=plan)
    assert version.number == 1
    snapshot = version.snapshot
    assert snapshot["goals"] == "Jag vill må bättre."
    assert snapshot["lead_organisation"] == "Tyresö kommun"
    assert snapshot["approval"]["method"] == "paper"
    assert [a["action"] for a in snapshot["actions"]] == [FK_ACTION]
    assert snapshot["actions"][0]["category"] == "work_studies"
    assert {c["organisation"] for c in snapshot["confirmations"]} == {
        "Tyresö kommun",
        "Försäkringskassan",
    }
    assert AuditEvent.objects.filter(
        object_type="plans.planversion", participant_id=cast.pia.pk
    ).exists()
    with pytest.raises(ValueError, match="never edited"):
        version.save()


def test_an_organisation_without_a_part_cannot_confirm(cast: Cast) -> None:
    pias = build_agreed_plan(cast)
    plan = pias.plan
    actions.update_plan_action(pias.fk, actor=cast.kim, version=plan.version, due_date=None)
    plan.refresh_from_db()
    plan = actions.invite(plan, actor=cast.kim, version=plan.version)
    outsider = cast.nils  # Region Stockholm has no action
    with pytest.raises(ValidationError, match="ingen del i planen"):
        actions.confirm_plan(plan, actor=outsider, version=plan.version)


def test_a_change_after_agreement_needs_agreement_again_and_the_old_version_stays(
    cast: Cast,
) -> None:
    pias = build_agreed_plan(cast)
    plan = pias.plan
    plan = actions.update_plan(
        plan,
        actor=cast.kim,
        version=plan.version,
        goals="Nya mål.",
        lead_organisation=cast.tyreso,
        follow_up_date=plan.follow_up_date,
    )
    assert (plan.state, plan.revision) == (S.REVISED, 2)
    # A second change to the same revision stays in it.
    actions.update_plan_action(
        pias.fk, actor=cast.kim, version=plan.version, action="Arbetsträning två dagar"
    )
    plan.refresh_from_db()
    assert (plan.state, plan.revision) == (S.REVISED, 2)
    with pytest.raises(InvalidTransition):
        actions.record_approval(
            plan, actor=cast.kim, version=plan.version, method=PlanApproval.Method.MEETING
        )
    plan = agree(plan, cast)
    assert list(PlanVersion.objects.filter(plan=plan).values_list("number", flat=True)) == [1, 2]
    first, second = PlanVersion.objects.filter(plan=plan).order_by("number")
    assert first.snapshot["goals"] == "Jag vill börja arbeta halvtid och må bättre."
    assert second.snapshot["goals"] == "Nya mål."
    assert FK_ACTION in [a["action"] for a in first.snapshot["actions"]]
    assert "Arbetsträning två dagar" in [a["action"] for a in second.snapshot["actions"]]


def test_a_status_change_is_follow_up_and_starts_no_revision(cast: Cast) -> None:
    pias = build_agreed_plan(cast)
    version_before = pias.plan.version
    actions.change_action_status(
        pias.fk,
        actor=cast.fia,
        version=pias.fk.version,
        status=PlanAction.Status.ONGOING,
        follow_up_note="Har börjat.",
    )
    plan = Plan.objects.get(pk=pias.plan.pk)
    assert (plan.state, plan.revision, plan.version) == (S.AGREED, 1, version_before)
    pias.fk.refresh_from_db()
    assert (pias.fk.status, pias.fk.follow_up_note) == ("ongoing", "Har börjat.")
    event = AuditEvent.objects.filter(object_type="plans.planaction").latest("pk")
    assert event.summary == "Följde upp insats: Pågår"
    assert event.actor_id == cast.fia.pk


def test_a_change_while_invited_withdraws_the_confirmations_given(cast: Cast) -> None:
    plan = new_plan(cast)
    action = actions.add_plan_action(
        plan,
        actor=cast.kim,
        need="Arbete",
        action=FK_ACTION,
        responsible_organisation=cast.fk,
        responsible_person=cast.fia,
        due_date=None,
        category=InformationCategory.WORK_STUDIES,
    )
    plan.refresh_from_db()
    plan = actions.invite(plan, actor=cast.kim, version=plan.version)
    actions.confirm_plan(plan, actor=cast.fia, version=plan.version)
    actions.record_approval(
        plan, actor=cast.kim, version=plan.version, method=PlanApproval.Method.DIGITAL
    )
    actions.update_plan_action(action, actor=cast.kim, version=plan.version, need="Ett jobb")
    plan.refresh_from_db()
    assert (plan.state, plan.revision) == (S.DRAFT, 1)
    assert not PlanConfirmation.objects.current().filter(plan=plan).exists()
    assert not PlanApproval.objects.current().filter(plan=plan).exists()
    assert PlanConfirmation.objects.filter(plan=plan, superseded_at__isnull=False).count() == 1
    # Sent again, Fia confirms afresh.
    plan = actions.invite(plan, actor=cast.kim, version=plan.version)
    actions.confirm_plan(plan, actor=cast.fia, version=plan.version)


@pytest.mark.parametrize("state", [S.DRAFT, S.INVITED, S.AGREED, S.REVISED])
def test_the_person_can_end_the_plan_from_any_open_state(cast: Cast, state: Plan.State) -> None:
    pias = build_agreed_plan(cast)
    plan = pias.plan
    if state == S.REVISED:
        actions.update_plan_action(pias.fk, actor=cast.kim, version=plan.version, due_date=None)
    elif state == S.INVITED:
        actions.update_plan_action(pias.fk, actor=cast.kim, version=plan.version, due_date=None)
        plan.refresh_from_db()
        actions.invite(plan, actor=cast.kim, version=plan.version)
    elif state == S.DRAFT:
        actions.close_plan(plan, actor=cast.kim, reason=Plan.CloseReason.MOVED)
        plan = new_plan(cast)
    plan.refresh_from_db()
    assert plan.state == state
    closed = actions.close_plan(
        plan, actor=cast.kim, reason=Plan.CloseReason.PERSON, note="Sa det i telefon."
    )
    assert closed.state == S.CLOSED and closed.ended_by_person and closed.closed_at is not None
    with pytest.raises(InvalidTransition):
        actions.close_plan(closed, actor=cast.kim, reason=Plan.CloseReason.PERSON)
    with pytest.raises(InvalidTransition):
        actions.change_action_status(
            pias.fk, actor=cast.fia, version=pias.fk.version, status="done"
        )


def test_nothing_can_be_sent_without_an_action(cast: Cast) -> None:
    plan = new_plan(cast)
    with pytest.raises(ValidationError, match="minst en insats"):
        actions.invite(plan, actor=cast.kim, version=plan.version)
    plan.refresh_from_db()
    assert plan.state == S.DRAFT


def add(cast: Cast, plan: Plan, **overrides: object) -> PlanAction:
    values: dict[str, Any] = {
        "need": "Behov",
        "action": "Insats",
        "responsible_organisation": cast.fk,
        "responsible_person": cast.fia,
        "due_date": None,
        "category": InformationCategory.WORK_STUDIES,
    }
    values.update(overrides)
    return actions.add_plan_action(plan, actor=cast.kim, **values)


def test_another_organisation_takes_an_action_only_as_far_as_the_consent_allows(
    cast: Cast,
) -> None:
    plan = new_plan(cast)
    add(cast, plan)  # FK, work and studies: Pia's consent includes it
    add(cast, plan, category=InformationCategory.INCOME)
    with pytest.raises(ValidationError, match="Försäkringskassan kan inte ansvara"):
        add(cast, plan, category=InformationCategory.HEALTH)  # excluded by Pia
    with pytest.raises(ValidationError, match="Försäkringskassan kan inte ansvara"):
        add(cast, plan, category=InformationCategory.SOCIAL_SERVICES)  # not included
    with pytest.raises(ValidationError, match="Region Stockholm kan inte ansvara"):
        add(cast, plan, responsible_organisation=cast.region, responsible_person=None)
    with pytest.raises(ValidationError, match="Arbetsförmedlingen kan inte ansvara"):
        add(cast, plan, responsible_organisation=cast.af, responsible_person=None)  # withdrawn
    # The controlling organisation may take any kind of action.
    add(
        cast,
        plan,
        responsible_organisation=cast.tyreso,
        responsible_person=cast.kim,
        category=InformationCategory.HEALTH,
    )
    assert PlanAction.objects.filter(plan=plan).count() == 3


def test_a_new_consent_lets_another_organisation_take_part(cast: Cast) -> None:
    plan = new_plan(cast)
    people_actions.record_consent(
        actor=cast.kim,
        participant=cast.pia,
        organisations=[cast.af],
        categories_included=[InformationCategory.WORK_STUDIES],
        categories_excluded=[],
        form="written",
        given_by="person",
        valid_from=timezone.localdate(),
        valid_to=None,
    )
    add(cast, plan, responsible_organisation=cast.af, responsible_person=cast.wera)


def test_the_responsible_person_works_there_and_is_on_the_team(cast: Cast) -> None:
    plan = new_plan(cast)
    with pytest.raises(ValidationError, match="Kim Koordinator arbetar inte på Försäkringskassan"):
        add(cast, plan, responsible_person=cast.kim)
    with pytest.raises(ValidationError, match="finns inte i personens team"):
        add(
            cast,
            plan,
            responsible_organisation=cast.tyreso,
            responsible_person=cast.tove,
        )
    with pytest.raises(ValidationError, match="ingen roll i förbundet"):
        add(cast, plan, responsible_organisation=cast.tyreso, responsible_person=cast.bodil)


def test_the_lead_organisation_must_be_able_to_take_part(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="Region Stockholm kan inte vara huvudansvarig"):
        actions.create_plan(
            cast.pia,
            actor=cast.kim,
            goals="Mål",
            lead_organisation=cast.region,
            follow_up_date=timezone.localdate(),
        )
    assert not Plan.objects.exists()


def test_a_stale_version_is_refused_and_nothing_changes(cast: Cast) -> None:
    plan = new_plan(cast)
    fields: dict[str, Any] = {
        "lead_organisation": cast.tyreso,
        "follow_up_date": plan.follow_up_date,
    }
    actions.update_plan(plan, actor=cast.kim, version=plan.version, goals="Först", **fields)
    with pytest.raises(Stale) as stale:
        actions.update_plan(plan, actor=cast.kim, version=plan.version, goals="Sedan", **fields)
    assert stale.value.current.goals == "Först"
    assert Plan.objects.get(pk=plan.pk).goals == "Först"
