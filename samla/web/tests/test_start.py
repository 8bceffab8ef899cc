"""The start page per role: the provider's activity staff see the referrals nobody has answered
yet (issue 14 item 6), not only under "Våra insatser"."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from samla.audit.models import AuditEvent
from samla.people.tests.cast import Cast, sign_in
from samla.referrals import actions
from samla.referrals.models import Referral
from samla.referrals.tests.builders import Setting, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(cast: Cast) -> Setting:
    return build(cast)


def send(cast: Cast, setting: Setting) -> Referral:
    return actions.send_referral(
        cast.pia, actor=cast.kim, activity=setting.activity, note="Vill börja snart."
    )


def test_the_provider_s_start_page_lists_new_referrals_with_a_link_and_their_count(
    cast: Cast, setting: Setting, client: Client
) -> None:
    received = actions.receive(send(cast, setting), actor=setting.ulla)
    answered = actions.receive(send(cast, setting), actor=setting.ulla)
    actions.accept(answered, actor=setting.ulla)  # answered: not new any more
    sign_in(client, setting.ulla)
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nya remisser att svara på (2)" in body
    for referral in (setting.referral, received):
        assert f'<a href="/remisser/{referral.pk}/">Pia Persson</a>' in body
    assert body.count("<td>Mia Vidare</td>") == 2
    assert '<a href="/remisser/">Våra insatser: remisser och deltagare</a>' in body
    audit = AuditEvent.objects.latest("pk")
    assert (audit.role, audit.summary) == ("provider", "Startsidan, nya remisser (2 visade)")


def test_one_new_referral_and_none(cast: Cast, setting: Setting, client: Client) -> None:
    sign_in(client, setting.ulla)
    assert "Ny remiss att svara på (1)" in client.get("/").content.decode()
    actions.accept(actions.receive(setting.referral, actor=setting.ulla), actor=setting.ulla)
    body = client.get("/").content.decode()
    assert "Nya remisser att svara på (0)" in body
    assert "Inga nya remisser." in body


def test_others_get_no_such_section(cast: Cast, setting: Setting, client: Client) -> None:
    sign_in(client, cast.kim)  # the referrer: their referrals are on the person's page
    body = client.get("/").content.decode()
    assert "att svara på" not in body and "Inga nya remisser." not in body


def test_the_queries_do_not_grow_with_the_referrals(
    cast: Cast,
    setting: Setting,
    client: Client,
    django_assert_max_num_queries: Callable[[int], AbstractContextManager[object]],
) -> None:
    sign_in(client, setting.ulla)
    client.get("/")  # settle the session and the caches
    with CaptureQueriesContext(connection) as one:
        assert "(1)" in client.get("/").content.decode()
    for _ in range(6):
        send(cast, setting)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert "Nya remisser att svara på (7)" in client.get("/").content.decode()
