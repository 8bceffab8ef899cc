"""``manage.py refresh_rollups``: bring the dashboards' rollup up to date now (issue 17 item 2).

The scheduler does it every few seconds; this is for an operator after an upgrade that marked
every participant (migration indicators 0004), or with the scheduler stopped."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from samla.indicators import rollups


class Command(BaseCommand):
    help = "Räknar om statistikens sammanställning (rollup) för alla ändrade deltagare."

    def handle(self, *args: Any, **options: Any) -> None:
        taken = rollups.refresh()
        self.stdout.write(f"Sammanställningen är aktuell ({taken} ändringar inräknade).")
