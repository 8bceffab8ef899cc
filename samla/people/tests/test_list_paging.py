"""The participant list pages by keyset and searches a normalised name (issue 17 item 3): a page
costs what it shows, whatever the caseload; the cursor in the link is opaque and never lets
anyone see more than ``visible_to`` allows."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from samla import idnumbers
from samla.imports.tests.builders import ANNA, build, csv_file, run
from samla.people import actions, names
from samla.people.models import Participant, TeamMember
from samla.people.tests.cast import Cast, sign_in

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<td><a href="/deltagare/(\d+)/">')
NEXT = re.compile(r'<a href="([^"]+)" rel="next">')
PREVIOUS = re.compile(r'<a href="([^"]+)" rel="prev">')
FIRST_NAMES = ["Åsa", "Örjan", "Anna", "Éva", "Bo", "Ängla"]
LAST_NAMES = ["Öberg", "Berg", "Andersson", "Åberg", "Lindqvist", "Müller"]


def add_people(cast: Cast, count: int, *, first: int = 0) -> list[Participant]:
    """``count`` identified people on Kim's team, many sharing a name (the primary key breaks
    the tie, across page boundaries too)."""
    created = Participant.objects.bulk_create(
        Participant(
            association=cast.association,
            controlling_organisation=cast.tyreso,
            kind=Participant.Kind.IDENTIFIED,
            id_number=idnumbers.test_personnummer(
                date(1960, 1, 1) + timedelta(days=first + i), "F"
            ).value,
            id_number_kind=idnumbers.IdNumberKind.PERSONNUMMER,
            first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
            last_name=LAST_NAMES[(i // 7) % len(LAST_NAMES)],
            sex="F",
            start_year=2026,
            created_by=cast.kim,
        )
        for i in range(count)
    )
    TeamMember.objects.bulk_create(
        TeamMember(participant=p, user=cast.kim, role="coordinator", added_by=cast.kim)
        for p in created
    )
    return created


def rows(body: str) -> list[int]:
    return [int(pk) for pk in ROW.findall(body)]


def link(pattern: re.Pattern[str], body: str) -> str | None:
    found = pattern.search(body)
    return "/deltagare/" + html.unescape(found.group(1)) if found else None


def test_names_are_casefolded_with_swedish_letters_kept_and_other_accents_dropped() -> None:
    assert names.normalise("  Åsa \t ÖBERG ") == "åsa öberg"
    assert names.normalise("André Müller-Lüdenscheidt") == "andre muller-ludenscheidt"
    assert names.normalise("ÄNGLA") == "ängla"  # ä stays ä: "angla" does not find her
    assert names.normalise("A\u030asa") == "åsa"  # å written as a + ring is still å
    assert names.search_name("Åsa", "Öberg") == "öberg åsa"  # surname first: it sorts the list


def test_walking_120_people_forwards_and_back_shows_each_once_in_order(
    cast: Cast, client: Client
) -> None:
    add_people(cast, 120)
    expected = list(
        Participant.objects.visible_to(cast.kim).in_list_order().values_list("pk", flat=True)
    )
    assert len(expected) == 121  # Pia too
    sign_in(client, cast.kim)
    url: str | None = "/deltagare/"
    pages: list[str] = []
    seen: list[int] = []
    while url is not None:
        body = client.get(url).content.decode()
        pages.append(url)
        seen += rows(body)
        url = link(NEXT, body)
    assert seen == expected
    assert len(pages) == 5  # 25 a page
    last = client.get(pages[-1]).content.decode()
    assert "Visar 101–121" in last and "fler finns" not in last
    assert "Visar 26–50, fler finns" in client.get(pages[1]).content.decode()

    back: list[int] = []
    url = pages[-1]
    while url is not None:
        body = client.get(url).content.decode()
        back = rows(body) + back
        url = link(PREVIOUS, body)
    assert back == expected
    first = client.get("/deltagare/").content.decode()
    assert "Visar 1–25, fler finns" in first and 'rel="prev"' not in first
    # The link carries no name: only the signed cursor and what the user typed.
    assert "berg" not in pages[1].lower() and "sida=" in pages[1]


def test_the_cursor_keeps_the_search_across_pages(cast: Cast, client: Client) -> None:
    add_people(cast, 120)
    wanted = list(
        Participant.objects.visible_to(cast.kim)
        .search("berg")
        .in_list_order()
        .values_list("pk", flat=True)
    )
    assert 25 < len(wanted) < 120
    sign_in(client, cast.kim)
    body = client.get("/deltagare/", {"q": "berg"}).content.decode()
    seen = rows(body)
    while (url := link(NEXT, body)) is not None:
        assert "q=berg" in url
        body = client.get(url).content.decode()
        assert 'value="berg"' in body  # the search box keeps what was typed
        seen += rows(body)
    assert seen == wanted


SALT = "samla.people.keyset"


@pytest.mark.parametrize(
    ("payload", "salt"),
    [
        ("garbage", None),
        ("2", None),  # a page number, as links before the keyset had
        ({"after": -5, "at": 26}, SALT),
        ({"after": "x", "at": 26}, SALT),
        ([1, 2], SALT),
        ({"before": 1}, SALT),
        ({"after": 1, "at": 26}, "another salt"),
    ],
    ids=["garbage", "page-number", "negative", "not-a-number", "list", "no-position", "forged"],
)
def test_a_hostile_cursor_gives_the_first_page_and_says_so(
    cast: Cast, client: Client, payload: object, salt: str | None
) -> None:
    cursor = str(payload) if salt is None else signing.dumps(payload, salt=salt)
    add_people(cast, 30)
    sign_in(client, cast.kim)
    response = client.get("/deltagare/", {"sida": cursor})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Sidan du bad om kunde inte visas. Här är listans första sida." in body
    assert "Visar 1–25, fler finns" in body


def test_a_cursor_naming_someone_the_user_may_not_see_reveals_nothing(
    cast: Cast, client: Client
) -> None:
    """Tove (Tyresö, not on Pia's team) may not see Pia: a cursor at Pia, made for Kim, must not
    place Tove's page by Pia's name."""
    add_people(cast, 30)
    for person in Participant.objects.exclude(pk=cast.pia.pk)[:10]:
        TeamMember.objects.create(
            participant=person, user=cast.tove, role="member", added_by=cast.kim
        )
    visible = set(Participant.objects.visible_to(cast.tove).values_list("pk", flat=True))
    assert len(visible) == 10 and cast.pia.pk not in visible
    cursor = signing.dumps({"after": cast.pia.pk, "at": 26}, salt=SALT)
    sign_in(client, cast.tove)
    body = client.get("/deltagare/", {"sida": cursor}).content.decode()
    assert "Sidan du bad om kunde inte visas" in body
    assert set(rows(body)) == visible and "Pia Persson" not in body


def test_search_finds_a_name_in_any_case_and_part(cast: Cast, client: Client) -> None:
    asa = add_people(cast, 1)[0]
    assert (asa.first_name, asa.last_name) == ("Åsa", "Öberg")
    sign_in(client, cast.kim)
    for query in ("åsa", "ÖBERG", "berg", "Åsa Öberg", "öberg   åsa", "ÖBERG ÅSA"):
        assert rows(client.get("/deltagare/", {"q": query}).content.decode()) == [asa.pk], query
    for query in ("asa", "oberg", "åsa persson"):
        assert asa.pk not in rows(client.get("/deltagare/", {"q": query}).content.decode())


def test_a_protected_person_is_no_easier_to_find_by_name(cast: Cast, client: Client) -> None:
    """Fia (Försäkringskassan, on Pia's team, named by her consent) finds Pia by name; once Pia
    has a protected identity only the controlling organisation finds her, as before."""
    sign_in(client, cast.fia)
    assert rows(client.get("/deltagare/", {"q": "pia"}).content.decode()) == [cast.pia.pk]
    Participant.objects.filter(pk=cast.pia.pk).update(
        protection=Participant.Protection.PROTECTED_REGISTRATION
    )
    body = client.get("/deltagare/", {"q": "pia"}).content.decode()
    assert rows(body) == [] and "Ingen deltagare som du har rätt att se matchar sökningen." in body
    assert rows(client.get("/deltagare/", {"q": "persson"}).content.decode()) == []
    sign_in(client, cast.kim)
    assert rows(client.get("/deltagare/", {"q": "pia"}).content.decode()) == [cast.pia.pk]


def test_the_search_name_follows_a_change_of_name(cast: Cast) -> None:
    pia = actions.update_participant(
        cast.pia,
        actor=cast.kim,
        version=cast.pia.version,
        changes={"first_name": "Pía", "last_name": "Ödmark"},
    )
    assert Participant.objects.get(pk=pia.pk).search_name == "ödmark pia"
    pia.last_name = "Zetterlund"
    pia.save(update_fields=["last_name"])
    assert Participant.objects.get(pk=pia.pk).search_name == "zetterlund pia"
    with pytest.raises(ValueError, match="search_name"):
        Participant.objects.filter(pk=pia.pk).update(first_name="Kim")


def test_an_imported_person_is_found_by_name(cast: Cast, client: Client) -> None:
    build(cast)
    content = csv_file(
        [
            {
                "insats": "Tyresö arbetsträning",
                "personnummer": ANNA.formatted(),
                "förnamn": "Åsa-Lena",
                "efternamn": "Öberg Müller",
                "kön": "Kvinna",
                "startdatum": "2024-01-08",
            }
        ]
    )
    job = run(cast.kim, cast, content)
    assert job.error_count == 0, job.errors
    imported = Participant.objects.get(id_number=ANNA.value)
    assert imported.search_name == "öberg muller åsa-lena"
    TeamMember.objects.create(participant=imported, user=cast.kim, role="member", added_by=cast.kim)
    sign_in(client, cast.kim)
    assert rows(client.get("/deltagare/", {"q": "muller"}).content.decode()) == [imported.pk]


def count_queries(client: Client, url: str) -> int:
    client.get(url)  # the session, the menu and Django's caches settle first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_a_later_page_and_the_start_page_keep_their_query_count(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    add_people(cast, 60)
    second = link(NEXT, client.get("/deltagare/").content.decode())
    third = link(NEXT, client.get(second or "").content.decode())
    back_to_second = link(PREVIOUS, client.get(third or "").content.decode())
    urls = [second or "", back_to_second or "", "/deltagare/?q=berg", "/"]
    small = [count_queries(client, url) for url in urls]
    add_people(cast, 900, first=60)
    assert [count_queries(client, url) for url in urls] == small


def test_the_start_page_shows_the_10_people_kim_joined_last(cast: Cast, client: Client) -> None:
    people = add_people(cast, 30)
    sign_in(client, cast.kim)
    body = client.get("/").content.decode()
    shown = rows_in_list(body)
    newest = sorted(people, key=lambda p: p.pk, reverse=True)[:10]  # web.views.SHOWN
    assert shown == [p.pk for p in newest]
    assert '<a href="/deltagare/">Alla deltagare du ser</a>' in body


def rows_in_list(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li><a href="/deltagare/(\d+)/">', body)]
