"""Whether an activity takes the person now (issue 14 item 7): a referral to an activity whose
period has ended, or not begun, is refused wherever it is made, and ended activities are not
offered; a person outside the activity's target groups or ages is referred only after a
warning."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from samla.activities.models import Activity
from samla.activities.tests.builders import individual
from samla.organisations.models import AssociationMember, Organisation
from samla.people.models import Participant, TargetGroup
from samla.people.tests.cast import Cast, organisation, sign_in
from samla.referrals import actions, eligibility
from samla.referrals.models import Referral
from samla.referrals.tests.builders import Setting, build

pytestmark = pytest.mark.django_db

# The day the walk-through referred someone to SAMS 2010–2013.
DAY = datetime(2026, 12, 6, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
NOTE = "Vill prova arbetsträning."


@pytest.fixture
def setting(cast: Cast) -> Setting:
    with time_machine.travel(DAY, tick=False):
        return build(cast)


@pytest.fixture
def clock() -> object:
    with time_machine.travel(DAY, tick=False) as traveller:
        yield traveller


def post(client: Client, cast: Cast, activity_pk: int, **extra: str) -> str:
    response = client.post(
        f"/deltagare/{cast.pia.pk}/remisser/ny/",
        {"activity": activity_pk, "priority": "2", "note": NOTE, **extra},
    )
    return f"{response.status_code} {response.content.decode()}"


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "message"),
    [
        (
            date(2010, 1, 1),
            date(2013, 12, 31),
            "SAMS 2010–2013 slutade 31 december 2013 och tar inte emot remisser längre.",
        ),
        (
            date(2027, 1, 1),
            None,
            "SAMS 2010–2013 börjar först 1 januari 2027 och tar inte emot remisser före det.",
        ),
    ],
)
def test_a_referral_outside_the_activity_s_period_is_refused_and_keeps_what_was_typed(
    cast: Cast,
    setting: Setting,
    client: Client,
    clock: object,
    starts_on: date,
    ends_on: date | None,
    message: str,
) -> None:
    sams = individual(cast, name="SAMS 2010–2013", starts_on=starts_on, ends_on=ends_on)
    sign_in(client, cast.kim)
    before = Referral.objects.count()
    page = post(client, cast, sams.pk)
    assert page.startswith("422 ")
    assert message in page
    assert f"\n{NOTE}</textarea>" in page and 'value="2"' in page  # the note and priority kept
    assert Referral.objects.count() == before


def test_the_form_offers_only_activities_that_run_today(
    cast: Cast, setting: Setting, client: Client, clock: object
) -> None:
    sams = individual(
        cast, name="SAMS 2010–2013", starts_on=date(2010, 1, 1), ends_on=date(2013, 12, 31)
    )
    sign_in(client, cast.kim)
    page = client.get(f"/deltagare/{cast.pia.pk}/remisser/ny/").content.decode()
    assert f'<option value="{setting.activity.pk}">Mia Vidare</option>' in page
    assert "SAMS 2010–2013" not in page
    assert list(actions.referable_activities(cast.pia)) == [setting.activity]
    assert sams.runs_on(date(2013, 12, 31)) and not sams.runs_on(date(2014, 1, 1))


def test_every_way_of_referring_keeps_the_rule(cast: Cast, setting: Setting, clock: object) -> None:
    """A decision in a meeting's minutes and the demo send through ``send_referral``, which
    checks the period with the rest of ``check_can_refer``."""
    sams = individual(
        cast, name="SAMS 2010–2013", starts_on=date(2010, 1, 1), ends_on=date(2013, 12, 31)
    )
    with pytest.raises(ValidationError, match="slutade 31 december 2013"):
        actions.check_can_refer(cast.pia, sams)
    with pytest.raises(ValidationError, match="slutade 31 december 2013"):
        actions.send_referral(cast.pia, actor=cast.kim, activity=sams, note=NOTE)
    assert not Referral.objects.filter(activity=sams).exists()


def test_a_person_outside_the_target_groups_is_referred_only_after_a_warning(
    cast: Cast, setting: Setting, client: Client, clock: object
) -> None:
    sick = TargetGroup.objects.create(
        association=cast.association, code="long_term_sick", name="Långtidssjukskrivna"
    )
    cast.pia.target_groups.set([sick])  # Mia Vidare is for young unemployed 16–29
    sign_in(client, cast.kim)
    before = Referral.objects.count()

    page = post(client, cast, setting.activity.pk)
    assert page.startswith("422 ")
    assert (
        "Personen hör inte till någon av målgrupperna för Mia Vidare: unga arbetslösa 16–29 år."
        in page
    )
    assert 'type="checkbox" name="confirm"' in page
    assert "Kryssa i att du har läst varningen" in page
    assert f"\n{NOTE}</textarea>" in page
    assert Referral.objects.count() == before

    confirmed = client.post(
        f"/deltagare/{cast.pia.pk}/remisser/ny/",
        {"activity": setting.activity.pk, "priority": "2", "note": NOTE, "confirm": "on"},
    )
    assert confirmed.status_code == 302
    assert Referral.objects.count() == before + 1
    assert Referral.objects.latest("pk").note == NOTE


def test_a_person_in_a_target_group_is_referred_without_a_warning(
    cast: Cast, setting: Setting, client: Client, clock: object
) -> None:
    cast.pia.target_groups.set(setting.activity.target_groups.all())
    sign_in(client, cast.kim)
    response = client.post(
        f"/deltagare/{cast.pia.pk}/remisser/ny/",
        {"activity": setting.activity.pk, "priority": "0", "note": NOTE},
    )
    assert response.status_code == 302


# Mia Vidare for 16–29 år: the person's age in whole years on the referral day, 6 December 2026.
AGE_WARNING = "Personen är 30 år och Mia Vidare är för personer 16–29 år."


def young_adults(setting: Setting, cast: Cast, born: date | None) -> None:
    Activity.objects.filter(pk=setting.activity.pk).update(min_age=16, max_age=29)
    cast.pia.target_groups.set(setting.activity.target_groups.all())
    Participant.objects.filter(pk=cast.pia.pk).update(birth_date=born)


def test_a_person_above_the_activity_s_ages_is_referred_only_after_a_warning(
    cast: Cast, setting: Setting, client: Client, clock: object
) -> None:
    young_adults(setting, cast, born=date(1996, 12, 6))  # 30 today
    sign_in(client, cast.kim)
    before = Referral.objects.count()

    page = post(client, cast, setting.activity.pk)
    assert page.startswith("422 ")
    assert AGE_WARNING in page
    assert "målgrupperna" not in page  # in a target group: only the age is warned of
    assert 'type="checkbox" name="confirm"' in page
    assert "Kryssa i att du har läst varningen" in page
    assert f"\n{NOTE}</textarea>" in page and 'value="2"' in page
    assert Referral.objects.count() == before

    confirmed = post(client, cast, setting.activity.pk, confirm="on")
    assert confirmed.startswith("302 ")
    assert Referral.objects.count() == before + 1
    assert Referral.objects.latest("pk").note == NOTE


@pytest.mark.parametrize(
    ("born", "warning"),
    [
        (date(1996, 12, 7), ""),  # 29 until tomorrow
        (date(2010, 12, 6), ""),  # 16 today
        (date(2010, 12, 7), "Personen är 15 år och Mia Vidare är för personer 16–29 år."),
    ],
)
def test_the_age_is_counted_on_the_referral_day(
    cast: Cast, setting: Setting, clock: object, born: date, warning: str
) -> None:
    young_adults(setting, cast, born=born)
    cast.pia.refresh_from_db()
    setting.activity.refresh_from_db()
    assert eligibility.warnings_for(cast.pia, setting.activity) == ([warning] if warning else [])


def test_a_person_without_a_registered_birth_date_gets_no_age_warning(
    cast: Cast, setting: Setting, client: Client, clock: object
) -> None:
    young_adults(setting, cast, born=None)
    sign_in(client, cast.kim)
    before = Referral.objects.count()
    assert post(client, cast, setting.activity.pk).startswith("302 ")
    assert Referral.objects.count() == before + 1


def test_outside_both_target_groups_and_ages_the_referrer_reads_both(
    cast: Cast, setting: Setting, client: Client, clock: object
) -> None:
    young_adults(setting, cast, born=date(1996, 12, 6))
    sick = TargetGroup.objects.create(
        association=cast.association, code="long_term_sick", name="Långtidssjukskrivna"
    )
    cast.pia.target_groups.set([sick])
    sign_in(client, cast.kim)
    page = post(client, cast, setting.activity.pk)
    assert page.startswith("422 ")
    assert "Personen hör inte till någon av målgrupperna för Mia Vidare" in page
    assert AGE_WARNING in page


def test_a_provider_the_consent_does_not_name_is_refused_before_any_warning(
    cast: Cast, setting: Setting, client: Client, clock: object
) -> None:
    other = organisation("Nya Steget AB", Organisation.Kind.PROVIDER, "556677-8899")
    AssociationMember.objects.create(
        association=cast.association, organisation=other, kind=AssociationMember.Kind.PARTNER
    )
    steget = individual(cast, name="Nya Steget", provider=other)
    sick = TargetGroup.objects.create(
        association=cast.association, code="long_term_sick", name="Långtidssjukskrivna"
    )
    cast.pia.target_groups.set([sick])  # outside Nya Steget's groups: a warning, were it asked
    sign_in(client, cast.kim)

    page = post(client, cast, steget.pk)

    assert page.startswith("422 ")
    assert "samtycke" in page and "Nya Steget AB" in page
    assert 'type="checkbox" name="confirm"' not in page  # no warning to confirm first
    assert f"\n{NOTE}</textarea>" in page


def test_with_nothing_to_refer_to_the_form_says_why(
    cast: Cast, setting: Setting, client: Client, clock: object
) -> None:
    Activity.objects.filter(association=cast.association).update(ends_on=date(2025, 12, 31))
    sign_in(client, cast.kim)
    page = client.get(f"/deltagare/{cast.pia.pk}/remisser/ny/").content.decode()
    assert "Förbundet har ingen insats som tar emot remisser i dag" in page
