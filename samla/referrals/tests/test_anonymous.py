"""Anonymous participations (R5): registered by the provider with sex and start year only, and
counted wherever a number is shown, exactly like identified ones."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from samla.people.models import Participant
from samla.people.tests.cast import Cast, sign_in
from samla.referrals import actions
from samla.referrals.figures import participations
from samla.referrals.models import ExitReason, Referral
from samla.referrals.tests.builders import Setting, build

DAY = date(2026, 3, 2)


@pytest.fixture
def setting(cast: Cast) -> Setting:
    return build(cast)


def test_the_provider_registers_an_anonymous_participation(
    cast: Cast, setting: Setting, client: Client
) -> None:
    sign_in(client, setting.ulla)
    url = f"/utforare/insatser/{setting.activity.pk}/anonym/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"sex": "F", "start_year": "2026", "started_on": "2026-03-02"}, follow=True
    )
    assert "Det anonyma deltagandet är registrerat." in response.content.decode()
    referral = Referral.objects.get(participant__kind=Participant.Kind.ANONYMOUS)
    participant = referral.participant
    assert (participant.sex, participant.start_year, participant.first_name) == ("F", 2026, "")
    assert participant.controlling_organisation == setting.activity.provider
    assert (referral.state, referral.started_on) == ("started", DAY)
    body = response.content.decode()
    assert f"Anonym deltagare {participant.pk}" in body
    assert "1 av 20 platser tagna." in body
    register = client.get(
        f"/utforare/insatser/{setting.activity.pk}/narvaro/?day=2026-03-02"
    ).content.decode()
    assert f"Anonym deltagare {participant.pk}" in register


def test_bad_input_registers_nothing(setting: Setting, client: Client) -> None:
    sign_in(client, setting.ulla)
    response = client.post(
        f"/utforare/insatser/{setting.activity.pk}/anonym/",
        {"sex": "Q", "start_year": "1850", "started_on": "igår"},
    )
    assert response.status_code == 422
    assert not Participant.objects.filter(kind=Participant.Kind.ANONYMOUS).exists()


def test_an_anonymous_participation_takes_a_place(cast: Cast, setting: Setting) -> None:
    setting.activity.capacity = 1
    setting.activity.save()
    actions.register_anonymous_participation(
        setting.activity, actor=setting.ulla, sex="M", start_year=2026, started_on=DAY
    )
    with pytest.raises(actions.ActivityFull):
        actions.register_anonymous_participation(
            setting.activity, actor=setting.ulla, sex="F", start_year=2026, started_on=DAY
        )
    assert Participant.objects.filter(kind=Participant.Kind.ANONYMOUS).count() == 1


def test_only_the_provider_registers_in_its_own_activity(cast: Cast, setting: Setting) -> None:
    with pytest.raises(ValidationError):
        actions.register_anonymous_participation(
            setting.activity, actor=cast.kim, sex="M", start_year=2026, started_on=DAY
        )


def test_figures_count_anonymous_participations_like_any_other(
    cast: Cast, setting: Setting
) -> None:
    referral = actions.receive(setting.referral, actor=setting.ulla)
    referral = actions.accept(referral, actor=setting.ulla)
    referral = actions.start(referral, actor=setting.ulla, started_on=DAY)
    actions.end(referral, actor=setting.ulla, ended_on=DAY, exit_reason=ExitReason.STUDIES)
    for sex in ("M", "F", "X"):
        actions.register_anonymous_participation(
            setting.activity, actor=setting.ulla, sex=sex, start_year=2026, started_on=DAY
        )
    # Pia again, in the same activity: each participation counts on its own.
    again = actions.send_referral(cast.pia, actor=cast.kim, activity=setting.activity, note="Igen.")
    for step in (actions.receive, actions.accept):
        again = step(again, actor=setting.ulla)
    actions.start(again, actor=setting.ulla, started_on=date(2026, 6, 1))

    counted = participations(cast.association, 2026)
    assert (counted.total, counted.anonymous) == (5, 3)
    assert counted.by_activity == {setting.activity.pk: 5}
    assert counted.by_sex == {"F": 3, "M": 1, "X": 1}  # Pia twice
    assert (counted.ended, counted.by_exit_reason) == (1, {"studies": 1})
    assert participations(cast.association, 2025).total == 0
