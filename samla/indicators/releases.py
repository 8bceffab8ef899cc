"""Building a release of an association's statistics (ADR 0012).

Every figure any user of the association can obtain (``publication.published``: every scope,
every filter, every table, margins included) is collected with the participations it counts,
``statistics.audit.protect`` hides more of them until no hidden small group can be worked out
from the rest, and what is still shown is kept as the digests of the groups of people it counts
(``ReleasedGroup``). Pages then show only those (``approval.Approval``).

Progress is written in short transactions of its own (the worker runs in autocommit), so the
page that asked for the release sees it move; the approved groups are written in one
transaction with the release's state, so a page never sees half a release.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from samla.indicators import rollups
from samla.indicators.models import Release, ReleasedGroup
from samla.indicators.recording import Recorder, digest
from samla.organisations.models import Association
from samla.statistics.audit import Published, protect

Progress = Callable[[int, str], None]


def _no_progress(percent: int, step: str) -> None:
    pass


def collect(
    association: Association, recorder: Recorder, progress: Progress = _no_progress
) -> list[Published]:
    """Every figure Samla publishes of the association (``settings.SAMLA_PUBLICATIONS``), with
    the records behind it, as ``recorder`` keeps them: a ``Recorder`` each table as suppressed
    on its own, an ``approval.ShownRecorder`` as the pages show it through a release."""
    every = settings.SAMLA_PUBLICATIONS
    with translation.override(settings.LANGUAGE_CODE):
        for number, path in enumerate(every, start=1):
            record = import_string(path)
            record(association, recorder, today=timezone.localdate())
            progress(5 + 45 * number // len(every), Release.Step.COLLECTING)
    return recorder.figures


def build(release_id: int) -> str:
    """Build the release, unless another run already took it. Returns its final state."""
    claimed = Release.objects.filter(pk=release_id, state=Release.State.QUEUED).update(
        state=Release.State.RUNNING, started_at=timezone.now(), progress=5
    )
    if not claimed:
        return "not queued"
    release = Release.objects.select_related("association").get(pk=release_id)

    def progress(percent: int, step: str) -> None:
        Release.objects.filter(pk=release_id).update(progress=percent, step=step)

    try:
        rollups.refresh()  # count everything registered until now
        figures = collect(release.association, Recorder(), progress)
        progress(50, Release.Step.PROTECTING)
        protected = protect(figures, k=release.association.suppression_k)
    except Exception:
        Release.objects.filter(pk=release_id).update(
            state=Release.State.FAILED, finished_at=timezone.now()
        )
        raise
    _finish(release, figures, protected)
    return Release.State.DONE


@transaction.atomic
def _finish(release: Release, figures: list[Published], protected: list[Published]) -> None:
    approved = {digest(f.records) for f in protected if f.shown is not None and f.records}
    ReleasedGroup.objects.bulk_create(
        [ReleasedGroup(release=release, digest=d) for d in sorted(approved)], batch_size=2000
    )
    Release.objects.filter(pk=release.pk).update(
        state=Release.State.DONE,
        step=Release.Step.FINISHED,
        progress=100,
        finished_at=timezone.now(),
        figures=len(figures),
        shown_before=sum(f.shown is not None for f in figures),
        shown=sum(f.shown is not None for f in protected),
    )
    # What pages showed before is replaced; older releases are of no further use.
    Release.objects.filter(
        association=release.association, state__in=[Release.State.DONE, Release.State.FAILED]
    ).exclude(pk=release.pk).delete()
