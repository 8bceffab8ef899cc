"""The English catalogue: complete, translated, valid, compiled, and in step with the sources.

Swedish is the source language: every msgid is Swedish and English comes from
``locale/en/LC_MESSAGES/django.po`` and its compiled ``django.mo``, which is committed. These
tests need GNU gettext (``msgfmt``, and ``xgettext``/``msgmerge`` for makemessages); they fail,
rather than skip, when it is missing, so that CI cannot pass with an unchecked catalogue.

When a test here fails after strings were added or changed, refresh and compile the catalogue::

    make messages   # makemessages, counts what is untranslated or fuzzy, compilemessages

then translate what ``msgattrib --untranslated locale/en/LC_MESSAGES/django.po`` lists, check
what ``msgattrib --only-fuzzy`` lists, and run ``make messages`` once more to compile.
"""

from __future__ import annotations

import ast
import gettext as stdlib_gettext
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[3]
LC_MESSAGES = ROOT / "locale" / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

# The same flags the catalogue is made with (see the module docstring).
MAKEMESSAGES_FLAGS = [
    "--no-location",
    "--ignore=.venv",
    "--ignore=.uv",
    "--ignore=node_modules",
    "--ignore=staticfiles",
    "--ignore=*/tests/*",
]

PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%%")


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgid_plural is None


def parse_po(path: Path) -> list[Entry]:
    """Read a .po file with the standard library alone (there is no polib here).

    Obsolete entries (``#~``) are skipped: msgfmt leaves them out of the .mo as well.
    """
    return PoReader(path).read()


KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")\s*$")


