"""``python -m bench``: how Samla's hot paths scale with the data. Prints figures and ratios.

Runs against its own database: a fresh SQLite file in ``var/`` by default, or the database that
``BENCH_DATABASE_URL`` names (for example a throwaway PostgreSQL from ``scripts/test-postgres``,
which exports ``DATABASE_URL``: ``scripts/test-postgres make bench`` uses that one). The sizes can
be set with ``BENCH_SIZES`` (default ``1000,20000``: participants added to the demo data).
``BENCH_ONLY=import`` runs only the import of history (``bench/imports.py``), on a fresh database;
``BENCH_ONLY=indicators`` only the dashboards against hand-written SQL (``bench/indicators.py``);
``BENCH_ONLY=pages`` only the list, search, start and participant pages against a bare-view floor
at 8 clients (``bench/pages.py``); ``BENCH_ONLY=audit`` only the access log: record() against
plain INSERTs at 1 and 8 threads, a 24 000-person file beside another user's reads, the sealer
(``bench/audit.py``); ``BENCH_ONLY=culling`` only the culling run against the deletions alone
(``bench/culling.py``).

Never a pass/fail test: timings on a shared two-core machine vary. The ratios say whether a path
grows with the data (ratio near 1 = it does not).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 15


def configure() -> str:
    sys.path.insert(0, str(ROOT))
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        path = ROOT / "var" / "bench.sqlite3"
        path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SAMLA_REQUIRE_MFA"] = "0"
    # Generating 300 000 participations takes statements longer than a page's 30 s limit.
    os.environ.setdefault("SAMLA_PG_STATEMENT_TIMEOUT_MS", "0")
    import django

    django.setup()
    return url.split(":", 1)[0]


def timings_ms(action: Callable[[], object], repeats: int = REPEATS) -> list[float]:
    """``repeats`` timings of ``action`` after a first run that warms caches and connections,
    in ms, sorted."""
    action()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return sorted(samples)


def median_ms(action: Callable[[], object], repeats: int = REPEATS) -> float:
    return statistics.median(timings_ms(action, repeats))


def percentiles(action: Callable[[], object], repeats: int) -> tuple[float, float]:
    """p50 and p95 in ms."""
    samples = timings_ms(action, repeats)
    return statistics.median(samples), samples[min(len(samples) - 1, round(0.95 * len(samples)))]


def main() -> int:
    if os.environ.get("BENCH_ONLY") == "pages":
        # The floor view lives in the benchmark's URLconf only (bench/urls.py).
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    engine = configure()
    from django.core.management import call_command

    if os.environ.get("BENCH_ONLY") == "pages":
        from bench import pages

        pages.main(engine, [int(n) for n in os.environ.get("BENCH_SIZES", "1000,20000").split(",")])
        return 0

    if os.environ.get("BENCH_ONLY") == "import":
        from bench import imports

        print(f"Samla benchmarks on {engine}: the import of history only")
        call_command("migrate", verbosity=0)
        imports.run()
        return 0
    if os.environ.get("BENCH_ONLY") == "audit":
        from bench import audit

        print(f"Samla benchmarks on {engine}: the access log only")
        call_command("migrate", verbosity=0)
        audit.run()
        return 0
    if os.environ.get("BENCH_ONLY") == "culling":
        from bench import culling

        sizes = [int(n) for n in os.environ.get("BENCH_SIZES", "1000,5000").split(",")]
        print(f"Samla benchmarks on {engine}: the culling run only")
        call_command("migrate", verbosity=0)
        culling.run(sizes)
        return 0
    if os.environ.get("BENCH_ONLY") == "indicators":
        from bench import indicators

        print(f"Samla benchmarks on {engine}: the dashboards only")
        call_command("migrate", verbosity=0)
        call_command("load_demo_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        indicators.run()
        return 0
    from django.test import Client

    from samla.accounts.models import User
    from samla.people.models import Participant

    sizes = [int(n) for n in os.environ.get("BENCH_SIZES", "1000,20000").split(",")]
    print(f"Samla benchmarks on {engine}; participants added per step: {sizes}")
    call_command("migrate", verbosity=0)
    call_command("load_demo_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115

    # generate_data adds to Sofint: the FK handler there sees more and more people, while the
    # Tyresö coordinator in Östra Södertörn sees the same few as the data around them grows.
    handler = User.objects.get(username="handlaggare.fk.sofint")
    client = Client()
    client.force_login(handler)
    bystander = Client()
    bystander.force_login(User.objects.get(username="koordinator.tyreso"))

    results: dict[int, dict[str, float]] = {}
    added = 0
    for size in sizes:
        started = time.perf_counter()
        call_command("generate_data", participants=size - added, stdout=open(os.devnull, "w"))  # noqa: SIM115
        generated_per_s = (size - added) / (time.perf_counter() - started)
        added = size
        total = Participant.objects.count()
        visible = Participant.objects.visible_to(handler).count()
        one = Participant.objects.visible_to(handler).order_by("pk").first()
        assert one is not None
        figures = {
            "participants": total,
            "visible to the FK handler": visible,
            "generate_data, participants/s": generated_per_s,
            "participant list page, ms": median_ms(lambda: client.get("/deltagare/")),
            "search by name page, ms": median_ms(lambda: client.get("/deltagare/?q=ander")),
            "start page, ms": median_ms(lambda: client.get("/")),
            "participant overview, ms": median_ms(partial(client.get, f"/deltagare/{one.pk}/")),
            "list page, same-size caseload, ms": median_ms(partial(bystander.get, "/deltagare/")),
        }
        results[size] = figures
        print(f"\n{total} participants")
        for name, value in figures.items():
            print(f"  {name:36} {value:10.1f}")

    first, last = results[sizes[0]], results[sizes[-1]]
    print(f"\nRatios, {sizes[-1]} against {sizes[0]} added (1.0 = does not grow with the data):")
    for name in (
        "list page, same-size caseload, ms",
        "participant list page, ms",
        "search by name page, ms",
        "start page, ms",
        "participant overview, ms",
    ):
        print(f"  {name:36} {last[name] / first[name]:10.2f}")

    from bench import audit, imports, indicators

    audit.run()
    imports.run()
    indicators.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
