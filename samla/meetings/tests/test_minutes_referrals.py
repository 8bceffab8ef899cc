"""A referral decided in the minutes is checked against the consent while the minutes are written
and in the preparation, not only at saving; and a refusal never loses what was typed
(issue 14, item 5)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.http.response import HttpResponseBase
from django.test import Client

from samla.meetings.models import Decision, Invitation, Meeting
from samla.meetings.tests.matrix import PiasCouncil, build_council
from samla.meetings.tests.test_minutes import decision, minutes_form, url
from samla.people.tests.cast import Cast, sign_in
from samla.plans.models import Plan
from samla.plans.tests.matrix import build_agreed_plan
from samla.referrals.models import Referral
from samla.referrals.tests.builders import build as referral_setting
from samla.referrals.tests.builders import consent_for_provider

REFUSED = "inget gällande samtycke låter Arbetsmarknadsenheten Södertörn"
TYPED_MINUTES = "Pia berättade om sin vecka och att hon vill börja arbetsträna i vår."


@pytest.fixture
def held(cast: Cast, time_machine) -> PiasCouncil:
    pias = build_council(cast)
    assert pias.council.starts_at is not None
    time_machine.move_to(pias.council.starts_at + timedelta(minutes=10))
    return pias


def page_of(response: HttpResponseBase) -> str:
    content: bytes = getattr(response, "content", b"")
    return unescape(content.decode())


def test_the_minutes_form_marks_an_activity_the_consent_does_not_permit(
    cast: Cast, client: Client, held: PiasCouncil
) -> None:
    setting = referral_setting(cast, with_consent=False)
    sign_in(client, cast.kim)
    page = page_of(client.get(url(held.council, "protokoll/")))
    assert "Insatser som mötet kan remittera personen till" in page
    assert REFUSED in page
    option = f'<option value="{setting.activity.pk}" disabled>'
    assert option in page
    assert "Mia Vidare – går inte: Remissen kan inte skickas" in page

    consent_for_provider(cast)
    page = page_of(client.get(url(held.council, "protokoll/")))
    assert REFUSED not in page
    assert f'<option value="{setting.activity.pk}">Mia Vidare</option>' in page
    assert "samtycket medger remiss" in page


def test_the_preparation_shows_which_providers_the_consent_permits(
    cast: Cast, client: Client
) -> None:
    council = build_council(cast, summon=False).council
    referral_setting(cast, with_consent=False)
    sign_in(client, cast.kim)
    page = page_of(client.get(url(council, "forbered/")))
    assert "Mia Vidare (Arbetsmarknadsenheten Södertörn)" in page
    assert REFUSED in page


def test_a_refused_referral_keeps_every_field_as_typed_with_the_reason(
    cast: Cast, client: Client, held: PiasCouncil
) -> None:
    build_agreed_plan(cast)
    setting = referral_setting(cast, with_consent=False)
    sign_in(client, cast.kim)
    form = minutes_form(held.council, minutes=TYPED_MINUTES) | decision(
        0,
        cast.tyreso.pk,
        "Pia börjar i Mia Vidare.",
        activity=setting.activity.pk,
        need="Arbetsträning",
    )
    form |= decision(1, cast.fk.pk, "FK utreder rehabiliteringsersättning.")
    response = client.post(url(held.council, "protokoll/"), form)
    page = page_of(response)
    assert response.status_code == 422
    assert REFUSED in page
    assert TYPED_MINUTES in page
    assert "Pia börjar i Mia Vidare." in page and 'value="Arbetsträning"' in page
    assert "FK utreder rehabiliteringsersättning." in page
    assert f'<option value="{cast.fk.pk}" selected>' in page
    assert re.search(r'<input type="radio" name="person_present" value="yes"[^>]* checked', page)
    for invitation in Invitation.objects.filter(meeting=held.council):
        assert re.search(rf'name="attended_{invitation.pk}"[^>]* checked', page)
    assert not Decision.objects.exists() and not Referral.objects.exists()
    assert Meeting.objects.get(pk=held.council.pk).state == Meeting.State.PLANNED


def test_a_refusal_at_saving_keeps_what_was_typed(
    cast: Cast, client: Client, held: PiasCouncil
) -> None:
    """The action refuses (no open plan and no goals to start one): the page comes back with
    the minutes and the decision as typed and the reason."""
    assert not Plan.objects.exists()
    sign_in(client, cast.kim)
    form = minutes_form(held.council, minutes=TYPED_MINUTES) | decision(
        0, cast.fk.pk, "FK utreder rehabiliteringsersättning."
    )
    response = client.post(url(held.council, "protokoll/"), form)
    page = page_of(response)
    assert response.status_code == 422
    assert "Personen har ingen öppen plan" in page
    assert TYPED_MINUTES in page and "FK utreder rehabiliteringsersättning." in page
    assert Meeting.objects.get(pk=held.council.pk).minutes == ""
