"""The statistics layer is pure: no database, no models, no other Samla app; callers pass counts."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_module_reads_the_database_or_another_app() -> None:
    sources = [p for p in PACKAGE.rglob("*.py") if "tests" not in p.relative_to(PACKAGE).parts]
    assert sources
    for path in sources:
        for name in imported_modules(path):
            assert not name.startswith("django.db"), (path, name)
            if name.startswith("samla"):
                assert name.startswith("samla.statistics"), (path, name)
    assert not (PACKAGE / "models.py").exists()
