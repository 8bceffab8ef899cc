"""A preparatory meeting is held without the person: its minutes page does not ask what the
person told (issue 14 item 14)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from samla.meetings import actions
from samla.meetings.models import Meeting
from samla.meetings.tests.matrix import build_council
from samla.people.tests.cast import Cast, sign_in


def test_the_preparatory_meeting_s_minutes_ask_what_came_up_not_what_the_person_told(
    cast: Cast, client: Client, time_machine
) -> None:
    pias = build_council(cast)
    assert pias.council.starts_at is not None
    time_machine.move_to(pias.council.starts_at + timedelta(minutes=10))
    preparatory = pias.preparatory
    preparatory.refresh_from_db()
    actions.summon(
        preparatory,
        actor=cast.kim,
        version=preparatory.version,
        starts_at=timezone.now() + timedelta(minutes=5),
        duration_minutes=20,
        mode=Meeting.Mode.PHYSICAL,
        place="Rum Ekorren",
    )
    Meeting.objects.filter(pk=preparatory.pk).update(
        starts_at=timezone.now() - timedelta(minutes=1)
    )
    sign_in(client, cast.kim)

    body = client.get(preparatory.get_absolute_url() + "protokoll/").content.decode()
    council = client.get(pias.council.get_absolute_url() + "protokoll/").content.decode()

    assert "Vad som kom fram, vad som sades och vad ni kom fram till inför mötet." in body
    assert 'id="id_minutes_helptext"' in body and 'aria-describedby="id_minutes_helptext"' in body
    assert "Vad personen berättade" not in body and "Personen berättade först" not in body
    assert "Vad personen berättade" in council  # the person is there
