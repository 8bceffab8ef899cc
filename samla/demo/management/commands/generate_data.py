"""Add many invented participants to an association, for load tests and benchmarks."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from samla.demo import data
from samla.organisations.models import Association


class Command(BaseCommand):
    help = (
        "Lägger till påhittade deltagare med team och samtycken i ett samordningsförbund. "
        "Läser in demodata först om inget förbund finns."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--participants", type=int, required=True, help="Antal deltagare.")
        parser.add_argument(
            "--association",
            help="Förbundets kortnamn, till exempel Sofint. Utan det: det första förbundet.",
        )
        parser.add_argument("--seed", type=int, default=data.DEMO_SEED, help="Slumpfrö.")

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["participants"]
        if count < 1:
            raise CommandError("--participants måste vara minst 1.")
        if not Association.objects.exists():
            self.stdout.write("Inget samordningsförbund finns; läser in demodata först.")
            data.load_demo()
        short_name: str | None = options["association"]
        if short_name:
            association = Association.objects.filter(short_name=short_name).first()
            if association is None:
                raise CommandError(f"Inget samordningsförbund heter {short_name!r}.")
        else:
            association = Association.objects.order_by("short_name", "pk").first()
            assert association is not None

        started = time.perf_counter()
        try:
            summary = data.generate_participants(association, count, seed=options["seed"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        if connection.vendor == "postgresql":
            # PostgreSQL plans with the statistics of the tables as they were: right after a large
            # load a list would be planned for empty tables until autovacuum analyses them, within
            # a minute or so. Analyse now, so that what runs next (a benchmark) sees them as they
            # are.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"{association}: {elapsed:.1f} s, {summary.total_rows()} rader.")
        )
        for line in summary.lines():
            self.stdout.write(line)
