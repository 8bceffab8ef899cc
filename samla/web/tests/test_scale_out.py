"""Beyond one machine (issue 17 item 5): two app servers (gunicorn, config/gunicorn.py) behind
nginx, two task workers and one PostgreSQL with a streaming replica, all started here once for
the module. Every task runs exactly once, a session moves between the servers, two edits at once
through the two servers lose nothing, and the dashboard's counts are read on the replica while
a person's page and its audit row stay on the primary.

PostgreSQL only: it needs the throwaway cluster of scripts/test-postgres (a replica is made of
it with pg_basebackup) and a database that several processes share. nginx is Debian's package
(.ci/run installs it): without it these tests are skipped, and under CI=true they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoDbBlocker

from samla.accounts.models import User
from samla.activities.tests.builders import individual
from samla.audit.models import AuditEvent
from samla.people.tests.cast import build_cast
from samla.plans.models import Plan
from samla.plans.tests.matrix import build_agreed_plan
from samla.web.tests import processes
from samla.web.tests.scale_tasks import record_run

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Several servers share one database only on PostgreSQL (and only it has replicas).",
    ),
    pytest.mark.django_db(transaction=True),
]

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
PASSWORD = "en-lång-lösenfras-för-servrarna"


def _nginx() -> str:
    if NGINX is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx not found: .ci/run installs Debian's package nginx")
        pytest.skip("nginx not found (apt-get install nginx)")
    return NGINX


def _pg_bin() -> Path:
    named = os.environ.get("SAMLA_PG_BIN")  # scripts/test-postgres says which binaries it used
    candidates = [Path(named)] if named else sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    for candidate in reversed(candidates):
        if (candidate / "pg_basebackup").exists():
            return candidate
    pytest.fail("PostgreSQL's pg_basebackup not found (set SAMLA_PG_BIN)")


def _as_postgres(*command: str | Path) -> list[str]:
    """Root hands the replica to the postgres user, as scripts/test-postgres does the cluster."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return prefix + [str(part) for part in command]


@dataclass(frozen=True)
class Replica:
    socket_dir: str
    port: int
    log: Path

    def log_size(self) -> int:
        return self.log.stat().st_size

    def statements_since(self, offset: int, database: str) -> list[str]:
        """What the replica was asked in ``database`` since ``offset`` of its log."""
        with self.log.open("rb") as log:
            log.seek(offset)
            lines = log.read().decode(errors="replace").splitlines()
        return [
            line
            for line in lines
            if line.startswith(f"{database}|") and ("statement:" in line or "execute" in line)
        ]


