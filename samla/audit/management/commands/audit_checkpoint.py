"""``manage.py audit_checkpoint``: write the chain's head as a signed line to
``SAMLA_AUDIT_CHECKPOINT_FILE`` now (the daily run does it too; samla/audit/checkpoints.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from samla.audit.checkpoints import checkpoint_file, write_checkpoint
from samla.audit.sealing import seal


class Command(BaseCommand):
    help = "Skriver granskningsloggens senaste kontrollpunkt till kontrollpunktsfilen."

    def handle(self, *args: Any, **options: Any) -> None:
        path = checkpoint_file()
        if path is None:
            raise CommandError(
                "SAMLA_AUDIT_CHECKPOINT_FILE är inte satt: ingen fil att skriva till."
            )
        seal()  # what has committed is in the checkpoint
        checkpoint = write_checkpoint()
        if checkpoint is None:
            self.stdout.write("Loggen har inga förseglade händelser ännu: ingen kontrollpunkt.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Kontrollpunkt skriven till {path}: händelse {checkpoint.seq}, {checkpoint.hash}."
            )
        )
