"""The demo's referrals: Mia Vidare full, with a waitlist, an offer, an unanswered referral,
participations under way and ended, anonymous participations and this week's attendance."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from samla.accounts.models import User
from samla.activities.models import Activity
from samla.demo.activities import MIA_VIDARE
from samla.demo.referrals import PROVIDER_LOGIN
from samla.referrals.models import Attendance, Referral

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_mia_vidare_is_full_and_keeps_a_waitlist() -> None:
    mia = Activity.objects.get(name=MIA_VIDARE)
    referrals = Referral.objects.filter(activity=mia)
    assert referrals.holding_places().count() == mia.capacity == 20
    states = {str(s): referrals.filter(state=s).count() for s in Referral.State}
    assert states["waitlisted"] == 2 and states["offered"] == 1
    assert states["ended"] == 5 and states["started"] == 17
    assert referrals.filter(participant__kind="anonymous").count() == 3
    assert referrals.unanswered().count() == 1
    assert set(referrals.filter(state="ended").values_list("exit_reason", flat=True)) >= {
        "work_subsidised",
        "studies",
    }
    assert Attendance.objects.filter(referral__activity=mia).exists()


def test_the_provider_login_sees_its_board(client: Client, settings: Any) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    client.force_login(User.objects.get(username=PROVIDER_LOGIN))
    body = client.get("/remisser/").content.decode()
    assert "20 av 20 platser tagna." in body
    assert "obesvarad" in body and "Erbjudna platser" in body


def test_participations_have_their_measurements() -> None:
    mia = Activity.objects.get(name=MIA_VIDARE)
    ended = Referral.objects.filter(activity=mia, state="ended")
    for referral in ended:
        occasions = set(referral.measurements.values_list("occasion", flat=True))
        assert occasions == {"entry", "exit", "after_1"}
    subsidised = ended.get(exit_reason="work_subsidised")
    assert subsidised.measurements.get(occasion="exit").occupation == "employed_subsidised"
    identified_under_way = Referral.objects.filter(
        activity=mia, state="started", participant__kind="identified"
    )
    assert all(r.measurements.filter(occasion="entry").exists() for r in identified_under_way)
