"""Queue Samla's daily work once a day at ``SAMLA_DAILY_RUN_AT`` (local time). ``make run``
starts it beside the task worker; in production, run it as one long-lived process (or call
``run_scheduler --once`` from cron)."""

from __future__ import annotations

import time as clock
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from samla.notifications.tasks import run_daily


def next_run(now: datetime, at: time) -> datetime:
    """The next moment at local time ``at`` strictly after ``now`` (an aware datetime)."""
    local = timezone.localtime(now)
    candidate = timezone.make_aware(datetime.combine(local.date(), at))
    if candidate <= local:
        candidate = timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), at))
    return candidate


class Command(BaseCommand):
    help = "Köar Samlas dagliga körning (påminnelser) en gång om dagen."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Köa körningen nu och avsluta.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            run_daily.enqueue()
            self.stdout.write("Daglig körning köad.")
            return
        at = time.fromisoformat(settings.SAMLA_DAILY_RUN_AT)
        while True:
            due = next_run(timezone.now(), at)
            self.stdout.write(f"Nästa dagliga körning: {timezone.localtime(due):%Y-%m-%d %H:%M}")
            clock.sleep(max(0.0, (due - timezone.now()).total_seconds()))
            run_daily.enqueue()
