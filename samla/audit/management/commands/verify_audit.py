"""``manage.py verify_audit``: prove that nobody has changed, removed or inserted log rows.

Run it on a schedule; a non-zero exit status means the log has been tampered with. The checking
itself is ``samla.audit.chain.verify_chain``, which the log review pages use too, and then
``samla.audit.checkpoints.verify_checkpoints``: the chain against its signed heads kept outside
the database, which show a log cut short or wiped together with its head.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from samla.audit.chain import CHUNK_SIZE, verify_chain
from samla.audit.checkpoints import checkpoint_file, verify_checkpoints


class Command(BaseCommand):
    help = "Kontrollerar att granskningsloggens kedja är hel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=CHUNK_SIZE,
            help="Hur många händelser som läses från databasen åt gången.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain(chunk_size=options["chunk_size"])
        if not report.ok:
            raise CommandError(
                f"Granskningsloggen är inte hel. {report.problem} "
                f"({report.checked} händelser före felet är hela.)"
            )
        checkpoints = verify_checkpoints()
        if not checkpoints.ok:
            raise CommandError(
                f"Granskningsloggen stämmer inte med kontrollpunkterna utanför databasen. "
                f"{checkpoints.problem}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Granskningsloggen är hel: {report.checked} händelser kontrollerade."
            )
        )
        if checkpoints.checked:
            self.stdout.write(
                f"Loggen stämmer med {checkpoints.checked} signerade kontrollpunkter i "
                f"{checkpoint_file()}."
            )
        elif checkpoint_file() is None:
            self.stdout.write(
                "Ingen kontrollpunktsfil är satt (SAMLA_AUDIT_CHECKPOINT_FILE): en logg som "
                "har kortats eller tömts tillsammans med kedjans huvud syns inte."
            )
        if report.unsealed:
            oldest = timezone.localtime(report.oldest_unsealed)
            self.stdout.write(
                f"{report.unsealed} nya händelser är hela men ännu inte förseglade i kedjan "
                f"(den äldsta från {oldest:%Y-%m-%d %H:%M:%S}). Schemaläggaren förseglar dem "
                "inom några sekunder; ligger den efter, kör seal_audit."
            )
