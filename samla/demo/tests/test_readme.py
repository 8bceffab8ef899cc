from __future__ import annotations

from pathlib import Path

from samla.demo.logins import DEMO_PASSWORD, demo_logins

README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_readme_lists_exactly_the_demo_logins() -> None:
    text = README.read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip(): line.split("|")[2].strip()
        for line in text.splitlines()
        if line.startswith("| ") and line.count("|") == 3
    }
    expected = {username: description for username, _, description in demo_logins()}
    # Any row that looks like a username (a dot, no code quotes) must be a demo login.
    looks_like_login = {name for name in rows if "." in name and "`" not in name}
    listed = {name: rows[name] for name in rows if name in expected or name in looks_like_login}
    assert listed == expected
    assert f"`{DEMO_PASSWORD}`" in text
