"""Docs that resolve: every file the docs cite exists, every rule and section the code cites is
defined in docs/domain.md, and nothing points at the brief outside the repository any more.

Reads files only (no database, no Django), so it runs in well under a second.
"""

from __future__ import annotations

import functools
import io
import os
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOMAIN = ROOT / "docs" / "domain.md"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
CODE_DIRS = ["samla", "config", "bench"]
CODE_FILES = ["conftest.py", "manage.py"]
# Directories that are never part of the project: tools, caches, and what `make` generates.
SKIPPED_DIRS = {"__pycache__", "node_modules", "staticfiles", "test-results", "var"}
# Paths the docs name that are not files in a checkout, on purpose: made by `make`, or cited as
# what the project does not have (architecture.md: "never `utils.py`"; ADR 0010: the pip-tools
# lock files that uv.lock replaced).
NOT_IN_THE_REPOSITORY = {
    ".venv",
    ".uv",
    "db.sqlite3",
    "utils.py",
    "requirements.lock",
    "requirements-dev.lock",
}
FILE_EXTENSIONS = frozenset(
    {"py", "md", "html", "txt", "toml", "lock", "css", "js", "json", "po", "mo", "csv", "xlsx"}
)

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
PATH_LIKE = re.compile(r"[\w.\-/]+")
MIGRATION = re.compile(r"(?P<app>[a-z_]+)/(?P<number>\d{4})")
RULE = re.compile(r"(?<![\w/.\-])R(\d+)\b")
SECTION = re.compile(r"§(\d+)([A-Z])?(?:[–-]([A-Z]))?")


def project_files() -> Iterator[Path]:
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(
            d for d in dirs if d not in SKIPPED_DIRS and (d == ".ci" or not d.startswith("."))
        )
        for name in sorted(files):
            yield Path(folder) / name


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- every file the docs cite exists ---


def cited_paths(doc: Path) -> Iterator[str]:
    """Link targets, and code spans that look like a path: a slash, or a file extension."""
    text = doc.read_text(encoding="utf-8")
    for match in LINK.finditer(text):
        target = match.group(1).split("#", 1)[0]
        if target and not re.match(r"[a-z]+:", target):
            yield target
    for match in CODE_SPAN.finditer(text):
        token = match.group(1)
        if not PATH_LIKE.fullmatch(token) or token.startswith("/"):
            continue  # prose, a template like `<app>/access.py`, or a URL path like `/healthz`
        if re.fullmatch(r"\.[a-z]+", token):
            continue  # an extension on its own, `.csv`
        if "/" in token or ("." in token and token.rsplit(".", 1)[1] in FILE_EXTENSIONS):
            yield token


def resolves(cited: str, doc: Path, basenames: set[str]) -> bool:
    """From the root, from `samla/` (architecture.md says `people/access.py`), or from the doc's
    own folder; a bare file name anywhere; `app/0002` is that app's migration 0002."""
    name = cited.rstrip("/")
    if name in NOT_IN_THE_REPOSITORY:
        return True
    if "/" not in name and name in basenames:
        return True
    if migration := MIGRATION.fullmatch(name):
        folder = ROOT / "samla" / migration["app"] / "migrations"
        return any(folder.glob(f"{migration['number']}_*.py"))
    return any((base / name).exists() for base in (ROOT, ROOT / "samla", doc.parent))


def test_every_path_the_docs_cite_exists() -> None:
    basenames = {path.name for path in project_files()}
    missing = [
        f"{relative(doc)}: `{cited}`"
        for doc in DOCS
        for cited in cited_paths(doc)
        if not resolves(cited, doc, basenames)
    ]
    assert not missing, "cited but not in the repository:\n" + "\n".join(missing)


def test_the_path_check_sees_the_citations() -> None:
    """Guard against a check that passes because it finds nothing."""
    cited = set(cited_paths(ROOT / "docs" / "architecture.md"))
    assert {"people/access.py", "samla/pdf.py", "templates/base.html"} <= cited
    assert "/healthz" not in cited and "Participant.objects.get" not in cited


# --- every rule and section the code cites is defined in docs/domain.md ---


def defined_rules() -> set[int]:
    return {int(n) for n in re.findall(r"^### R(\d+)\.", DOMAIN.read_text("utf-8"), re.M)}


def defined_sections() -> set[str]:
    text = DOMAIN.read_text("utf-8")
    return {"".join(m) for m in re.findall(r"^(?:## |\*\*)§(\d+)([A-Z]?)\b", text, re.M)}


def comments_and_strings(path: Path) -> Iterator[tuple[int, str]]:
    """The comments and string literals (docstrings among them) of a module, with their line
    numbers: what a citation can be written in. Tokens, not an AST, because that is twice as
    fast and a string that cites a rule must cite one that exists as much as a comment must."""
    source = path.read_text(encoding="utf-8")
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.COMMENT, tokenize.STRING):
            yield token.start[0], token.string


@functools.cache
def citing_texts() -> list[tuple[str, str]]:
    """(where, text) for every comment and docstring in the code that cites something, and every
    doc."""
    return list(_citing_texts())


def _citing_texts() -> Iterator[tuple[str, str]]:
    sources = [ROOT / name for name in CODE_FILES]
    for folder in CODE_DIRS:
        sources += [p for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts]
    for path in sorted(sources):
        raw = path.read_text(encoding="utf-8")
        if not RULE.search(raw) and "§" not in raw:
            continue  # nothing cited: skip parsing it
        for line, text in comments_and_strings(path):
            yield f"{relative(path)}:{line}", text
    for doc in DOCS:
        yield relative(doc), doc.read_text(encoding="utf-8")


def test_docs_domain_defines_the_rules_r1_to_r10_and_its_sections() -> None:
    assert defined_rules() == set(range(1, 11))
    assert {"1", "2", "3", "4", "5", "6", "7", "8"} <= defined_sections()
    assert {f"5{letter}" for letter in "ABCDEFGHI"} <= defined_sections()


def test_every_cited_rule_and_section_is_defined_in_docs_domain() -> None:
    rules, sections = defined_rules(), defined_sections()
    undefined = []
    for where, text in citing_texts():
        for number in RULE.findall(text):
            if int(number) not in rules:
                undefined.append(f"{where}: R{number}")
        for number, letter, last in SECTION.findall(text):
            for cited in {number + letter, number + last if last else number + letter}:
                if cited not in sections:
                    undefined.append(f"{where}: §{cited}")
    assert not undefined, "cited but not defined in docs/domain.md:\n" + "\n".join(undefined)


def test_the_rule_check_sees_the_citations() -> None:
    texts = dict(citing_texts())
    assert "R7" in texts["samla/statistics/suppression.py:1"]
    assert any("§5C" in text for where, text in texts.items() if where.startswith("samla/plans/"))


# --- nothing points at the brief outside the repository ---

# The brief's file name, or its name before a rule or a section number; not
# SESSION_COOKIE_DOMAIN or SUBDOMAINS.
OLD_BRIEF = re.compile(rb"\bDOMAIN(?:\.md|\s+R\d|\s+\xc2\xa7)")


def test_nothing_refers_to_the_brief_outside_the_repository() -> None:
    """Only docs/domain.md may name where it came from; everything else cites docs/domain.md."""
    referring = [
        relative(path)
        for path in project_files()
        if path != DOMAIN and OLD_BRIEF.search(path.read_bytes())
    ]
    assert not referring, "cite docs/domain.md instead, in:\n" + "\n".join(referring)
