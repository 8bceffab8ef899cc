"""Audit what an association publishes for differencing (issue 14 item 1, ADR 0012).

    manage.py audit_statistics "Samordningsförbundet Östra Södertörn" [--per-table] [--protection N]

Records every figure Samla publishes of the association (every view of every dashboard, the
annual reports, the cost per outcome: ``settings.SAMLA_PUBLICATIONS``) as its pages show it
through the current release, with the records behind each figure, and lists each small group that
is shown or that everything published narrows to a range narrower than the protection (default
k−1). With ``--per-table``, audits each table as suppressed on its own instead (ADR 0006), which
is what a release starts from. Exits with status 1 if it finds one.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from samla.indicators.approval import Approval, ShownRecorder
from samla.indicators.recording import Recorder
from samla.indicators.releases import collect
from samla.organisations.models import Association
from samla.statistics.audit import audit


class Command(BaseCommand):
    help = "Audit what an association publishes: can a hidden small group be worked out?"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("association", help="name, short name or id")
        parser.add_argument("--protection", type=int, default=None)
        parser.add_argument(
            "--per-table",
            action="store_true",
            help="audit each table as suppressed on its own, not what the current release shows",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["association"]
        by = Q(organisation__name=name) | Q(short_name=name)
        found = Association.objects.filter(by | Q(pk=name) if name.isdigit() else by).first()
        if found is None:
            raise CommandError(f"Inget förbund heter {name!r}.")
        started = time.monotonic()
        approval = Approval.current(found)
        recorder = Recorder() if options["per_table"] else ShownRecorder(approval)
        if not options["per_table"]:
            release = approval.release
            when = f"{release.finished_at:%Y-%m-%d %H:%M}" if release else "none yet"
            self.stdout.write(f"Release: {when}")
        figures = collect(found, recorder)
        findings = audit(figures, k=found.suppression_k, protection=options["protection"])
        seconds = time.monotonic() - started
        shown = sum(f.shown is not None for f in figures)
        self.stdout.write(
            f"{len(figures)} figures, {shown} shown, {len(findings)} findings ({seconds:.1f} s)"
        )
        for finding in findings:
            self.stdout.write(f"  {finding}")
        if findings:
            raise CommandError(
                f"{len(findings)} hidden small groups can be narrowed down.", returncode=1
            )
