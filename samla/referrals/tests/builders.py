"""Referrals for the tests, around the shared cast: Mia Vidare, an individual activity run by
Arbetsmarknadsenheten Södertörn (AME), whose staff member Ulla has the role activity staff in
Östra Södertörn and is on nobody's team. Pia has a consent in force naming AME."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from samla.accounts.models import Role, User
from samla.activities.models import Activity
from samla.activities.tests.builders import individual, provider
from samla.people.models import Consent, InformationCategory
from samla.people.tests.cast import Cast, user
from samla.referrals import actions
from samla.referrals.models import Referral


@dataclass
class Setting:
    activity: Activity
    ulla: User
    referral: Referral


def consent_for_provider(cast: Cast) -> Consent:
    today = timezone.localdate()
    consent = Consent.objects.create(
        participant=cast.pia,
        categories_included=[InformationCategory.WORK_STUDIES],
        form=Consent.Form.WRITTEN,
        given_by=Consent.GivenBy.PERSON,
        valid_from=today - timedelta(days=1),
        valid_to=today + timedelta(days=300),
        recorded_by=cast.kim,
    )
    consent.organisations.set([provider(cast)])
    return consent


def build(cast: Cast, *, with_consent: bool = True) -> Setting:
    activity = individual(cast)
    ulla = user("ulla", "Ulla", "Utförare", provider(cast), (Role.ACTIVITY_STAFF, cast.association))
    if with_consent:
        consent_for_provider(cast)
    referral = (
        actions.send_referral(
            cast.pia, actor=cast.kim, activity=activity, note="Pia vill prova arbetsträning."
        )
        if with_consent
        else Referral()
    )
    return Setting(activity=activity, ulla=ulla, referral=referral)
