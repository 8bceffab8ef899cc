"""The layering of docs/architecture.md, enforced: import-linter checks the contracts in
pyproject.toml's [tool.importlinter] — every app imports only the apps below it, and no app's
modules import each other in a circle — and these tests prove the contracts name every app,
agree with the docs, and fail on a forbidden import.

Test code stands outside the layering: samla/*/tests/ and samla/conftest.py may import any
app, the demo included (the contracts ignore imports made by tests). Migrations belong to their
app. The modules directly in samla/ (money.py, pdf.py, spreadsheets.py, ...) are the bottom
layer: any app may use them and they use no app.

Static analysis only (no database, no Django): about a second per run of import-linter.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
# Outside the contracts on purpose: the shared test cast.
OUTSIDE = {"conftest"}


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def contract(contract_id: str) -> dict[str, Any]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(c for c in config["contracts"] if c["id"] == contract_id)


def layered_modules() -> list[list[str]]:
    """The layers from the top down, each a list of modules (siblings are split on "|")."""
    return [
        [name.strip().removeprefix("samla.") for name in layer.split("|")]
        for layer in contract("apps")["layers"]
    ]


def _not_python(folder: str, names: list[str]) -> list[str]:
    def skipped(name: str) -> bool:
        if (Path(folder) / name).is_dir():
            return name == "__pycache__"
        return not name.endswith(".py")

    return [name for name in names if skipped(name)]


def copy_of_samla(tmp_path: Path) -> Path:
    """Samla's Python files and pyproject.toml in tmp_path, to break on purpose."""
    shutil.copytree(ROOT / "samla", tmp_path / "samla", ignore=_not_python)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def add_import(module: Path, statement: str) -> None:
    module.write_text(module.read_text() + f"\n{statement}  # noqa\n")


def test_samla_keeps_its_layers() -> None:
    result = lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_every_app_and_module_of_samla_has_a_layer() -> None:
    placed = {name for layer in layered_modules() for name in layer}
    children = {
        path.stem if path.suffix == ".py" else path.name
        for path in (ROOT / "samla").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists()
    }

    assert children - OUTSIDE == placed


def test_the_contract_lists_the_apps_in_the_order_of_the_architecture_doc() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text()
    block = re.search(r"^```\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)
    assert block is not None
    documented = [line.split()[0] for line in block.group(1).splitlines() if line[:1].isalpha()]
    apps_bottom_up = [layer[0] for layer in reversed(layered_modules()) if len(layer) == 1]

    assert documented == apps_bottom_up


@pytest.mark.parametrize(
    ("module", "line", "reported"),
    [
        pytest.param(
            "audit/chain.py",
            "import samla.people.models",
            [
                "samla.audit is not allowed to import samla.people",
                "samla.audit.chain -> samla.people.models",
            ],
            id="an app importing one above it",
        ),
        pytest.param(
            "money.py",
            "import samla.audit.models",
            ["samla.money is not allowed to import samla.audit"],
            id="a helper module importing an app",
        ),
        pytest.param(
            # actions.py queues the task; the task importing actions back closes a circle.
            "reports/tasks.py",
            "from samla.reports import actions",
            ["No cycles are allowed in samla.reports."],
            id="an import circle within an app",
        ),
    ],
)
def test_a_forbidden_import_is_reported(
    tmp_path: Path, module: str, line: str, reported: list[str]
) -> None:
    project = copy_of_samla(tmp_path)
    add_import(project / "samla" / module, line)

    result = lint_imports(project)

    assert result.returncode == 1
    for message in reported:
        assert message in result.stdout


def test_test_code_may_import_any_app(tmp_path: Path) -> None:
    project = copy_of_samla(tmp_path)
    add_import(project / "samla" / "audit" / "tests" / "plugin.py", "import samla.demo.logins")

    assert lint_imports(project).returncode == 0
