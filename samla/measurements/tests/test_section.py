"""The "Mätningar" section of a referral's page: the four occasions, each recorded (when), due
(from when) or not yet possible (why), with the links the reader may follow, for the cost of
one query however many are recorded."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from samla.measurements.models import Occasion
from samla.measurements.tests.builders import ended, record, started
from samla.measurements.tests.conftest import at
from samla.people.tests.cast import Cast, sign_in
from samla.referrals.tests.builders import Setting


def section(body: str) -> str:
    found = re.search(r'<section aria-labelledby="measurements-heading">.*?</section>', body, re.S)
    assert found is not None
    return found.group(0)


def test_a_referral_not_yet_started_says_when_measurements_come(
    cast: Cast, setting: Setting, client: Client
) -> None:
    sign_in(client, cast.kim)
    body = client.get(f"/deltagare/{cast.pia.pk}/remisser/{setting.referral.pk}/").content.decode()
    assert "Mätningar görs när deltagandet har startat" in section(body)


def test_each_side_sees_the_occasions_and_its_own_links(
    cast: Cast, setting: Setting, client: Client, time_machine
) -> None:
    time_machine.move_to(at(2026, 2, 2))
    referral = ended(setting)
    record(referral, Occasion.ENTRY, actor=setting.ulla)

    sign_in(client, setting.ulla)
    provider = section(client.get(f"/remisser/{referral.pk}/").content.decode())
    assert "Registrerad 2026-01-12" in provider
    assert "Ska göras från 2026-01-31" in provider  # the exit
    assert "Uppföljningen kan göras från och med 2026-02-28." in provider
    assert "Uppföljningen kan göras från och med 2026-07-31." in provider
    assert f'href="/remisser/{referral.pk}/matningar/start/"' in provider
    assert f'href="/remisser/{referral.pk}/matningar/avslut/registrera/"' in provider
    assert "efter-en-manad/registrera/" not in provider

    person = f"/deltagare/{cast.pia.pk}/remisser/{referral.pk}/"
    sign_in(client, cast.kim)
    kims = section(client.get(person).content.decode())
    assert f'href="{person}matningar/avslut/registrera/"' in kims
    sign_in(client, cast.fia)
    fias = section(client.get(person).content.decode())
    assert f'href="{person}matningar/start/"' in fias and "registrera/" not in fias


def test_the_section_costs_the_same_however_many_are_recorded(
    setting: Setting, time_machine
) -> None:
    time_machine.move_to(at(2026, 1, 20))
    referral = started(setting)
    client = Client()

    def queries() -> tuple[int, int]:
        """All the page's queries, and those that read measurements."""
        sign_in(client, setting.ulla)
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/remisser/{referral.pk}/").status_code == 200
        measuring = [q for q in context.captured_queries if "measurements_" in q["sql"]]
        return len(context), len(measuring)

    none_recorded = queries()
    assert none_recorded[1] == 1
    record(referral, Occasion.ENTRY, actor=setting.ulla)
    time_machine.move_to(at(2026, 8, 3))
    referral = ended(setting)
    for occasion in (Occasion.EXIT, Occasion.AFTER_1_MONTH, Occasion.AFTER_6_MONTHS):
        record(referral, occasion, actor=setting.ulla)
    assert queries() == none_recorded
