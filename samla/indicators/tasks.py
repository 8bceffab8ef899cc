"""The background task that builds a release of an association's statistics (``releases.py``);
``actions.request_release`` queues it."""

from __future__ import annotations

from django_tasks import task

from samla.indicators import releases


@task()
def build_release(release_id: int) -> str:
    return releases.build(release_id)
