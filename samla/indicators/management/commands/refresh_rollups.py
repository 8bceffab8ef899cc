"""``manage.py refresh_rollups``: bring the dashboards' rollup and its year counts up to date now
(issue 17 item 2, ADR 0019).

The scheduler does it every few seconds; this is for an operator after an upgrade that marked
every participant (migrations indicators 0004 and 0006), or with the scheduler stopped.
``--rebuild`` first counts every year again from the whole rollup (``year_counts.rebuild``):
after an upgrade that changes what is counted per year, or when a refresh stops because the year
counts were changed by hand (``year_counts.OutOfStep``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from samla.indicators import rollups


class Command(BaseCommand):
    help = "Räknar om statistikens sammanställning (rollup) för alla ändrade deltagare."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Räkna först om årssummorna från hela sammanställningen.",
        )

    def handle(self, *args: Any, rebuild: bool = False, **options: Any) -> None:
        if rebuild:  # first: the refresh needs year counts that count the rollup as it is
            rollups.rebuild_year_counts()
            self.stdout.write("Årssummorna är omräknade från hela sammanställningen.")
        taken = rollups.refresh()
        self.stdout.write(f"Sammanställningen är aktuell ({taken} ändringar inräknade).")
