"""Pages against a floor at 8 concurrent clients (issue 17 item 3): the participant list, a
search by name, the start page and a participant's page, each p50/p95 beside a bare view that
runs one query by primary key and renders a minimal template (``bench/urls.py``, only in the
benchmark's URLconf). Beside them, the same query as a page of Samla's (the site's layout and
one audit row): what any page costs before it shows anything of its own. Run with
``BENCH_ONLY=pages``; sizes from ``BENCH_SIZES``.

Each client is a thread with its own Django test Client (and so its own database connection,
kept through a size's rounds). ``BENCH_PREPARED=1`` measures with prepared statements (ADR 0020).
The pages and the floor are measured interleaved, round by round, so that a busy moment of the
machine falls on both.
"""

from __future__ import annotations

import os
import queue
import statistics
import threading
import time

from django.core.management import call_command
from django.test import Client

CLIENTS = 8
ROUNDS = 8  # interleaved rounds per size: 320 samples each, so that a p95 is not one bad moment
REQUESTS = 5  # per client per target per round
# Measure with prepared statements on PostgreSQL (ADR 0020, proposed); the data is written without.
PREPARED = os.environ.get("BENCH_PREPARED") == "1"


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class _Clients:
    """CLIENTS threads, each with its own test Client signed in as one user and so its own
    database connection, kept from request to request through a size's rounds, as production
    keeps it (``DATABASE_CONN_MAX_AGE``): a page is not charged for opening a connection, and
    prepared statements (ADR 0020) live as long as they would on a server."""

    def __init__(self, username: str) -> None:
        from samla.accounts.models import User

        user = User.objects.get(username=username)
        self._jobs: list[queue.Queue[str | None]] = [queue.Queue() for _ in range(CLIENTS)]
        self._done: queue.Queue[list[float] | BaseException] = queue.Queue()
        self._barrier = threading.Barrier(CLIENTS)
        self._threads = []
        for jobs in self._jobs:
            client = Client()
            client.force_login(user)
            thread = threading.Thread(target=self._work, args=(client, jobs), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _work(self, client: Client, jobs: queue.Queue[str | None]) -> None:
        from django.db import connection

        while (url := jobs.get()) is not None:
            mine: list[float] = []
            self._barrier.wait()
            try:
                for _ in range(REQUESTS):
                    started = time.perf_counter()
                    response = client.get(url)
                    mine.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (url, response.status_code)
            except BaseException as error:  # told to the main thread, which stops the run
                self._done.put(error)
            else:
                self._done.put(mine)
        connection.close()

    def hammer(self, url: str, samples: list[float]) -> None:
        """Every client requests ``url`` REQUESTS times, all at once; latencies in ms."""
        for jobs in self._jobs:
            jobs.put(url)
        for _ in self._jobs:
            answer = self._done.get(timeout=600)
            if isinstance(answer, BaseException):
                raise answer
            samples.extend(answer)

    def close(self) -> None:
        for jobs in self._jobs:
            jobs.put(None)
        for thread in self._threads:
            thread.join()


def _measure(targets: dict[str, tuple[_Clients, str]]) -> dict[str, tuple[float, float]]:
    samples: dict[str, list[float]] = {name: [] for name in targets}
    for clients, url in targets.values():
        clients.hammer(url, [])  # warm caches, and the connections
    for _ in range(ROUNDS):
        for name, (clients, url) in targets.items():
            clients.hammer(url, samples[name])
    return {
        name: (statistics.median(values), _percentile(values, 0.95))
        for name, values in samples.items()
    }


def run(sizes: list[int]) -> None:
    from samla.accounts.models import User
    from samla.people.models import Participant

    call_command("migrate", verbosity=0)
    call_command("load_demo_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    handler_name, coordinator_name = "handlaggare.fk.sofint", "koordinator.lindesberg"
    handler = User.objects.get(username=handler_name)
    coordinator = User.objects.get(username=coordinator_name)

    results: dict[int, dict[str, tuple[float, float]]] = {}
    added = 0
    for size in sizes:
        call_command("generate_data", participants=size - added, stdout=open(os.devnull, "w"))  # noqa: SIM115
        added = size
        one = Participant.objects.visible_to(handler).order_by("pk").first()
        assert one is not None
        prepared(PREPARED)
        as_handler, as_coordinator = _Clients(handler_name), _Clients(coordinator_name)
        targets: dict[str, tuple[_Clients, str]] = {
            "floor": (as_handler, f"/bench/golv/{one.pk}/"),
            "bare page (layout + audit)": (as_handler, f"/bench/tom-sida/{one.pk}/"),
            "participant list": (as_handler, "/deltagare/"),
            "search by name": (as_handler, "/deltagare/?q=ander"),
            "start page (coordinator)": (as_coordinator, "/"),
            "participant page": (as_handler, f"/deltagare/{one.pk}/"),
        }
        print(
            f"\n{Participant.objects.count()} participants; the FK handler sees "
            f"{Participant.objects.visible_to(handler).count()}, the coordinator "
            f"{Participant.objects.visible_to(coordinator).count()}"
        )
        figures = _measure(targets)
        as_handler.close()
        as_coordinator.close()
        prepared(False)  # the next size's data is written with values in the text
        results[size] = figures
        floor_p50, floor_p95 = figures["floor"]
        print(f"  {'':28} {'p50 ms':>9} {'p95 ms':>9} {'p50/floor':>10} {'p95/floor':>10}")
        for name, (p50, p95) in figures.items():
            print(
                f"  {name:28} {p50:9.1f} {p95:9.1f} {p50 / floor_p50:10.2f} {p95 / floor_p95:10.2f}"
            )

    first, last = results[sizes[0]], results[sizes[-1]]
    print(f"\np95 ratio, {sizes[-1]} against {sizes[0]} added (1.0 = does not grow with the data):")
    for name in first:
        print(f"  {name:28} {last[name][1] / first[name][1]:10.2f}")


def prepared(on: bool) -> None:
    """Whether the connections opened from now on bind values on the server, so that psycopg
    prepares what they run again and again (ADR 0020)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        connection.settings_dict["OPTIONS"]["server_side_binding"] = on


def main(engine: str, sizes: list[int]) -> None:
    with_prepared = " with prepared statements (BENCH_PREPARED=1)" if PREPARED else ""
    print(f"Samla benchmarks on {engine}: pages against a floor, {CLIENTS} clients{with_prepared}")
    run(sizes)
