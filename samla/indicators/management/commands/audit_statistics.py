"""Audit an association's published statistics for differencing (issue 14 item 1, ADR 0011).

    manage.py audit_statistics "Samordningsförbundet Östra Södertörn" [--protection N]

Builds every view of every dashboard of the association, as any of its users could, with the
records behind each figure, and lists each hidden small group whose value everything published
narrows to a range narrower than the protection (default k−1). Exits with status 1 if it finds
one.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone

from samla.indicators.publication import published, scopes
from samla.organisations.models import Association
from samla.statistics.audit import audit


class Command(BaseCommand):
    help = "Audit an association's dashboards: can a hidden small group be worked out?"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("association", help="name, short name or id")
        parser.add_argument("--protection", type=int, default=None)
        parser.add_argument(
            "--scope", default="", help="audit only scopes whose title contains this"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["association"]
        by = Q(organisation__name=name) | Q(short_name=name)
        found = Association.objects.filter(by | Q(pk=name) if name.isdigit() else by).first()
        if found is None:
            raise CommandError(f"Inget förbund heter {name!r}.")
        total = 0
        for scope in scopes(found, today=timezone.localdate()):
            if options["scope"] not in scope.title:
                continue
            started = time.monotonic()
            figures = published(scope)
            findings = audit(figures, k=found.suppression_k, protection=options["protection"])
            seconds = time.monotonic() - started
            self.stdout.write(
                f"{scope.title}: {len(figures)} figures, {len(findings)} findings ({seconds:.1f} s)"
            )
            for finding in findings:
                self.stdout.write(f"  {finding}")
            total += len(findings)
        if total:
            raise CommandError(f"{total} hidden small groups can be narrowed down.", returncode=1)
