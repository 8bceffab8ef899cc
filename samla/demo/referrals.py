"""Referrals for the demo: Mia Vidare (Östra Södertörn, 20 places, run by Arbetsmarknadsenheten
Södertörn) full, with a waitlist, a place offered from it, new referrals (one the provider has
left unanswered for twelve days), participations under way with this week's attendance and
their entry measurements, participations ended with their exit reasons and their measurements at
entry, exit and one month after, and three anonymous participations.

Written through ``samla.people.actions`` and ``samla.referrals.actions`` (consents naming the
provider, referrals sent by the persons' coordinators, each step taken by the provider's demo
login), so that every rule, constraint and audit row holds. Only the first demo load builds it.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from django.utils import timezone

from samla.accounts.models import User
from samla.activities.models import Activity
from samla.demo.activities import MIA_VIDARE
from samla.demo.workdays import is_working_day
from samla.measurements.actions import save_measurement
from samla.measurements.models import (
    Education,
    IncomeSourceKind,
    Occasion,
    Occupation,
    SupportTime,
)
from samla.notifications.models import Notice
from samla.people.actions import record_consent
from samla.people.models import Consent, InformationCategory, Participant, TeamMember
from samla.referrals import actions
from samla.referrals.models import Attendance, ExitReason, Referral
from samla.referrals.provider import record_attendance, taking_part_on

PROVIDER_LOGIN = "personal.sodertorn"
COORDINATOR_LOGINS = ("koordinator.tyreso", "koordinator.haninge")
NOTES = (
    "Vill komma igång med arbetsträning, gärna med händerna.",
    "Behöver struktur i vardagen och stöd att hitta praktik.",
    "Har läst klart gymnasiet och vill prova på olika yrken.",
    "Vill ha stöd att söka jobb efter lång sjukskrivning.",
    "Önskar en lugn start, några timmar om dagen.",
)
ENDED = (
    ExitReason.WORK_SUBSIDISED,
    ExitReason.STUDIES,
    ExitReason.WORK_UNSUBSIDISED,
    ExitReason.JOB_SEEKING_AF,
    ExitReason.ILL_HEALTH,
)
UNDER_WAY = 14
# Sex, and how many years before their participation began they first came to samverkan.
ANONYMOUS = (("F", 0), ("M", 0), ("M", 1))


def build_referrals(*, seed: int, today: date) -> Counter[str]:
    rng = random.Random(seed + 5)
    counts: Counter[str] = Counter()
    activity = Activity.objects.get(name=MIA_VIDARE)
    staff = User.objects.get(username=PROVIDER_LOGIN)
    people = _people(activity, today)
    counts["consents"] += len(people)

    def send(index: int) -> Referral:
        participant, coordinator = people[index]
        counts["referrals"] += 1
        return actions.send_referral(
            participant,
            actor=coordinator,
            activity=activity,
            note=NOTES[index % len(NOTES)],
            priority=1 if index % 7 == 0 else 0,
        )

    def started(index: int, days_ago: int) -> Referral:
        referral = actions.accept(actions.receive(send(index), actor=staff), actor=staff)
        referral = actions.start(referral, actor=staff, started_on=today - timedelta(days=days_ago))
        assert referral.started_on is not None
        _measure(referral, Occasion.ENTRY, staff, rng, referral.started_on)
        counts["measurements"] += 1
        return referral

    index = 0
    for reason in ENDED:  # first, so that the places they free are free when the rest come
        referral = started(index, days_ago=rng.randint(180, 280))
        ended_on = today - timedelta(days=rng.randint(35, 90))
        referral = actions.end(referral, actor=staff, ended_on=ended_on, exit_reason=reason)
        _measure(referral, Occasion.EXIT, staff, rng, ended_on, reason=reason)
        _measure(
            referral,
            Occasion.AFTER_1_MONTH,
            staff,
            rng,
            ended_on + timedelta(days=31),
            reason=reason,
        )
        counts["measurements"] += 2
        index += 1
    for _ in range(UNDER_WAY):
        started(index, days_ago=rng.randint(5, 150))
        index += 1
    for sex, years_before in ANONYMOUS:
        started_on = today - timedelta(days=rng.randint(5, 60))
        actions.register_anonymous_participation(
            activity,
            actor=staff,
            sex=sex,
            start_year=started_on.year - years_before,
            started_on=started_on,
        )
        counts["referrals"] += 1
    accepted = [
        actions.accept(actions.receive(send(i), actor=staff), actor=staff)
        for i in range(index, index + 3)
    ]
    index += 3
    for _ in range(3):  # full now: the rest wait, first come within priority
        actions.waitlist(actions.receive(send(index), actor=staff), actor=staff)
        index += 1
    # One of the accepted changed her mind: her place is offered to the first in line.
    actions.decline(
        accepted[0],
        actor=staff,
        declined_by=Referral.DeclinedBy.PERSON,
        reason="Har fått ett sommarjobb och vill vänta till hösten.",
    )
    unanswered = send(index)
    Referral.objects.filter(pk=unanswered.pk).update(sent_at=timezone.now() - timedelta(days=12))
    actions.receive(send(index + 1), actor=staff)
    counts["attendance"] += _attendance(activity, staff, today, rng)
    # The loader took every step today: no mail about them. (The daily run still tells both
    # sides of the unanswered referral.)
    Notice.objects.filter(object_type=Referral._meta.label_lower).delete()
    return counts


def _people(activity: Activity, today: date) -> list[tuple[Participant, User]]:
    """Identified people of the coordinators' caseloads, each with a consent that lets the
    provider see their work and studies information."""
    coordinators = list(User.objects.filter(username__in=COORDINATOR_LOGINS))
    members = (
        TeamMember.objects.current()
        .filter(
            user__in=coordinators,
            role=TeamMember.Role.COORDINATOR,
            participant__kind=Participant.Kind.IDENTIFIED,
            participant__protection=Participant.Protection.NONE,
            participant__association=activity.association,
        )
        .select_related("participant", "user")
        .order_by("participant_id")
    )
    chosen = [(m.participant, m.user) for m in members[:32]]
    for participant, coordinator in chosen:
        record_consent(
            actor=coordinator,
            participant=participant,
            organisations=[activity.provider],
            categories_included=[InformationCategory.WORK_STUDIES],
            categories_excluded=[],
            form=Consent.Form.WRITTEN,
            given_by=Consent.GivenBy.PERSON,
            valid_from=today - timedelta(days=300),
            valid_to=today + timedelta(days=365),
            note="Samtycke till remiss till Mia Vidare.",
        )
    return chosen


# What the person does after an exit for this reason, at the exit and the follow-ups.
AFTER_EXIT = {
    ExitReason.WORK_SUBSIDISED: Occupation.EMPLOYED_SUBSIDISED,
    ExitReason.WORK_UNSUBSIDISED: Occupation.EMPLOYED_UNSUBSIDISED,
    ExitReason.STUDIES: Occupation.STUDYING,
    ExitReason.JOB_SEEKING_AF: Occupation.JOB_SEEKING,
    ExitReason.ILL_HEALTH: Occupation.SICK_LEAVE,
}
INCOME_AFTER_EXIT = {
    Occupation.EMPLOYED_SUBSIDISED: IncomeSourceKind.SALARY,
    Occupation.EMPLOYED_UNSUBSIDISED: IncomeSourceKind.SALARY,
    Occupation.STUDYING: IncomeSourceKind.STUDENT_AID,
    Occupation.JOB_SEEKING: IncomeSourceKind.PROGRAMME_BENEFIT,
    Occupation.SICK_LEAVE: IncomeSourceKind.SICKNESS_BENEFIT,
}


def _measure(
    referral: Referral,
    occasion: str,
    staff: User,
    rng: random.Random,
    day: date,
    *,
    reason: str = "",
) -> None:
    """The person's situation on the day: at entry far from work and on benefits, after an
    exit as the exit reason says, and feeling a little better than at the start."""
    entry = occasion == Occasion.ENTRY
    occupation = Occupation.PREPARATORY if entry else AFTER_EXIT[ExitReason(reason)]
    income = (
        [(rng.choice([IncomeSourceKind.SOCIAL_ASSISTANCE, IncomeSourceKind.SICKNESS_BENEFIT]), 100)]
        if entry
        else [(INCOME_AFTER_EXIT[occupation], rng.choice([50, 75, 100]))]
    )
    save_measurement(
        referral,
        occasion,
        actor=staff,
        version=0,
        measured_on=day,
        occupation=occupation,
        education=rng.choice(list(Education)),
        support_time=rng.choice(list(SupportTime)) if entry else "",
        wellbeing=rng.randint(1, 3) if entry else rng.randint(3, 5),
        closeness=rng.randint(1, 2) if entry else rng.randint(3, 5),
        ocn_modules=0 if entry else rng.randint(1, 4),
        ocn_points=0 if entry else rng.randint(2, 10),
        income_sources=income,
        answers={},
    )


def _attendance(activity: Activity, staff: User, today: date, rng: random.Random) -> int:
    written = 0
    for back in range(1, 8):
        day = today - timedelta(days=back)
        if not is_working_day(day):
            continue
        statuses = {
            referral.pk: rng.choices([s.value for s in Attendance.Status], weights=[8, 2, 1])[0]
            for referral in taking_part_on(activity, day)
        }
        written += record_attendance(activity, actor=staff, day=day, statuses=statuses)
    return written
