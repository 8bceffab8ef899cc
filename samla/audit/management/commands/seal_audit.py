"""``manage.py seal_audit``: give every committed event its place in the hash chain now.

The scheduler does this every ``SAMLA_AUDIT_SEAL_SECONDS``; run it by hand after an import or a
restore, or from cron where no scheduler runs. Exits non-zero if an event was refused because
it does not match its own mac (ADR 0017).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from samla.audit.sealing import seal


class Command(BaseCommand):
    help = "Förseglar granskningsloggens nya händelser i kedjan."

    def handle(self, *args: Any, **options: Any) -> None:
        sealed = seal()
        self.stdout.write(f"{sealed.count} händelser förseglade.")
        if sealed.refused:
            ids = ", ".join(map(str, sealed.refused))
            raise CommandError(
                f"Händelserna med id {ids} stämmer inte med sina kontrollsummor och förseglades "
                "inte. Granskningsloggen kan ha ändrats: kör verify_audit."
            )
