"""Who reads and records measurements: the provider's activity staff for their own activities;
on the person's side, the controlling organisation's coordinator records and others read as far
as their consent allows. Everyone else: 404, nothing logged. Every read and write is logged."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from samla.accounts.models import Role
from samla.audit.models import AuditEvent
from samla.measurements.models import IncomeSourceKind, Measurement, Occasion
from samla.measurements.tests.builders import ENDED_ON, ended, form_data, record, started
from samla.measurements.tests.conftest import at
from samla.people.tests.cast import Cast, sign_in, user
from samla.referrals.models import Referral
from samla.referrals.tests.builders import Setting


@pytest.fixture
def taking_part(setting: Setting, time_machine) -> Referral:
    """Pia started on 12 January, on a salary for a quarter and social assistance for the rest;
    she feels 'Ganska dåligt'."""
    referral = started(setting)
    time_machine.move_to(at(2026, 1, 20))
    record(
        referral,
        Occasion.ENTRY,
        actor=setting.ulla,
        income_sources=[(IncomeSourceKind.SALARY, 25), (IncomeSourceKind.SOCIAL_ASSISTANCE, 75)],
        wellbeing=2,
        closeness=4,
    )
    return referral


def person_url(cast: Cast, referral: Referral, rest: str = "start/") -> str:
    return f"/deltagare/{cast.pia.pk}/remisser/{referral.pk}/matningar/{rest}"


def test_fia_reads_income_but_not_wellbeing_which_her_consent_excludes(
    cast: Cast, taking_part: Referral, client: Client
) -> None:
    sign_in(client, cast.fia)
    response = client.get(person_url(cast, taking_part))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Lön, 25 %" in body and "Ekonomiskt bistånd, 75 %" in body
    assert "Visas inte: samtycket omfattar inte hälsa." in body
    assert "Ganska dåligt" not in body
    assert "4 – Ganska nära" in body  # closeness goes with work and studies
    audit = AuditEvent.objects.latest("pk")
    assert (audit.actor_id, audit.participant_id, audit.consent_id, audit.summary) == (
        cast.fia.pk,
        cast.pia.pk,
        cast.consent_fk.pk,
        "Mätning",
    )
    # Reading is all: no form for her, and the provider's address shows her the same.
    assert "Ändra mätningen" not in body
    assert client.get(person_url(cast, taking_part, "start/registrera/")).status_code == 403
    other_side = client.get(f"/remisser/{taking_part.pk}/matningar/start/")
    assert other_side.status_code == 200
    assert "Visas inte: samtycket omfattar inte hälsa." in other_side.content.decode()
    before = Measurement.objects.get().version
    assert (
        client.post(person_url(cast, taking_part, "start/registrera/"), form_data()).status_code
        == 403
    )
    assert Measurement.objects.get().version == before


def test_a_consent_without_income_hides_the_income_sources(
    cast: Cast, taking_part: Referral, client: Client
) -> None:
    cast.consent_fk.categories_included = ["work_studies"]
    type(cast.consent_fk).objects.filter(pk=cast.consent_fk.pk).update(
        categories_included=["work_studies"]
    )
    sign_in(client, cast.fia)
    body = client.get(person_url(cast, taking_part)).content.decode()
    assert "Visas inte: samtycket omfattar inte inkomst." in body
    assert "Lön" not in body


def test_the_coordinator_sees_everything_and_records_the_follow_up(
    cast: Cast, setting: Setting, client: Client, time_machine
) -> None:
    time_machine.move_to(at(2026, 3, 2))
    referral = ended(setting, ended_on=ENDED_ON)
    sign_in(client, cast.kim)
    url = person_url(cast, referral, "efter-en-manad/registrera/")
    page = client.get(url).content.decode()
    assert "Tid med offentlig försörjning" not in page  # entry only
    data = form_data(measured_on="2026-03-02", wellbeing="4")
    del data["support_time"]
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == person_url(
        cast, referral, "efter-en-manad/"
    )
    saved = Measurement.objects.get()
    assert (saved.occasion, saved.measured_on, saved.wellbeing, saved.recorded_by) == (
        Occasion.AFTER_1_MONTH,
        date(2026, 3, 2),
        4,
        cast.kim,
    )
    write = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).latest("pk")
    assert (write.actor_id, write.participant_id, write.summary) == (
        cast.kim.pk,
        cast.pia.pk,
        "Mätning (after_1)",
    )
    body = client.get(person_url(cast, referral, "efter-en-manad/")).content.decode()
    assert "4 – Ganska bra" in body


def test_ulla_reads_and_records_on_the_providers_side(
    cast: Cast, setting: Setting, client: Client, time_machine
) -> None:
    referral = started(setting)
    time_machine.move_to(at(2026, 1, 20))
    sign_in(client, setting.ulla)
    url = f"/remisser/{referral.pk}/matningar/start/"
    assert "Ingen mätning är registrerad ännu." in client.get(url).content.decode()
    response = client.post(url + "registrera/", form_data())
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url)
    body = page.content.decode()
    assert "Ekonomiskt bistånd, 100 %" in body and "2 – Ganska dåligt" in body
    assert "2–5 år" in body
    reads = AuditEvent.objects.filter(actor_id=setting.ulla.pk, action=AuditEvent.Action.VIEW)
    assert reads.latest("pk").role == "provider"
    assert reads.filter(participant_id=cast.pia.pk).count() == 3  # two pages and the post
    write = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, actor_id=setting.ulla.pk)
    assert write.participant_id == cast.pia.pk
    # Ulla is on nobody's team: the person's side stays closed to her.
    assert client.get(person_url(cast, referral)).status_code == 404


@pytest.mark.parametrize("who", ["colleague", "other_provider"])
def test_staff_without_the_role_or_of_another_provider_get_not_found(
    who: str, cast: Cast, taking_part: Referral, client: Client
) -> None:
    if who == "colleague":  # Ulla's colleague at AME, without the role activity staff
        outsider = user("ulf", "Ulf", "Kollega", taking_part.activity.provider)
    else:
        outsider = user(
            "rita", "Rita", "Region", cast.region, (Role.ACTIVITY_STAFF, cast.association)
        )
    sign_in(client, outsider)
    before = (AuditEvent.objects.count(), Measurement.objects.get().version)
    base = f"/remisser/{taking_part.pk}/matningar/"
    assert client.get(base + "start/").status_code == 404
    assert client.get(base + "avslut/registrera/").status_code == 404
    assert client.post(base + "start/registrera/", form_data(version="1")).status_code == 404
    assert (AuditEvent.objects.count(), Measurement.objects.get().version) == before


def test_an_unknown_occasion_is_not_found(setting: Setting, client: Client) -> None:
    referral = started(setting)
    sign_in(client, setting.ulla)
    before = AuditEvent.objects.count()
    assert client.get(f"/remisser/{referral.pk}/matningar/imorgon/").status_code == 404
    assert AuditEvent.objects.count() == before
