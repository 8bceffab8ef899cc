"""Load the demo: the two associations of the seeds, their members, users and participants."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from samla.demo import data
from samla.demo.logins import logins_table
from samla.indicators.actions import request_release
from samla.organisations.models import Association


class Command(BaseCommand):
    help = (
        "Läser in demodata: Sofint och Östra Södertörn med medlemmar, användare och ett par "
        "hundra påhittade deltagare. Gör ingenting om demodata redan finns."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if data.demo_loaded():
            self.stdout.write("Demodata finns redan.")
            data.give_identity_numbers()
        else:
            started = time.perf_counter()
            summary = data.load_demo()
            elapsed = time.perf_counter() - started
            self.stdout.write(self.style.SUCCESS(f"Demodata inläst på {elapsed:.1f} s:"))
            for line in summary.lines():
                self.stdout.write(line)
            for association in Association.objects.order_by("pk"):
                request_release(association, actor=None)
            self.stdout.write(
                "Statistiken sammanställs i bakgrunden; tills den är klar visar statistiksidorna –."
            )
        self.stdout.write("")
        self.stdout.write(logins_table())