@pytest.fixture(scope="module")
def primary(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> tuple[str, int]:
    """The test cluster's socket directory and port (DATABASE_URL gives them as options)."""
    with django_db_blocker.unblock(), connection.cursor():
        info = connection.connection.info
        return info.host, info.port


@pytest.fixture(scope="module")
def replica(primary: tuple[str, int]) -> Iterator[Replica]:
    """A streaming replica of the test cluster: pg_basebackup -R into a fresh directory, started
    on a free port with every statement logged, the database's name first on each line."""
    host, port = primary
    bin_dir = _pg_bin()
    work = Path(tempfile.mkdtemp(prefix="samla-replica.", dir="/tmp"))  # a short socket path
    data = work / "data"
    if os.geteuid() == 0:
        shutil.chown(work, "postgres")
    done = subprocess.run(
        _as_postgres(
            bin_dir / "pg_basebackup",
            *("-h", host, "-p", str(port), "-U", connection.settings_dict["USER"]),
            *("-D", data, "-R", "-X", "stream", "-c", "fast"),
        ),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    port = processes.free_port()
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(
            f"port = {port}\nunix_socket_directories = '{work}'\nlisten_addresses = ''\n"
            "hot_standby = on\nlog_statement = 'all'\nlog_line_prefix = '%d|'\n"
            "logging_collector = off\n"
        )
    log = work / "server.log"
    done = subprocess.run(
        _as_postgres(bin_dir / "pg_ctl", "start", "-D", data, "-l", log, "-w", "-t", "60"),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr + (log.read_text() if log.exists() else "")
    try:
        yield Replica(socket_dir=str(work), port=port, log=log)
    finally:
        subprocess.run(
            _as_postgres(bin_dir / "pg_ctl", "stop", "-D", data, "-m", "immediate", "-w"),
            capture_output=True,
        )
        shutil.rmtree(work, ignore_errors=True)


@dataclass(frozen=True)
class Site:
    url: str  # nginx
    servers: tuple[str, str]  # the two gunicorns, each on its own


def _database_url(host: str, port: int | str) -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@/{settings['NAME']}?host={host}&port={port}"


NGINX_CONF = """\
{user}worker_processes 1;
pid {work}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    upstream samla {{
        server 127.0.0.1:{first};
        server 127.0.0.1:{second};
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://samla;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


@pytest.fixture(scope="module")
def site(
    primary: tuple[str, int], replica: Replica, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """nginx, round robin over two gunicorns, and two task workers: all on the test database,
    with the replica for heavy reads."""
    nginx = _nginx()
    work = tmp_path_factory.mktemp("site")
    env = processes.own_env(
        DATABASE_URL=_database_url(*primary),
        DATABASE_REPLICA_URL=_database_url(replica.socket_dir, replica.port),
        SAMLA_REQUIRE_MFA="0",
        SAMLA_TRUSTED_PROXIES="1",
        WEB_CONCURRENCY="1",
        SAMLA_THREADS="4",
    )
    ports = (processes.free_port(), processes.free_port())
    started: list[subprocess.Popen[bytes]] = []
    try:
        for number, port in enumerate(ports):
            started.append(
                processes.start_gunicorn(
                    env | {"SAMLA_BIND": f"127.0.0.1:{port}"}, log=work / f"web{number}.log"
                )
            )
        for number in range(2):
            started.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "db_worker", "--interval", "0.1"],
                    cwd=processes.ROOT,
                    env=env,
                    stdout=(work / f"worker{number}.log").open("wb"),
                    stderr=subprocess.STDOUT,
                )
            )
        port = processes.free_port()
        conf = work / "nginx.conf"
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf.write_text(
            NGINX_CONF.format(user=user, work=work, first=ports[0], second=ports[1], port=port)
        )
        started.append(
            subprocess.Popen(
                [
                    nginx,
                    "-p",
                    str(work),
                    "-e",
                    str(work / "error.log"),
                    "-c",
                    str(conf),
                    "-g",
                    "daemon off;",
                ],
                stdout=subprocess.DEVNULL,
                stderr=(work / "nginx.log").open("wb"),
            )
        )
        servers = (f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}")
        for url in (*servers, f"http://127.0.0.1:{port}"):
            processes.wait_until_up(url, *started)
        yield Site(url=f"http://127.0.0.1:{port}", servers=servers)
    finally:
        processes.stop(*reversed(started))


def _with_password(user: User) -> User:
    """The servers check passwords with Django's own hasher (the tests' MD5 is not theirs)."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
    return user


def _csrf_token(page: httpx.Response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match[1]


def _signed_in(url: str, user: User) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=30)
    login = client.get("/konto/logga-in/")
    response = client.post(
        "/konto/logga-in/",
        data={
            "username": user.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": _csrf_token(login),
        },
    )
    assert response.status_code == 302, response.text[:1000]
    return client


def test_two_workers_run_every_task_exactly_once(site: Site) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE scale_out_runs (number integer NOT NULL, worker integer)")
    try:
        for number in range(50):
            record_run.enqueue(number)
        deadline = time.monotonic() + 120
        while DBTaskResult.objects.exclude(status="SUCCESSFUL").exists():
            assert time.monotonic() < deadline, "the workers did not finish the queue"
            time.sleep(0.2)
        time.sleep(0.5)  # a second run of a task, were there one, would have started by now
        with connection.cursor() as cursor:
            cursor.execute("SELECT number, worker FROM scale_out_runs")
            runs = cursor.fetchall()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE scale_out_runs")

    assert sorted(number for number, _ in runs) == list(range(50))  # each once, none twice
    assert len({worker for _, worker in runs}) == 2  # both workers took tasks
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 50


def test_a_session_moves_between_the_servers(site: Site) -> None:
    kim = _with_password(build_cast().kim)
    client = _signed_in(site.url, kim)

    answers = [client.get("/") for _ in range(6)]

    assert {a.headers["X-Upstream"] for a in answers} == {
        server.removeprefix("http://") for server in site.servers
    }
    assert [a.status_code for a in answers] == [200] * 6  # never sent back to the login page
    assert all("Kim Koordinator" in a.text for a in answers)


def at_once(*work: Callable[[], httpx.Response]) -> list[httpx.Response]:
    start = threading.Barrier(len(work))
    results: list[httpx.Response | None] = [None] * len(work)

    def run(index: int, job: Callable[[], httpx.Response]) -> None:
        start.wait()
        results[index] = job()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r is not None for r in results)
    return [r for r in results if r is not None]


def test_two_edits_at_once_through_the_two_servers_lose_nothing(site: Site) -> None:
    cast = build_cast()
    plan = build_agreed_plan(cast).plan
    _with_password(cast.kim)
    url = f"/deltagare/{cast.pia.pk}/plan/andra/"
    clients = [_signed_in(server, cast.kim) for server in site.servers]
    forms = [
        {
            "csrfmiddlewaretoken": _csrf_token(client.get(url)),
            "lead_organisation": str(cast.tyreso.pk),
            "follow_up_date": plan.follow_up_date.isoformat(),
            "version": str(plan.version),
            "goals": goals,
        }
        for client, goals in zip(clients, ("Från server ett", "Från server två"), strict=True)
    ]

    first, second = at_once(
        lambda: clients[0].post(url, data=forms[0]), lambda: clients[1].post(url, data=forms[1])
    )

    assert sorted([first.status_code, second.status_code]) == [302, 409]
    winner = forms[0] if first.status_code == 302 else forms[1]
    saved = Plan.objects.get(pk=plan.pk)
    assert (saved.goals, saved.version) == (winner["goals"], plan.version + 1)
    loser = second if first.status_code == 302 else first
    assert "Någon annan sparade ändringar i planen" in loser.text


def _replica_caught_up(replica: Replica) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        [lsn] = cursor.fetchone()
    with psycopg.connect(
        host=replica.socket_dir, port=replica.port, user="postgres", dbname="postgres"
    ) as standby:
        deadline = time.monotonic() + 60
        while True:
            row = standby.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]).fetchone()
            if row and row[0]:
                return
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.1)


def test_the_dashboards_counts_come_from_the_replica_a_persons_page_never(
    site: Site, replica: Replica
) -> None:
    cast = build_cast()
    individual(cast, name="Steget")  # an activity to count the referrals of
    olle, kim = _with_password(cast.olle), _with_password(cast.kim)
    database = connection.settings_dict["NAME"]
    office, coordinator = _signed_in(site.url, olle), _signed_in(site.url, kim)
    _replica_caught_up(replica)

    before = replica.log_size()
    dashboard = office.get(f"/statistik/forbund/{cast.association.pk}/")
    assert dashboard.status_code == 200
    read_on_replica = replica.statements_since(before, database)
    # The counts: the whole years from the year counts (ADR 0019).
    assert any("indicators_yearcount" in line for line in read_on_replica)

    before = replica.log_size()
    page = coordinator.get(f"/deltagare/{cast.pia.pk}/")
    assert page.status_code == 200 and "Pia Persson" in page.text
    assert replica.statements_since(before, database) == []  # the person is read on the primary
    assert AuditEvent.objects.filter(
        actor_id=kim.pk, participant_id=cast.pia.pk, action=AuditEvent.Action.VIEW
    ).exists()  # and the read's audit row written there
