"""Two people at once: no lost update, and agreement happens exactly once (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.test import Client

from samla.accounts.models import User
from samla.people.tests.cast import build_cast, sign_in
from samla.plans import actions
from samla.plans.models import Plan, PlanApproval, PlanVersion
from samla.plans.tests.matrix import build_agreed_plan

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Only PostgreSQL runs concurrent writers: SQLite lets one transaction write at a "
        "time, and its in-memory test database is not shared between threads.",
    ),
    pytest.mark.django_db(transaction=True),
]


def at_once(*work: Callable[[], object]) -> list[object]:
    """Run each callable in its own thread, all released at the same moment."""
    start = threading.Barrier(len(work))
    results: list[object] = [None] * len(work)
    errors: list[BaseException] = []

    def run(index: int, job: Callable[[], object]) -> None:
        try:
            connection.ensure_connection()
            start.wait()
            results[index] = job()
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def signed_in(user: User) -> Client:
    return sign_in(Client(), user)


def test_two_simultaneous_edits_of_the_same_version_one_wins_one_is_told() -> None:
    cast = build_cast()
    plan = build_agreed_plan(cast).plan
    url = f"/deltagare/{cast.pia.pk}/plan/andra/"
    form = {
        "lead_organisation": cast.tyreso.pk,
        "follow_up_date": plan.follow_up_date.isoformat(),
        "version": plan.version,
    }
    kim, colleague = signed_in(cast.kim), signed_in(cast.kim)

    responses = at_once(
        lambda: kim.post(url, {**form, "goals": "Kims formulering"}),
        lambda: colleague.post(url, {**form, "goals": "Kollegans formulering"}),
    )

    statuses = sorted(r.status_code for r in responses)  # type: ignore[attr-defined]
    assert statuses == [302, 409]
    loser = next(r for r in responses if r.status_code == 409)  # type: ignore[attr-defined]
    saved = Plan.objects.get(pk=plan.pk)
    assert saved.goals in {"Kims formulering", "Kollegans formulering"}
    body = loser.content.decode()  # type: ignore[attr-defined]
    assert "Någon annan sparade ändringar i planen" in body
    assert "Kims formulering" in body and "Kollegans formulering" in body
    assert (saved.state, saved.revision, saved.version) == ("revised", 2, plan.version + 1)


def test_the_last_confirmation_and_the_approval_at_once_agree_the_plan_exactly_once() -> None:
    cast = build_cast()
    pias = build_agreed_plan(cast)
    plan = pias.plan
    actions.update_plan_action(pias.fk, actor=cast.kim, version=plan.version, due_date=None)
    plan.refresh_from_db()
    plan = actions.invite(plan, actor=cast.kim, version=plan.version)
    actions.confirm_plan(plan, actor=cast.kim, version=plan.version)

    at_once(
        lambda: actions.confirm_plan(plan, actor=cast.fia, version=plan.version),
        lambda: actions.record_approval(
            plan, actor=cast.kim, version=plan.version, method=PlanApproval.Method.MEETING
        ),
    )

    plan.refresh_from_db()
    assert plan.state == "agreed"
    assert list(PlanVersion.objects.filter(plan=plan).values_list("number", flat=True)) == [1, 2]
