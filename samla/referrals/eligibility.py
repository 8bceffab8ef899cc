"""Whether an activity takes this person now: one rule for every place a referral is made (the
referral form, a decision in a meeting's minutes, the demo), through ``actions.check_can_refer``.

- The activity's period is the association's decision: an activity that has ended, or has not
  begun, takes no referral (``check_runs``), and the lists of activities to choose from do not
  offer it (``actions.referable_activities``).
- Its target groups and its age range are the provider's to weigh: a person outside them is not
  refused, but the referrer sees a warning and confirms it before the referral goes
  (``warnings_for``). Age is counted in whole years on the day of the referral, from the
  registered birth date.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samla.activities.models import Activity
from samla.people.models import Participant


def check_runs(activity: Activity, day: date) -> None:
    """Refuse a referral to an activity that does not run on the day."""
    if activity.ends_on is not None and activity.ends_on < day:
        raise ValidationError(
            _(
                "%(activity)s slutade %(date)s och tar inte emot remisser längre. "
                "Välj en annan insats."
            )
            % {"activity": activity.name, "date": date_format(activity.ends_on, "j F Y")},
            code="ended",
        )
    if activity.starts_on > day:
        raise ValidationError(
            _("%(activity)s börjar först %(date)s och tar inte emot remisser före det.")
            % {"activity": activity.name, "date": date_format(activity.starts_on, "j F Y")},
            code="not_begun",
        )


def warnings_for(
    participant: Participant, activity: Activity, day: date | None = None
) -> list[str]:
    """What the referrer should know before referring the person on the day (today unless
    given): that they are registered in none of the activity's target groups, or that their age
    is outside its range. Nothing for what is not registered, on either side: unknown is not
    outside."""
    warnings = []
    groups = list(activity.target_groups.all())
    own = set(participant.target_groups.values_list("pk", flat=True))
    if groups and own and own.isdisjoint(group.pk for group in groups):
        warnings.append(
            _("Personen hör inte till någon av målgrupperna för %(activity)s: %(groups)s.")
            % {
                "activity": activity.name,
                "groups": ", ".join(group.name.lower() for group in groups),
            }
        )
    age = age_on(participant.birth_date, day or timezone.localdate())
    if activity.has_age_range and age is not None and not activity.admits_age(age):
        warnings.append(
            _("Personen är %(age)s år och %(activity)s är för personer %(range)s.")
            % {"age": age, "activity": activity.name, "range": activity.age_range_label}
        )
    return warnings


def age_on(born: date | None, day: date) -> int | None:
    """Whole years on the day; None when the birth date is not registered (or lies after it)."""
    if born is None or born > day:
        return None
    had_birthday = (day.month, day.day) >= (born.month, born.day)
    return day.year - born.year - (0 if had_birthday else 1)