class PoReader:
    """Reads a .po file line by line: comments and flags, keywords, and continuation lines that
    add to the string the last keyword began."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: list[Entry] = []
        self.current: Entry | None = None
        self.target: tuple[str, int] | None = None

    def read(self) -> list[Entry]:
        for number, raw in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            line = raw.strip()
            if not line:
                self.finish()
            elif not line.startswith("#~"):
                self.line(number, raw, line)
        self.finish()
        return self.entries

    def finish(self) -> None:
        if self.current is not None and (self.current.msgid or self.current.msgstr):
            self.entries.append(self.current)
        self.current, self.target = None, None

    def line(self, number: int, raw: str, line: str) -> None:
        if self.current is None:
            self.current = Entry(line=number)
        if line.startswith("#,"):
            self.current.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif line.startswith('"'):
            self.continuation(number, line, self.current)
        elif not line.startswith("#"):
            self.keyword(number, raw, line, self.current)

    def continuation(self, number: int, line: str, current: Entry) -> None:
        if self.target is None:
            raise ValueError(f"{self.path}:{number}: continuation line without a keyword")
        text = ast.literal_eval(line)
        name, index = self.target
        if name == "msgstr":
            current.msgstr[index] += text
        elif name == "msgid":
            current.msgid += text
        elif name == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + text
        else:
            current.msgid_plural = (current.msgid_plural or "") + text

    def keyword(self, number: int, raw: str, line: str, current: Entry) -> None:
        match = KEYWORD.match(line)
        if match is None:
            raise ValueError(f"{self.path}:{number}: cannot read {raw!r}")
        name, index, quoted = match.groups()
        text = ast.literal_eval(quoted)
        if name == "msgstr":
            self.target = ("msgstr", int(index or 0))
            current.msgstr[self.target[1]] = text
        elif name == "msgctxt":  # pgettext's context: "plan" for the plan's insatser
            if current.msgid or current.msgstr:  # an entry without a blank line before it
                self.finish()
                current = self.current = Entry(line=number)
            self.target = ("msgctxt", 0)
            current.msgctxt = text
        elif name == "msgid":
            if current.msgid or current.msgstr:  # an entry without a blank line before it
                self.finish()
                current = self.current = Entry(line=number)
            self.target = ("msgid", 0)
            current.msgid = text
        else:
            self.target = ("msgid_plural", 0)
            current.msgid_plural = text


def describe(entry: Entry) -> str:
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt is not None else ""
    return f"line {entry.line}: {entry.msgid!r}{context}"


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"`{name}` was not found on PATH. The translation tests need GNU gettext "
            "(Debian/Ubuntu: apt-get install gettext; macOS: brew install gettext)."
        )
    return path


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO.is_file(), f"{PO} is missing: run makemessages (see this module's docstring)"
    return parse_po(PO)


def test_the_catalogue_has_a_header_and_entries(entries: list[Entry]) -> None:
    assert entries[0].is_header
    header = entries[0].msgstr[0]
    assert "Language: en\n" in header
    assert "charset=UTF-8" in header
    assert len(entries) > 100


def test_every_entry_is_translated(entries: list[Entry]) -> None:
    untranslated = [
        describe(e)
        for e in entries
        if not e.is_header
        and (
            not e.msgstr
            or any(not text for text in e.msgstr.values())
            or (e.msgid_plural is not None and sorted(e.msgstr) != [0, 1])
        )
    ]
    assert not untranslated, (
        f"{len(untranslated)} untranslated entries in {PO.relative_to(ROOT)} "
        "(list them with `msgattrib --untranslated`):\n" + "\n".join(untranslated)
    )


def test_no_entry_is_fuzzy(entries: list[Entry]) -> None:
    fuzzy = [
        describe(e) if not e.is_header else "the header" for e in entries if "fuzzy" in e.flags
    ]
    assert not fuzzy, (
        f"{len(fuzzy)} fuzzy entries: makemessages guessed these, and Django ignores them until "
        "someone checks the translation and removes the `#, fuzzy` line "
        "(list them with `msgattrib --only-fuzzy`):\n" + "\n".join(fuzzy)
    )


def test_placeholders_are_kept(entries: list[Entry]) -> None:
    wrong = []
    for e in entries:
        if e.is_header:
            continue
        sources = [e.msgid] if e.msgid_plural is None else [e.msgid, e.msgid_plural]
        for index, text in e.msgstr.items():
            source = sources[min(index, len(sources) - 1)]
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                wrong.append(f"{describe(e)} -> msgstr[{index}] {text!r}")
    assert not wrong, "Placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_msgfmt_check_passes() -> None:
    result = subprocess.run(
        [tool("msgfmt"), "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    # --statistics reports "N translated messages[, M fuzzy translations][, K untranslated]".
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr


def load_mo(path: Path) -> stdlib_gettext.GNUTranslations:
    with path.open("rb") as handle:
        return stdlib_gettext.GNUTranslations(handle)


def test_the_committed_mo_is_compiled_from_the_po(tmp_path: Path) -> None:
    """Compare catalogues, not bytes: msgfmt versions lay out .mo files differently."""
    assert MO.is_file(), f"{MO} is missing: run `make messages`"
    fresh_path = tmp_path / "django.mo"
    subprocess.run([tool("msgfmt"), "-o", str(fresh_path), str(PO)], check=True)
    fresh, committed = load_mo(fresh_path), load_mo(MO)
    # GNUTranslations keeps the catalogue in _catalog: {msgid: msgstr} and, for plurals,
    # {(msgid, n): msgstr}. The header ("") is left out: makemessages rewrites its
    # POT-Creation-Date on every run without changing any translation.
    want = {k: v for k, v in fresh._catalog.items() if k != ""}  # type: ignore[attr-defined]
    have = {k: v for k, v in committed._catalog.items() if k != ""}  # type: ignore[attr-defined]
    stale = sorted(repr(k) for k in want.keys() | have.keys() if want.get(k) != have.get(k))
    assert not stale, (
        f"{MO.relative_to(ROOT)} is out of date with the .po; run "
        "`make messages`. Entries that differ:\n" + "\n".join(stale[:50])
    )
    # The plural rule comes from the header's Plural-Forms (not in typeshed's stubs).
    forms = [(fresh.plural(n), committed.plural(n)) for n in range(5)]  # type: ignore[attr-defined]
    assert all(a == b for a, b in forms), forms


def test_the_catalogue_has_every_string_in_the_sources(tmp_path: Path) -> None:
    """Run makemessages on a copy of the project and compare the msgids with the committed .po.

    A copy, because makemessages rewrites the catalogue in place. It takes about a second.
    """
    tool("xgettext")
    tool("msgmerge")
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".*",
            "var",
            "test-results",
            "node_modules",
            "staticfiles",
            "__pycache__",
            "*.sqlite3",
            "*.egg-info",
            "*.mo",
        ),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", *MAKEMESSAGES_FLAGS],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    def msgids(path: Path) -> set[tuple[str | None, str, str | None]]:
        return {(e.msgctxt, e.msgid, e.msgid_plural) for e in parse_po(path) if not e.is_header}

    in_sources = msgids(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    in_catalogue = msgids(PO)
    missing = sorted(repr(m[:2]) for m in in_sources - in_catalogue)
    obsolete = sorted(repr(m[:2]) for m in in_catalogue - in_sources)
    assert not missing and not obsolete, (
        "locale/en/LC_MESSAGES/django.po is out of step with the code; rerun makemessages "
        "(see this module's docstring).\n"
        f"Not in the catalogue yet ({len(missing)}):\n  " + "\n  ".join(missing) + "\n"
        f"No longer in the code ({len(obsolete)}):\n  " + "\n  ".join(obsolete)
    )


@pytest.mark.parametrize(
    ("swedish", "english"),
    [
        ("Logga in", "Log in"),
        ("Logga ut", "Log out"),
        ("Deltagare", "Participants"),
        ("Välkommen, %(name)s", "Welcome, %(name)s"),
        ("Mina deltagare", "My participants"),
        ("Samtycke", "Consent"),
        ("Handläggare", "Case handler"),
        ("Koordinator", "Coordinator"),
        ("Loggranskning", "Log review"),
        ("Tvåstegsverifiering", "Two-step verification"),
        ("Reservnummer", "Reserve number"),
        ("Vem har läst dina uppgifter?", "Who has read your information?"),
        ("Kvinna", "Woman"),
        ("Annat / vill inte ange", "Other / prefer not to say"),
    ],
)
def test_known_strings_translate(swedish: str, english: str) -> None:
    with translation.override("en"):
        assert translation.gettext(swedish) == english
    with translation.override("sv"):
        assert translation.gettext(swedish) == swedish


def test_plurals_and_placeholders_render_in_english() -> None:
    with translation.override("en"):
        one = translation.ngettext("%(counter)s insats", "%(counter)s insatser", 1)
        many = translation.ngettext("%(counter)s insats", "%(counter)s insatser", 3)
        welcome = translation.gettext("Välkommen, %(name)s") % {"name": "Kim"}
    assert one % {"counter": 1} == "1 activity"
    assert many % {"counter": 3} == "3 activities"
    assert welcome == "Welcome, Kim"


def test_the_plans_actions_and_the_catalogues_activities_never_share_a_word(
    entries: list[Entry],
) -> None:
    """Swedish says "insats" for a plan's action and for an activity the association finances;
    the plan's msgids carry the context "plan" (pgettext), so English can tell them apart."""
    plan = {e.msgid: e for e in entries if e.msgctxt == "plan"}
    both = [e for e in entries if e.msgctxt is None and e.msgid in plan]
    assert {"Insatser", "Insats", "Ny insats", "Insatsen är sparad."} <= {e.msgid for e in both}
    for e in both:
        activity, action = e.msgstr[0].lower(), plan[e.msgid].msgstr[0].lower()
        assert "activit" in activity and "action" not in activity, describe(e)
        assert "action" in action and "activit" not in action, describe(plan[e.msgid])
    with translation.override("en"):
        assert translation.pgettext("plan", "Insatser") == "Actions"
        assert translation.gettext("Insatser") == "Activities"
