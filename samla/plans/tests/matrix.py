"""Route parameters for the permission matrix (samla/web/tests/test_permission_matrix.py).

Pia's plan, built through the actions: agreed once (version 1), then changed, so that version 1
and a working revision 2 exist. Tyresö kommun does two things, one of them about Pia's health;
Försäkringskassan does one about work. Fia (FK) must never see the health action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from samla.people.models import InformationCategory
from samla.people.tests.cast import Cast
from samla.plans import actions
from samla.plans.models import Plan, PlanAction, PlanApproval

READABLE_WITH_CONSENT = {
    "plans:plan",
    "plans:versions",
    "plans:version",
    "plans:compare",
    "plans:pdf",
    "worklist:index",
}

HEALTH_ACTION = "Samtal med kurator varannan vecka"
FK_ACTION = "Arbetsträning tre dagar i veckan"
KOMMUN_ACTION = "Stöd att söka ekonomiskt bistånd"


@dataclass
class PiasPlan:
    plan: Plan
    kommun: PlanAction
    health: PlanAction
    fk: PlanAction


def build_agreed_plan(cast: Cast) -> PiasPlan:
    """Pia's plan, agreed: Tyresö and FK confirmed, Pia approved in a meeting."""
    today = timezone.localdate()
    plan = actions.create_plan(
        cast.pia,
        actor=cast.kim,
        goals="Jag vill börja arbeta halvtid och må bättre.",
        lead_organisation=cast.tyreso,
        follow_up_date=today + timedelta(days=60),
    )
    kommun = actions.add_plan_action(
        plan,
        actor=cast.kim,
        need="Pengar till hyran",
        action=KOMMUN_ACTION,
        responsible_organisation=cast.tyreso,
        responsible_person=cast.kim,
        due_date=today + timedelta(days=14),
        category=InformationCategory.INCOME,
    )
    health = actions.add_plan_action(
        plan,
        actor=cast.kim,
        need="Sover dåligt och oroar sig",
        action=HEALTH_ACTION,
        responsible_organisation=cast.tyreso,
        responsible_person=cast.kim,
        due_date=today + timedelta(days=30),
        category=InformationCategory.HEALTH,
    )
    fk = actions.add_plan_action(
        plan,
        actor=cast.kim,
        need="Komma tillbaka till arbete",
        action=FK_ACTION,
        responsible_organisation=cast.fk,
        responsible_person=cast.fia,
        due_date=today + timedelta(days=45),
        category=InformationCategory.WORK_STUDIES,
    )
    plan = agree(plan, cast)
    return PiasPlan(plan=plan, kommun=kommun, health=health, fk=fk)


def agree(plan: Plan, cast: Cast) -> Plan:
    plan.refresh_from_db()
    if plan.state != Plan.State.INVITED:
        plan = actions.invite(plan, actor=cast.kim, version=plan.version)
    actions.confirm_plan(plan, actor=cast.kim, version=plan.version)
    actions.confirm_plan(plan, actor=cast.fia, version=plan.version)
    actions.record_approval(
        plan, actor=cast.kim, version=plan.version, method=PlanApproval.Method.MEETING
    )
    plan.refresh_from_db()
    assert plan.state == Plan.State.AGREED
    return plan


def parameters(cast: Cast) -> dict[str, int]:
    pias = build_agreed_plan(cast)
    actions.update_plan(
        pias.plan,
        actor=cast.kim,
        version=pias.plan.version,
        goals="Jag vill börja arbeta halvtid, må bättre och träffa vänner.",
        lead_organisation=cast.tyreso,
        follow_up_date=pias.plan.follow_up_date,
    )
    return {"action_pk": pias.fk.pk, "plan_version": 1}
