"""The daily run for referrals (``SAMLA_DAILY_TASKS``).

- ``lapse_offers``: an offered place whose date to answer by has passed goes to the next in line
  (the referral is declined on the person's behalf and can be reopened).
- ``offer_waiting_places``: places freed by more capacity are offered to the waitlist.
- ``flag_unanswered``: a referral the provider has not answered within
  ``SAMLA_REFERRAL_ANSWER_DAYS`` is told to both sides, once per sending: the referrer and the
  provider's activity staff. The pages flag it too, whether or not anyone reads mail.
- ``withdraw_after_expired_consents``: a consent whose last day has passed reaches what rested on
  it as a withdrawn one does (``actions.withdraw_after_expiry``): each referral not yet started
  to a provider it named, and no consent in force names, is withdrawn with the reason "Samtycket
  har upphört att gälla", the referrer told and a place it held offered on.

Each referral, activity or consent is its own transaction, so one that fails does not hold up
the rest.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone

from samla.activities.models import Activity
from samla.notifications.models import Kind
from samla.notifications.notices import notify
from samla.people.models import Consent
from samla.referrals import actions
from samla.referrals.access import provider_staff
from samla.referrals.models import InvalidTransition, Referral


def lapse_offers(today: date | None = None) -> int:
    today = today or timezone.localdate()
    lapsed = 0
    for referral in Referral.objects.filter(state=Referral.State.OFFERED, answer_by__lt=today):
        try:
            actions.lapse_offer(referral)
        except InvalidTransition:
            continue  # answered while this ran
        lapsed += 1
    return lapsed


def offer_waiting_places(today: date | None = None) -> int:
    waiting = Activity.objects.filter(referrals__state=Referral.State.WAITLISTED).distinct()
    return sum(len(actions.lock_and_offer(activity, today)) for activity in waiting)


def flag_unanswered(now: datetime | None = None) -> int:
    queued = 0
    unanswered = Referral.objects.unanswered(now).select_related("activity", "referred_by")
    for referral in unanswered:
        # Each side is sent to its own side of the referral.
        told = [
            (referral.referred_by, referral.get_absolute_url()),
            *(
                (user, reverse("referrals:incoming_detail", args=[referral.pk]))
                for user in provider_staff(referral.activity)
            ),
        ]
        for user, path in told:
            occasion = referral.sent_at.isoformat()  # reopened and sent again: told again
            if notify(user, Kind.REFERRAL_UNANSWERED, about=referral, path=path, occasion=occasion):
                queued += 1
    return queued


def withdraw_after_expired_consents(today: date | None = None) -> int:
    """The consents that ended before ``today`` and still have a referral not yet started to a
    provider they named (other than the controlling organisation) resting on them; the action
    decides whether another consent in force still covers it."""
    today = today or timezone.localdate()
    resting = Referral.objects.filter(
        participant_id=OuterRef("participant_id"),
        state__in=Referral.BEFORE_START,
        activity__provider__consents_received=OuterRef("pk"),
    ).exclude(activity__provider_id=F("participant__controlling_organisation_id"))
    ended = Consent.objects.filter(
        Exists(resting), valid_to__lt=today, withdrawn_at__isnull=True
    ).order_by("pk")
    return sum(len(actions.withdraw_after_expiry(consent, today)) for consent in ended)
