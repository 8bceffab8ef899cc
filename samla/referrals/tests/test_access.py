"""The provider sees only the persons referred to its own activities, and only what the
referral shares; the person's side reaches referrals through the person."""

from __future__ import annotations

import pytest
from django.test import Client

from samla.accounts.models import Role
from samla.activities.tests.builders import individual
from samla.audit.models import AuditEvent
from samla.notifications.models import Kind, Notice
from samla.people.tests.cast import Cast, sign_in, user
from samla.referrals import actions
from samla.referrals.models import Referral
from samla.referrals.tests.builders import Setting, build


@pytest.fixture
def setting(cast: Cast) -> Setting:
    return build(cast)


def test_the_provider_sees_its_referral_and_only_what_it_shares(
    cast: Cast, setting: Setting, client: Client
) -> None:
    sign_in(client, setting.ulla)
    body = client.get("/remisser/").content.decode()
    assert "Pia Persson" in body
    response = client.get(f"/remisser/{setting.referral.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Pia Persson" in body and "Pia vill prova arbetsträning." in body
    assert cast.pia.formatted_id_number not in body and cast.pia.phone not in body
    audit = AuditEvent.objects.latest("pk")
    assert (audit.participant_id, audit.role, audit.consent_id) == (cast.pia.pk, "provider", None)
    # Ulla is on nobody's team: the person's own pages stay closed to her.
    assert client.get(f"/deltagare/{cast.pia.pk}/").status_code == 404
    assert client.get(f"/deltagare/{cast.pia.pk}/remisser/").status_code == 404


def test_the_provider_does_not_see_referrals_to_other_activities(
    cast: Cast, setting: Setting, client: Client
) -> None:
    elsewhere = individual(cast, name="Tyresö arbetsträning", provider=cast.tyreso)
    other = actions.send_referral(cast.pia, actor=cast.kim, activity=elsewhere, note="Annan.")
    sign_in(client, setting.ulla)
    before = AuditEvent.objects.filter(participant_id__isnull=False).count()
    assert client.get(f"/remisser/{other.pk}/").status_code == 404
    assert client.post(f"/remisser/{other.pk}/receive/").status_code == 404
    assert "Annan." not in client.get("/remisser/").content.decode()
    assert AuditEvent.objects.filter(participant_id__isnull=False).count() == before
    other.refresh_from_db()
    assert other.state == Referral.State.SENT


def test_staff_of_another_provider_get_not_found(
    cast: Cast, setting: Setting, client: Client
) -> None:
    rita = user("rita", "Rita", "Region", cast.region, (Role.ACTIVITY_STAFF, cast.association))
    sign_in(client, rita)
    assert client.get(f"/remisser/{setting.referral.pk}/").status_code == 404
    assert client.post(f"/remisser/{setting.referral.pk}/receive/").status_code == 404
    assert "Pia" not in client.get("/remisser/").content.decode()


def test_the_provider_moves_the_referral_and_the_referrer_is_told(
    cast: Cast, setting: Setting, client: Client
) -> None:
    sign_in(client, setting.ulla)
    url = f"/remisser/{setting.referral.pk}/"
    assert client.post(url + "receive/", {"version": 1}).status_code == 302
    response = client.post(url + "start/", {"started_on": "2026-03-02", "version": 2})
    assert response.status_code == 302
    setting.referral.refresh_from_db()
    assert setting.referral.state == Referral.State.RECEIVED  # start is not allowed yet
    client.post(
        url + "decline/", {"declined_by": "provider", "reason": "Fullt i vår.", "version": 2}
    )
    setting.referral.refresh_from_db()
    assert setting.referral.state == Referral.State.DECLINED
    assert Notice.objects.filter(user=cast.kim, kind=Kind.REFERRAL_CHANGED).count() == 2
    assert client.post(url + "bogus/").status_code == 404


def test_the_coordinator_sends_withdraws_and_reopens(
    cast: Cast, setting: Setting, client: Client
) -> None:
    sign_in(client, cast.kim)
    base = f"/deltagare/{cast.pia.pk}/remisser/"
    response = client.post(
        base + "ny/", {"activity": setting.activity.pk, "priority": 1, "note": "Andra gången."}
    )
    referral = Referral.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == referral.get_absolute_url()
    assert client.get(base).status_code == 200
    client.post(f"{base}{referral.pk}/withdraw/", {"note": "", "version": 1})
    referral.refresh_from_db()
    assert referral.state == Referral.State.WITHDRAWN
    client.post(f"{base}{referral.pk}/reopen/", {"note": "Pia ångrade sig.", "version": 2})
    referral.refresh_from_db()
    assert referral.state == Referral.State.SENT
    body = client.get(f"{base}{referral.pk}/").content.decode()
    assert "Pia ångrade sig." in body and "Återkallad" in body


def test_a_referral_without_consent_is_refused_in_swedish(cast: Cast, client: Client) -> None:
    setting = build(cast, with_consent=False)
    sign_in(client, cast.kim)
    response = client.post(
        f"/deltagare/{cast.pia.pk}/remisser/ny/",
        {"activity": setting.activity.pk, "priority": 0, "note": "x"},
    )
    assert response.status_code == 422
    assert "inget gällande samtycke" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_consenting_handler_reads_but_does_not_send(
    cast: Cast, setting: Setting, client: Client
) -> None:
    sign_in(client, cast.fia)
    base = f"/deltagare/{cast.pia.pk}/remisser/"
    assert client.get(f"{base}{setting.referral.pk}/").status_code == 200
    assert client.get(base + "ny/").status_code == 403
    assert client.post(f"{base}{setting.referral.pk}/withdraw/").status_code == 403


def test_the_participant_page_leads_to_the_referrals_for_those_who_may_read_them(
    cast: Cast, setting: Setting, client: Client
) -> None:
    link = f'href="/deltagare/{cast.pia.pk}/remisser/"'
    sign_in(client, cast.kim)
    assert link in client.get(f"/deltagare/{cast.pia.pk}/").content.decode()
    sign_in(client, cast.fia)  # her consent includes work and studies
    assert link in client.get(f"/deltagare/{cast.pia.pk}/").content.decode()
