"""Each occasion is recorded when the participation has come far enough, and refused before,
in Swedish, with nothing saved."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from samla.audit.models import AuditEvent
from samla.measurements.models import Measurement, Occasion
from samla.measurements.occasions import add_months, due_on
from samla.measurements.tests.builders import ENDED_ON, ended, form_data, record, started
from samla.measurements.tests.conftest import at
from samla.people.tests.cast import sign_in
from samla.referrals.models import ExitReason
from samla.referrals.tests.builders import Setting


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 15), -6, date(2025, 7, 15)),
    ],
)
def test_months_are_calendar_months_ending_on_the_months_last_day(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


def test_nothing_can_be_recorded_before_the_participation_starts(
    setting: Setting, client: Client
) -> None:
    with pytest.raises(ValidationError, match="när deltagandet har startat"):
        record(setting.referral, Occasion.ENTRY, actor=setting.ulla)
    sign_in(client, setting.ulla)
    url = f"/remisser/{setting.referral.pk}/matningar/start/registrera/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Mätningen vid start kan göras när deltagandet har startat." in page.content.decode()
    assert 'name="occupation"' not in page.content.decode()
    refused = client.post(url, form_data())
    assert refused.status_code == 422
    assert "Inget sparades." in refused.content.decode()
    assert not Measurement.objects.exists()


def test_entry_once_started_exit_once_ended_and_the_follow_ups_a_month_and_six_after(
    setting: Setting, time_machine
) -> None:
    time_machine.move_to(at(2026, 1, 20))
    referral = started(setting)
    assert record(referral, Occasion.ENTRY, actor=setting.ulla).measured_on == date(2026, 1, 12)
    for occasion in (Occasion.EXIT, Occasion.AFTER_1_MONTH, Occasion.AFTER_6_MONTHS):
        with pytest.raises(ValidationError, match="när deltagandet är avslutat"):
            record(referral, occasion, actor=setting.ulla, measured_on=date(2026, 1, 20))

    time_machine.move_to(at(2026, 2, 2))
    referral = ended(setting, ended_on=ENDED_ON)
    record(referral, Occasion.EXIT, actor=setting.ulla, measured_on=ENDED_ON)
    # 31 January + 1 month: 28 February.
    assert due_on(referral, Occasion.AFTER_1_MONTH) == date(2026, 2, 28)
    with pytest.raises(ValidationError, match="från och med 2026-02-28"):
        record(referral, Occasion.AFTER_1_MONTH, actor=setting.ulla, measured_on=date(2026, 2, 2))

    time_machine.move_to(at(2026, 2, 28))
    record(referral, Occasion.AFTER_1_MONTH, actor=setting.ulla, measured_on=date(2026, 2, 28))
    with pytest.raises(ValidationError, match="från och med 2026-07-31"):
        record(referral, Occasion.AFTER_6_MONTHS, actor=setting.ulla, measured_on=date(2026, 2, 28))

    time_machine.move_to(at(2026, 8, 3))
    record(referral, Occasion.AFTER_6_MONTHS, actor=setting.ulla, measured_on=date(2026, 8, 3))
    assert sorted(Measurement.objects.values_list("occasion", flat=True)) == sorted(Occasion.values)


def test_support_time_is_asked_at_entry_only(setting: Setting, time_machine) -> None:
    time_machine.move_to(at(2026, 2, 2))
    referral = ended(setting)
    record(referral, Occasion.ENTRY, actor=setting.ulla, support_time="over_5")
    with pytest.raises(ValidationError, match="bara vid start"):
        record(referral, Occasion.EXIT, actor=setting.ulla, support_time="over_5")
    assert Measurement.objects.get().support_time == "over_5"


def test_a_measurement_is_not_dated_in_the_future(setting: Setting, client: Client) -> None:
    referral = started(setting, started_on=date(2026, 1, 2))
    sign_in(client, setting.ulla)
    response = client.post(
        f"/remisser/{referral.pk}/matningar/start/registrera/",
        form_data(measured_on="2026-01-05"),
    )
    assert response.status_code == 422
    assert "Datumet kan inte ligga i framtiden." in response.content.decode()
    assert not Measurement.objects.exists()


def test_a_reopened_participation_waits_for_its_new_end(setting: Setting, time_machine) -> None:
    from samla.referrals import actions as referral_actions

    time_machine.move_to(at(2026, 2, 2))
    referral = ended(setting, exit_reason=ExitReason.IN_ERROR)
    referral = referral_actions.reopen(referral, actor=setting.ulla, note="Avslutad av misstag.")
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="när deltagandet är avslutat"):
        record(referral, Occasion.EXIT, actor=setting.ulla)
    assert AuditEvent.objects.count() == before
