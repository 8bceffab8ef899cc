"""Notices about plan actions: on assignment, and the daily run's due-soon and overdue mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from samla.notifications.models import Kind, Notice, Preference
from samla.people import actions as people_actions
from samla.people.tests.cast import Cast
from samla.plans.models import PlanAction
from samla.plans.reminders import send_due_reminders
from samla.plans.tests.matrix import build_agreed_plan


def run_worker() -> None:
    call_command("db_worker", batch=True, reload=False, verbosity=0)


def notices(kind: Kind) -> set[tuple[str, int]]:
    return {
        (n.user.username, int(n.object_id))
        for n in Notice.objects.filter(kind=kind).select_related("user")
    }


# The worker closes its database connection when done, as in production: the tests that run it
# commit for real (transaction=True) instead of inside a test transaction.
@pytest.mark.django_db(transaction=True)
def test_assigning_an_action_tells_the_responsible_person_after_commit(cast: Cast) -> None:
    pias = build_agreed_plan(cast)
    assert ("fia", pias.fk.pk) in notices(Kind.ASSIGNED)
    run_worker()
    to_fia = [m for m in mail.outbox if m.to == ["fia@example.se"]]
    assert len(to_fia) == 1
    assert to_fia[0].subject == "Samla: du har fått en ny uppgift"
    assert "/arbetslista/" in to_fia[0].body
    for secret in ("Pia", "Persson", "Arbetsträning", "kurator"):
        assert secret not in to_fia[0].body


def test_the_daily_run_reminds_of_overdue_and_due_soon_actions_once(
    cast: Cast, time_machine
) -> None:
    pias = build_agreed_plan(cast)
    fk_due = pias.fk.due_date
    assert fk_due is not None
    time_machine.move_to(fk_due - timedelta(days=2))
    send_due_reminders()
    assert ("fia", pias.fk.pk) in notices(Kind.DUE_SOON)
    assert ("fia", pias.fk.pk) not in notices(Kind.OVERDUE)
    time_machine.move_to(fk_due + timedelta(days=1))
    send_due_reminders()
    send_due_reminders()
    assert Notice.objects.filter(kind=Kind.OVERDUE, object_id=str(pias.fk.pk)).count() == 1


def test_a_user_chooses_how_many_days_ahead(cast: Cast, time_machine) -> None:
    pias = build_agreed_plan(cast)
    Preference.objects.create(user=cast.fia, due_soon_days=10, on_overdue=False)
    assert pias.fk.due_date is not None
    time_machine.move_to(pias.fk.due_date - timedelta(days=8))
    send_due_reminders()
    assert ("fia", pias.fk.pk) in notices(Kind.DUE_SOON)
    time_machine.move_to(pias.fk.due_date + timedelta(days=3))
    send_due_reminders()
    assert ("fia", pias.fk.pk) not in notices(Kind.OVERDUE)


def test_no_reminder_about_work_one_can_no_longer_open(cast: Cast, time_machine) -> None:
    pias = build_agreed_plan(cast)
    people_actions.withdraw_consent(cast.consent_fk, actor=cast.kim, reason="Pia ångrade sig.")
    assert pias.fk.due_date is not None
    time_machine.move_to(pias.fk.due_date + timedelta(days=1))
    send_due_reminders()
    assert ("fia", pias.fk.pk) not in notices(Kind.OVERDUE)
    assert ("kim", pias.health.pk) in notices(Kind.OVERDUE)


def test_done_actions_and_closed_plans_are_not_reminded(cast: Cast, time_machine) -> None:
    pias = build_agreed_plan(cast)
    PlanAction.objects.filter(pk=pias.fk.pk).update(status=PlanAction.Status.DONE)
    assert pias.fk.due_date is not None
    time_machine.move_to(pias.fk.due_date + timedelta(days=1))
    send_due_reminders()
    assert ("fia", pias.fk.pk) not in notices(Kind.OVERDUE)


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_runs_the_reminders_through_the_worker(cast: Cast, time_machine) -> None:
    pias = build_agreed_plan(cast)
    assert pias.fk.due_date is not None
    time_machine.move_to(pias.fk.due_date + timedelta(days=1))
    mail.outbox.clear()
    call_command("run_scheduler", once=True, verbosity=0)
    run_worker()  # runs the daily task, which queues the notices
    run_worker()  # sends them
    subjects = {m.subject for m in mail.outbox if m.to == ["fia@example.se"]}
    assert "Samla: en uppgift är försenad" in subjects
    assert timezone.localdate() > pias.fk.due_date
