"""Samla's clock: seals the access log's new events into its hash chain every
``SAMLA_AUDIT_SEAL_SECONDS`` (ADR 0017), runs each function ``SAMLA_FREQUENT_TASKS`` lists at the
same pace (the dashboards' rollup), and queues Samla's daily work once a day at
``SAMLA_DAILY_RUN_AT`` (local time). ``make run`` starts it beside the task worker; in
production, run it as one long-lived process (or call ``run_scheduler --once`` and
``seal_audit`` from cron)."""

from __future__ import annotations

import time as clock
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.module_loading import import_string

from samla.audit.sealing import seal
from samla.notifications.tasks import run_daily


def next_run(now: datetime, at: time) -> datetime:
    """The next moment at local time ``at`` strictly after ``now`` (an aware datetime)."""
    local = timezone.localtime(now)
    candidate = timezone.make_aware(datetime.combine(local.date(), at))
    if candidate <= local:
        candidate = timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), at))
    return candidate


class Command(BaseCommand):
    help = (
        "Förseglar granskningsloggens nya händelser med några sekunders mellanrum och köar "
        "Samlas dagliga körning (påminnelser) en gång om dagen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Köa körningen nu och avsluta.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            run_daily.enqueue()
            self.stdout.write("Daglig körning köad.")
            return
        at = time.fromisoformat(settings.SAMLA_DAILY_RUN_AT)
        every = timedelta(seconds=settings.SAMLA_AUDIT_SEAL_SECONDS)
        frequent = [import_string(path) for path in settings.SAMLA_FREQUENT_TASKS]
        due = self._next(at)
        while True:
            sealed = seal()
            if sealed.refused:  # seal() logs each; say it where the operator looks too
                self.stderr.write(f"Ej förseglade, kontrollsumman stämmer inte: {sealed.refused}")
            for task in frequent:
                task()
            if timezone.now() >= due:
                run_daily.enqueue()
                due = self._next(at)
            clock.sleep(max(0.0, min(every, due - timezone.now()).total_seconds()))

    def _next(self, at: time) -> datetime:
        due = next_run(timezone.now(), at)
        self.stdout.write(f"Nästa dagliga körning: {timezone.localtime(due):%Y-%m-%d %H:%M}")
        return due
