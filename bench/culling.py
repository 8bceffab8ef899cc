"""The culling run (issue 18 item 3, ADR 0022). ``BENCH_ONLY=culling``.

At each size (participants added to the demo by ``generate_data``), twenty years on, with a rule
that culls every person five years after their last entry:

- the preview of the organisation with the most people: who is due, and what they have;
- a run over a sample of ``SAMPLE`` of them, each person in a transaction of their own, as the
  task does it (checked again, audited, the run's counts kept), in ms a person;
- the floor, in the same round: ``culling.cull`` alone for another sample, in a transaction a
  person (the deletions by id and what the figures keep, without the check, the audit row and
  the run's counts).

Never a pass/fail test. The ratios say what the run adds to the deletions themselves, and
whether a person's culling grows with the data.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

import time_machine
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

SAMPLE = 100


def run(sizes: list[int]) -> None:
    from samla.accounts.models import Role, RoleAssignment, User
    from samla.organisations.models import Organisation
    from samla.people.models import Participant
    from samla.retention import actions, culling
    from samla.retention.models import CullingRun, RetentionRule, StartsFrom
    from samla.retention.tasks import carry_out_run

    call_command("load_demo_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    later = timezone.now() + timedelta(days=20 * 366)
    results: dict[int, dict[str, float]] = {}
    added = 0
    for size in sizes:
        call_command("generate_data", participants=size - added, stdout=open(os.devnull, "w"))  # noqa: SIM115
        added = size
        controller_id = (
            Participant.objects.values("controlling_organisation")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .values_list("controlling_organisation", flat=True)
            .first()
        )
        organisation = Organisation.objects.get(pk=controller_id)
        admin, _created = User.objects.get_or_create(
            username=f"bench-arkiv-{organisation.pk}", defaults={"organisation": organisation}
        )
        RoleAssignment.objects.get_or_create(user=admin, role=Role.ORG_ADMIN)
        RetentionRule.objects.update_or_create(
            organisation=organisation,
            record_type="participant",
            defaults={
                "years": 5,
                "starts_from": StartsFrom.LAST_ENTRY,
                "keeps_research_days": False,
                "decision": "Bänkprov",
                "decided_on": later.date(),
                "updated_by": admin,
            },
        )
        with time_machine.travel(later, tick=True):
            today = timezone.localdate()
            started = time.perf_counter()
            preview = actions.start_preview(organisation, actor=admin, today=today)
            preview_ms = (time.perf_counter() - started) * 1000
            assert preview is not None and len(preview.due) >= 2 * SAMPLE, "too few people"
            due = preview.due
            CullingRun.objects.filter(pk=preview.pk).update(due=due[:SAMPLE], records_due={})
            actions.approve_run(preview, actor=admin)
            started = time.perf_counter()
            carry_out_run.call(preview.pk)
            run_ms = (time.perf_counter() - started) * 1000 / SAMPLE
            started = time.perf_counter()
            for participant in Participant.objects.controlled_by(organisation.pk).filter(
                pk__in=due[SAMPLE : 2 * SAMPLE]
            ):
                with transaction.atomic():
                    culling.cull(participant)
            floor_ms = (time.perf_counter() - started) * 1000 / SAMPLE
        results[size] = {
            "participants": Participant.objects.count(),
            "the organisation's people due": len(due),
            "preview, ms": preview_ms,
            "floor: the deletions alone, ms a person": floor_ms,
            "the run, ms a person": run_ms,
            "the run against the floor": run_ms / floor_ms,
        }
        print(f"\nCulling, {size} participants added")
        for name, value in results[size].items():
            print(f"  {name:42} {value:10.1f}")
    first, last = results[sizes[0]], results[sizes[-1]]
    print(f"\nRatios, {sizes[-1]} against {sizes[0]} added (1.0 = does not grow with the data):")
    for name in ("the run, ms a person", "floor: the deletions alone, ms a person"):
        print(f"  {name:42} {last[name] / first[name]:10.2f}")
    per_person = {
        size: figures["preview, ms"] / figures["the organisation's people due"]
        for size, figures in results.items()
    }
    ratio = per_person[sizes[-1]] / per_person[sizes[0]]
    print(f"  {'preview, ms a person due':42} {ratio:10.2f}")
