"""Pages of the participant list by keyset: what a page costs is what it shows.

A page is the rows after (or before) one row in the list's stable order
(``ParticipantQuerySet.in_list_order``: kind, normalised name, primary key), fetched with a LIMIT
one larger than the page to know whether more follow. Nothing counts the whole caseload.

The cursor in the query string is opaque and carries no personal data: the primary key of the
row the page starts after (or ends before) and the position of the page's first row, signed so
that it cannot be forged. The row's place in the order is looked up on the server, among the
rows the user may see: a cursor naming anyone else, or one that is garbage or tampered with,
gives the first page and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

from samla.people.models import Participant, ParticipantQuerySet

PAGE_SIZE = 25
_SALT = "samla.people.keyset"
# A position beyond any caseload; a larger one in a cursor is shown as this.
_MAX_POSITION = 10**7


@dataclass(frozen=True)
class Page:
    rows: list[Participant]
    start: int  # the position of the first row, counting from 1
    has_previous: bool
    has_next: bool
    refused: bool = False  # the cursor asked for was not valid: this is the first page instead

    @property
    def end(self) -> int:
        return self.start + len(self.rows) - 1

    @property
    def is_only_row(self) -> bool:
        """Whether the whole list is this one row (a search that singles a person out)."""
        return len(self.rows) == 1 and not (self.has_previous or self.has_next)

    @property
    def next_cursor(self) -> str:
        return signing.dumps({"after": self.rows[-1].pk, "at": self.end + 1}, salt=_SALT)

    @property
    def previous_cursor(self) -> str:
        return signing.dumps({"before": self.rows[0].pk, "at": self.start}, salt=_SALT)


def page_of(rows: ParticipantQuerySet, cursor: str | None, size: int = PAGE_SIZE) -> Page:
    """The page of ``rows`` (already narrowed to what the user may see) that ``cursor`` names,
    the first page without one."""
    ordered = rows.in_list_order()
    if not cursor:
        return _first(ordered, size)
    try:
        data = signing.loads(cursor, salt=_SALT)
        forward = "after" in data
        pk = int(data["after"] if forward else data["before"])
        at = min(max(int(data["at"]), 1), _MAX_POSITION)
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
        return _first(ordered, size, refused=True)
    mark = rows.select_related(None).only("kind", "search_name").filter(pk=pk).first()
    if mark is None:
        return _first(ordered, size, refused=True)
    if forward:
        found = list(ordered.after(mark)[: size + 1])
        if not found:
            return _first(ordered, size)
        return Page(found[:size], max(at, 2), has_previous=True, has_next=len(found) > size)
    found = list(ordered.before(mark)[: size + 1])
    if len(found) <= size:
        return _first(ordered, size)
    return Page(found[:size][::-1], max(at - size, 2), has_previous=True, has_next=True)


def _first(ordered: ParticipantQuerySet, size: int, *, refused: bool = False) -> Page:
    found = list(ordered[: size + 1])
    return Page(found[:size], 1, has_previous=False, has_next=len(found) > size, refused=refused)
