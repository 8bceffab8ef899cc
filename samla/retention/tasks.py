"""The culling run in the background: an approved run culled person by person, each in a
transaction of their own, its counts written as it goes so that the run's page shows the
progress; and the nightly part of the daily run."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from samla.retention import culling
from samla.retention.models import CullingRun


@task()
def carry_out_run(run_id: int) -> str:
    """Cull everyone an approved run found due who still is, then the records of the other
    types it found due in people who stay, each person in a transaction of their own; then end
    the run. Taken again after a failure, it goes on where it stopped: what is culled is gone."""
    run = CullingRun.objects.filter(pk=run_id, state=CullingRun.State.APPROVED).first()
    if run is None:
        return "not approved"
    today = timezone.localdate()
    for participant_id in run.due:
        culling.cull_one(run, participant_id, today)
    for record_type, ids in run.records_due.items():
        for participant_id, theirs in culling.records_by_person(record_type, ids).items():
            culling.cull_records_of(run, record_type, participant_id, theirs, today)
    return culling.finish_run(run).state
