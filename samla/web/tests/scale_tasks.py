"""A task for test_scale_out.py alone: it records its run in a table that test makes. Nothing in
the product imports this module, so it is in no URLconf and not in the daily run's list; the
workers find it by the dotted path stored with each queued task."""

from __future__ import annotations

import os
import time

from django.db import connection
from django_tasks import task


@task()
def record_run(number: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO scale_out_runs (number, worker) VALUES (%s, %s)", [number, os.getpid()]
        )
    time.sleep(0.05)  # long enough that both workers take some of the queue
