"""A person's name as the participant list searches and sorts it.

``Participant.search_name`` holds the surname and then the first name, normalised: casefolded,
whitespace collapsed to single spaces, and accents removed from letters other than Swedish å, ä
and ö (so "André" is found by "andre" and by "andré", while "Åsa" is never found by "asa": in
Swedish å, ä and ö are letters of their own, not a with an accent). What the user types is
normalised the same way before it is compared, so the comparison is a plain case-sensitive
substring match that a trigram index serves on PostgreSQL.
"""

from __future__ import annotations

import unicodedata

# Swedish letters kept whole; every other letter loses its combining marks.
_KEPT = frozenset("åäö")


def normalise(text: str) -> str:
    """Casefolded, accents outside å, ä and ö removed, whitespace collapsed."""
    folded = unicodedata.normalize("NFC", text).casefold()
    letters = []
    for char in folded:
        if char in _KEPT:
            letters.append(char)
            continue
        letters.extend(
            part for part in unicodedata.normalize("NFD", char) if not unicodedata.combining(part)
        )
    return " ".join("".join(letters).split())


def search_name(first_name: str, last_name: str) -> str:
    """The value of ``Participant.search_name``: surname first, so that it also sorts the list."""
    return normalise(f"{last_name} {first_name}")
