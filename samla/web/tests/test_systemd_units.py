"""Samla's systemd units (deploy/systemd/, docs/operations.md) are valid for systemd itself:
`systemd-analyze verify` on copies whose paths point at this checkout (verify needs every
ExecStart program to exist), and each service runs as Samla's own user, hardened, restarted on
failure, with the commands `make run` starts.

Reads files and runs one program (no database, no Django), in about a second.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
UNITS = ROOT / "deploy" / "systemd"
INSTALLED_AT = "/opt/samla"
LONG_RUNNING = ["samla-web.service", "samla-worker.service", "samla-scheduler.service"]


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNITS / name, encoding="utf-8")
    return parser


def test_systemd_analyze_verify_finds_nothing_to_say(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if os.environ.get("CI") == "true":
            pytest.fail("systemd-analyze is missing: .ci/run installs the package systemd")
        pytest.skip("systemd-analyze is not installed (Debian's package systemd)")
    venv_bin = Path(sys.executable).parent
    names = sorted(p.name for p in UNITS.iterdir() if p.suffix in {".service", ".timer", ".target"})
    for name in names:
        text = (UNITS / name).read_text(encoding="utf-8")
        text = text.replace(f"{INSTALLED_AT}/.venv/bin/", f"{venv_bin}/")
        (tmp_path / name).write_text(text.replace(INSTALLED_AT, str(ROOT)), encoding="utf-8")

    done = subprocess.run(
        [analyze, "verify", "--man=no", *names],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )

    # Exit status 0 and not a word: verify only warns of an unknown key or a bad value.
    assert (done.returncode, done.stdout + done.stderr) == (0, "")
    assert set(LONG_RUNNING) | {"samla.target", "samla-backup.service"} <= set(names)


@pytest.mark.parametrize("name", [*LONG_RUNNING, "samla-backup.service"])
def test_each_service_runs_as_samla_hardened_with_its_settings(name: str) -> None:
    service = unit(name)["Service"]

    assert (service["User"], service["Group"]) == ("samla", "samla")
    assert service["EnvironmentFile"] == "/etc/samla/samla.env"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["PrivateTmp"] == "yes"
    assert service["ReadWritePaths"] == "/var/lib/samla"


def test_web_worker_and_scheduler_are_what_make_run_starts_and_restart_on_failure() -> None:
    commands = {name: unit(name)["Service"]["ExecStart"] for name in LONG_RUNNING}

    assert commands == {
        "samla-web.service": f"{INSTALLED_AT}/.venv/bin/gunicorn -c config/gunicorn.py config.wsgi",
        "samla-worker.service": f"{INSTALLED_AT}/.venv/bin/python manage.py db_worker",
        "samla-scheduler.service": f"{INSTALLED_AT}/.venv/bin/python manage.py run_scheduler",
    }
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "gunicorn -c config/gunicorn.py config.wsgi" in makefile
    assert "manage.py db_worker" in makefile and "manage.py run_scheduler" in makefile
    for name in LONG_RUNNING:
        assert unit(name)["Service"]["Restart"] == "on-failure"
        assert unit(name)["Unit"]["PartOf"] == "samla.target"
    assert unit("samla.target")["Unit"]["Wants"].split() == LONG_RUNNING
