from __future__ import annotations

from pathlib import Path

from samla.demo.logins import DEMO_PASSWORD, DEMO_PEOPLE, demo_logins, person_number

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


def test_the_readme_lists_exactly_the_demo_people_of_min_samla() -> None:
    text = README.read_text(encoding="utf-8")
    assert "Logga in på http://127.0.0.1:8000/min-samla/ med 'Logga in med e-legitimation" in text
    rows = {
        tuple(cell.strip() for cell in line.split("|")[1:4])
        for line in text.split("### Min Samla", 1)[1].split("\n## ", 1)[0].splitlines()
        if line.startswith("| ") and line.count("|") == 4
    }
    expected = {
        (f"{p.first_name} {p.last_name}", f"`{person_number(p)}`", p.description)
        for p in DEMO_PEOPLE
    }
    assert rows - {("Person", "Personnummer", "Vem")} == expected
