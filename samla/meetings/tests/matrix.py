"""Route parameters for the permission matrix (samla/web/tests/test_permission_matrix.py).

A resource council for Pia, summoned, with Tyresö kommun (Kim, who calls it) and
Försäkringskassan (Fia) invited, and a preparatory meeting booked for it. Fia's invitation
gives the answer page its token: opened by anyone who may not see Pia, it must answer 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from samla.meetings import actions
from samla.meetings.models import Invitation, Meeting
from samla.people.tests.cast import Cast

READABLE_WITH_CONSENT = {
    "meetings:list",
    "meetings:detail",
    "meetings:calendar",
    "mymeetings:answer",
}


@dataclass
class PiasCouncil:
    council: Meeting
    preparatory: Meeting
    fia: Invitation


def build_council(cast: Cast, *, summon: bool = True) -> PiasCouncil:
    council = actions.request_meeting(
        cast.pia,
        actor=cast.kim,
        kind=Meeting.Kind.RESOURCE_COUNCIL,
        requested_by=Meeting.RequestedBy.HANDLER,
        request_note="Jag vill att alla hör samma sak på en gång.",
        question="Vilket stöd behöver Pia för att komma närmare arbete?",
    )
    fia = actions.invite(
        council,
        actor=cast.kim,
        organisation=cast.fk,
        user=cast.fia,
        obliged=True,
        need_to_know="Hur ser sjukpenningen ut framåt?",
    )
    preparatory = actions.book_preparatory(council, actor=cast.kim)
    if summon:
        council.refresh_from_db()
        actions.summon(
            council,
            actor=cast.kim,
            version=council.version,
            starts_at=timezone.now() + timedelta(days=7),
            duration_minutes=90,
            mode=Meeting.Mode.DIGITAL,
            place="",
        )
        council.refresh_from_db()
        fia.refresh_from_db()
    return PiasCouncil(council=council, preparatory=preparatory, fia=fia)


def parameters(cast: Cast) -> dict[str, int | str]:
    pias = build_council(cast)
    # The answer page's token is a str; the matrix only puts each value into the path.
    return {"meeting_pk": pias.council.pk, "token": pias.fia.token}
