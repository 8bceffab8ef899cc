"""Pages against a floor at 8 concurrent clients (issue 17 item 3): the participant list, a
search by name, the start page and a participant's page, each p50/p95 beside a bare view that
runs one query by primary key and renders a minimal template (``bench/urls.py``, only in the
benchmark's URLconf). Beside them, the same query as a page of Samla's (the site's layout and
one audit row): what any page costs before it shows anything of its own. Run with
``BENCH_ONLY=pages``; sizes from ``BENCH_SIZES``.

Each client is a thread with its own Django test Client (and so its own database connection).
The pages and the floor are measured interleaved, round by round, so that a busy moment of the
machine falls on both.
"""

from __future__ import annotations

import os
import statistics
import threading
import time

from django.core.management import call_command
from django.test import Client

CLIENTS = 8
ROUNDS = 8  # interleaved rounds per size: 320 samples each, so that a p95 is not one bad moment
REQUESTS = 5  # per client per target per round


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _hammer(clients: list[Client], url: str, samples: list[float]) -> None:
    """Every client requests ``url`` REQUESTS times, all at once; latencies in ms."""
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients))

    def work(client: Client) -> None:
        from django.db import connection

        mine = []
        barrier.wait()
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get(url)
            mine.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        connection.close()
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _clients(username: str) -> list[Client]:
    from samla.accounts.models import User

    user = User.objects.get(username=username)
    clients = []
    for _ in range(CLIENTS):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def _measure(targets: dict[str, tuple[list[Client], str]]) -> dict[str, tuple[float, float]]:
    samples: dict[str, list[float]] = {name: [] for name in targets}
    for clients, url in targets.values():
        clients[0].get(url)  # warm caches
    for _ in range(ROUNDS):
        for name, (clients, url) in targets.items():
            _hammer(clients, url, samples[name])
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
    as_handler, as_coordinator = _clients(handler_name), _clients(coordinator_name)

    results: dict[int, dict[str, tuple[float, float]]] = {}
    added = 0
    for size in sizes:
        call_command("generate_data", participants=size - added, stdout=open(os.devnull, "w"))  # noqa: SIM115
        added = size
        one = Participant.objects.visible_to(handler).order_by("pk").first()
        assert one is not None
        targets: dict[str, tuple[list[Client], str]] = {
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


def main(engine: str, sizes: list[int]) -> None:
    print(f"Samla benchmarks on {engine}: pages against a floor, {CLIENTS} clients")
    run(sizes)
