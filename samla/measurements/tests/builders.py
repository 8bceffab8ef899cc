"""Participations for the tests, around the referrals' setting: Kim refers Pia to Mia Vidare,
run by Arbetsmarknadsenheten Södertörn, whose activity staff member Ulla moves the referral and
records the measurements."""

from __future__ import annotations

from datetime import date
from typing import Any

from samla.accounts.models import User
from samla.measurements import actions
from samla.measurements.models import IncomeSourceKind, Measurement, QuestionVersion
from samla.referrals import actions as referral_actions
from samla.referrals.models import ExitReason, Referral
from samla.referrals.tests.builders import Setting

STARTED_ON = date(2026, 1, 12)
ENDED_ON = date(2026, 1, 31)


def started(setting: Setting, *, started_on: date = STARTED_ON) -> Referral:
    referral = referral_actions.receive(setting.referral, actor=setting.ulla)
    referral = referral_actions.accept(referral, actor=setting.ulla)
    return referral_actions.start(referral, actor=setting.ulla, started_on=started_on)


def ended(
    setting: Setting,
    *,
    ended_on: date = ENDED_ON,
    exit_reason: str = ExitReason.WORK_SUBSIDISED,
) -> Referral:
    referral = Referral.objects.get(pk=setting.referral.pk)
    if referral.state != Referral.State.STARTED:
        referral = started(setting)
    return referral_actions.end(
        referral, actor=setting.ulla, ended_on=ended_on, exit_reason=exit_reason
    )


def measurement_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "version": actions.NEW,
        "measured_on": STARTED_ON,
        "occupation": "job_seeking",
        "education": "upper_secondary",
        "support_time": "",
        "wellbeing": 2,
        "closeness": 3,
        "ocn_modules": 0,
        "ocn_points": 0,
        "income_sources": [(IncomeSourceKind.SOCIAL_ASSISTANCE, 100)],
        "answers": {},
    }
    return fields | overrides


def record(
    referral: Referral,
    occasion: str,
    *,
    actor: User,
    answers: dict[QuestionVersion, str] | None = None,
    **overrides: Any,
) -> Measurement:
    return actions.save_measurement(
        referral,
        occasion,
        actor=actor,
        **measurement_fields(answers=answers or {}, **overrides),
    )


def form_data(**overrides: str) -> dict[str, str]:
    """What the measurement form posts: job-seeking, on social assistance full time."""
    data = {
        "version": "0",
        "measured_on": STARTED_ON.isoformat(),
        "occupation": "job_seeking",
        "education": "upper_secondary",
        "support_time": "2_5",
        "wellbeing": "2",
        "closeness": "3",
        "ocn_modules": "0",
        "ocn_points": "0",
        "income_social_assistance": "on",
        "extent_social_assistance": "100",
    }
    return data | overrides
