"""Min plan (issue 16, part 2): the person sees their agreed plan, approves a revision waiting
for them with e-ID or answers "not yet, because …", and can end the plan with e-ID. Their
coordinator sees the answers in the worklist and on the plan page."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from samla.accounts.models import User
from samla.accounts.tests.oidc import LOA3, RunningProvider
from samla.audit.models import AuditEvent
from samla.idnumbers import test_personnummer
from samla.mysamla.tests.person import log_in_person, sign
from samla.people.models import Participant
from samla.people.tests.cast import Cast, sign_in
from samla.plans import actions
from samla.plans.models import Plan, PlanApproval, PlanDeferral, PlanVersion
from samla.plans.tests.matrix import build_agreed_plan

pytestmark = pytest.mark.django_db

PAGE = "/min-samla/plan/"
AGREED_GOALS = "Jag vill börja arbeta halvtid och må bättre."
NEW_GOALS = "Jag vill börja arbeta halvtid, må bättre och träffa vänner."
PER = test_personnummer(date(1988, 3, 9), "M")


def revise(cast: Cast, plan: Plan, goals: str = NEW_GOALS) -> Plan:
    plan.refresh_from_db()
    return actions.update_plan(
        plan,
        actor=cast.kim,
        version=plan.version,
        goals=goals,
        lead_organisation=cast.tyreso,
        follow_up_date=plan.follow_up_date,
    )


def waiting_for_pia(cast: Cast, *, fk_confirms: bool = True) -> Plan:
    """Pia's agreed plan, changed and sent again: it waits for her approval (and FK's, unless
    ``fk_confirms``)."""
    plan = revise(cast, build_agreed_plan(cast).plan)
    plan = actions.invite(plan, actor=cast.kim, version=plan.version)
    actions.confirm_plan(plan, actor=cast.kim, version=plan.version)
    if fk_confirms:
        actions.confirm_plan(plan, actor=cast.fia, version=plan.version)
    plan.refresh_from_db()
    return plan


def sections(page: str) -> tuple[str, str]:
    """The proposal and the agreed plan, apart."""
    before, _sep, agreed = page.partition('id="agreed-')
    return before, agreed


def person(cast: Cast) -> User:
    return User.objects.get(person_number=cast.pia.id_number)


def test_the_agreed_version_is_shown_and_a_draft_revision_never(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    revise(cast, build_agreed_plan(cast).plan)
    log_in_person(client, eid, cast.pia.id_number)
    page = client.get(PAGE).content.decode()
    assert AGREED_GOALS in page and "Överenskommen" in page
    assert "Arbetsträning tre dagar i veckan" in page
    assert NEW_GOALS not in page
    assert "Din koordinator arbetar med ett förslag till plan." in page
    reads = AuditEvent.objects.filter(
        actor_id=person(cast).pk, action=AuditEvent.Action.VIEW, participant_id=cast.pia.pk
    )
    assert [(r.role, r.summary) for r in reads] == [("person", "Min Samla, plan")]


def test_a_revision_waiting_for_the_person_is_a_proposal_never_labelled_agreed(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    waiting_for_pia(cast)
    log_in_person(client, eid, cast.pia.id_number)
    proposal, agreed = sections(client.get(PAGE).content.decode())
    assert "Förslag som väntar på ditt godkännande" in proposal
    assert NEW_GOALS in proposal and "Överenskommen" not in proposal
    assert AGREED_GOALS in agreed and NEW_GOALS not in agreed


def test_the_person_approves_with_e_id_and_the_plan_becomes_agreed_when_all_confirmed(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    plan = waiting_for_pia(cast, fk_confirms=False)
    log_in_person(client, eid, cast.pia.id_number)
    pressed = client.post(f"/min-samla/plan/{cast.pia.pk}/godkann/", {"version": plan.version})
    back = sign(client, eid, pressed, cast.pia.id_number)
    assert back["Location"] == PAGE
    page = client.get(PAGE).content.decode()
    assert "Den blir överenskommen när alla organisationer har bekräftat sin del." in page
    approval = PlanApproval.objects.current().get(plan=plan, revision=2)
    assert approval.method == PlanApproval.Method.DIGITAL
    assert (approval.acr, approval.provider) == (LOA3, "eid")
    assert approval.recorded_by == person(cast)
    plan.refresh_from_db()
    assert plan.state == Plan.State.INVITED

    actions.confirm_plan(plan, actor=cast.fia, version=plan.version)
    plan.refresh_from_db()
    assert plan.state == Plan.State.AGREED
    version = PlanVersion.objects.get(plan=plan, number=2)
    assert version.snapshot["approval"]["acr"] == LOA3
    proposal, agreed = sections(client.get(PAGE).content.decode())
    assert "Förslag som väntar" not in proposal
    assert NEW_GOALS in agreed

    event = AuditEvent.objects.get(
        actor_id=person(cast).pk, action=AuditEvent.Action.CREATE, object_type="plans.planapproval"
    )
    assert event.role == "person" and event.participant_id == cast.pia.pk
    assert "tillitsnivå 3" in event.summary

    sign_in(staff := Client(), cast.kim)
    staff_page = staff.get(f"/deltagare/{cast.pia.pk}/plan/").content.decode()
    assert "Godkänd av personen med e-legitimation" in staff_page
    assert "tillitsnivå 3" in staff_page
    worklist = staff.get("/arbetslista/").content.decode()
    assert "Personen har svarat på planen" in worklist
    assert "godkände planen med e-legitimation" in worklist


def test_all_confirmed_the_persons_approval_makes_the_plan_agreed_at_once(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    plan = waiting_for_pia(cast)
    log_in_person(client, eid, cast.pia.id_number)
    pressed = client.post(f"/min-samla/plan/{cast.pia.pk}/godkann/", {"version": plan.version})
    sign(client, eid, pressed, cast.pia.id_number)
    plan.refresh_from_db()
    assert plan.state == Plan.State.AGREED
    assert "Nu är den överenskommen." in client.get(PAGE).content.decode()


def test_signing_as_someone_else_records_nothing(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    plan = waiting_for_pia(cast)
    log_in_person(client, eid, cast.pia.id_number)
    pressed = client.post(f"/min-samla/plan/{cast.pia.pk}/godkann/", {"version": plan.version})
    sign(client, eid, pressed, PER.value)
    assert not PlanApproval.objects.current().filter(plan=plan, revision=2).exists()
    plan.refresh_from_db()
    assert plan.state == Plan.State.INVITED
    assert "någon annan än den som är inloggad" in client.get(PAGE).content.decode()


def test_a_revision_changed_between_pressing_and_signing_is_refused(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    plan = waiting_for_pia(cast)
    log_in_person(client, eid, cast.pia.id_number)
    pressed = client.post(f"/min-samla/plan/{cast.pia.pk}/godkann/", {"version": plan.version})
    # Kim changes the plan and sends it again: it waits for Pia again, but not as she read it.
    changed = revise(cast, plan, goals="Jag vill studera.")
    actions.invite(changed, actor=cast.kim, version=changed.version)
    sign(client, eid, pressed, cast.pia.id_number)
    assert not PlanApproval.objects.current().filter(plan=plan, revision=2).exists()
    page = client.get(PAGE).content.decode()
    assert "Planen har ändrats sedan du läste den." in page
    assert "Jag vill studera." in sections(page)[0]


def test_not_yet_needs_a_reason_and_reaches_the_coordinator(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    plan = waiting_for_pia(cast)
    log_in_person(client, eid, cast.pia.id_number)
    url = f"/min-samla/plan/{cast.pia.pk}/inte-an/"
    refused = client.post(url, {"version": plan.version, "reason": "  "})
    assert refused.status_code == 422
    assert "Skriv varför du inte vill godkänna planen än." in refused.content.decode()
    assert not PlanDeferral.objects.exists()

    reason = "Jag vill prata om arbetsträningen först."
    stale = client.post(url, {"version": plan.version - 1, "reason": reason})
    assert stale.status_code == 409
    assert reason in stale.content.decode()  # the text is kept, to send again as it is
    assert f'name="version" value="{plan.version - 1}"' not in stale.content.decode()
    assert not PlanDeferral.objects.exists()

    client.post(url, {"version": plan.version, "reason": reason})
    deferral = PlanDeferral.objects.current().get(plan=plan)
    assert (deferral.reason, deferral.given_by) == (reason, person(cast))
    assert not PlanApproval.objects.filter(plan=plan, revision=2).exists()

    sign_in(staff := Client(), cast.kim)
    worklist = staff.get("/arbetslista/").content.decode()
    assert "Personen har svarat på planen" in worklist and reason in worklist
    assert reason in staff.get(f"/deltagare/{cast.pia.pk}/plan/").content.decode()
    # Fia at FK, who is not Pia's coordinator, does not get Pia's words.
    sign_in(handler := Client(), cast.fia)
    assert reason not in handler.get("/arbetslista/").content.decode()


def test_the_person_ends_the_plan_with_e_id(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    plan = build_agreed_plan(cast).plan
    log_in_person(client, eid, cast.pia.id_number)
    url = f"/min-samla/plan/{cast.pia.pk}/avsluta/"
    assert "Avsluta planen med e-legitimation" in client.get(url).content.decode()
    pressed = client.post(url, {"note": "Jag har fått ett jobb."})
    sign(client, eid, pressed, cast.pia.id_number)
    plan.refresh_from_db()
    assert plan.state == Plan.State.CLOSED
    assert plan.close_reason == Plan.CloseReason.PERSON
    assert (plan.closed_by, plan.close_note) == (person(cast), "Jag har fått ett jobb.")
    assert "Din plan är avslutad." in client.get(PAGE).content.decode()

    sign_in(staff := Client(), cast.kim)
    worklist = staff.get("/arbetslista/").content.decode()
    assert "avslutade planen" in worklist and "Jag har fått ett jobb." in worklist


def test_ending_signed_as_someone_else_changes_nothing(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    plan = build_agreed_plan(cast).plan
    log_in_person(client, eid, cast.pia.id_number)
    pressed = client.post(f"/min-samla/plan/{cast.pia.pk}/avsluta/", {"note": ""})
    sign(client, eid, pressed, PER.value)
    plan.refresh_from_db()
    assert plan.state == Plan.State.AGREED


def test_another_person_gets_404(cast: Cast, eid: RunningProvider, client: Client) -> None:
    plan = waiting_for_pia(cast)
    Participant.objects.create(
        association=cast.association,
        controlling_organisation=cast.tyreso,
        kind=Participant.Kind.IDENTIFIED,
        id_number=PER.value,
        id_number_kind=PER.kind.value,
        first_name="Per",
        last_name="Persson",
        sex="M",
        start_year=2026,
        created_by=cast.kim,
    )
    log_in_person(client, eid, PER.value)
    base = f"/min-samla/plan/{cast.pia.pk}"
    assert client.post(f"{base}/godkann/", {"version": plan.version}).status_code == 404
    assert (
        client.post(f"{base}/inte-an/", {"version": plan.version, "reason": "x"}).status_code == 404
    )
    assert client.get(f"{base}/avsluta/").status_code == 404
    page = client.get(PAGE).content.decode()
    assert NEW_GOALS not in page and "Du har ingen plan än." in page
    assert not PlanDeferral.objects.exists()


def test_staff_no_longer_tick_digital(cast: Cast, client: Client) -> None:
    plan = revise(cast, build_agreed_plan(cast).plan)
    plan = actions.invite(plan, actor=cast.kim, version=plan.version)
    sign_in(client, cast.kim)
    url = f"/deltagare/{cast.pia.pk}/plan/godkannande/"
    assert "Digitalt" not in client.get(url).content.decode()
    refused = client.post(url, {"version": plan.version, "method": "digital"})
    assert refused.status_code == 422
    assert not PlanApproval.objects.current().filter(plan=plan, revision=2).exists()
