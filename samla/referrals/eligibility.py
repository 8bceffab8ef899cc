"""Whether an activity takes this person now: one rule for every place a referral is made (the
referral form, a decision in a meeting's minutes, the demo), through ``actions.check_can_refer``.

- The activity's period is the association's decision: an activity that has ended, or has not
  begun, takes no referral (``check_runs``), and the lists of activities to choose from do not
  offer it (``actions.referable_activities``).
- Its target groups are the provider's to weigh: a person outside them is not refused, but the
  referrer sees a warning and confirms it before the referral goes (``warnings_for``).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
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


def warnings_for(participant: Participant, activity: Activity) -> list[str]:
    """What the referrer should know before referring the person: that they are registered in
    none of the activity's target groups. Nothing when the activity names no target group, or
    the person's are not registered (unknown is not outside)."""
    groups = list(activity.target_groups.all())
    own = set(participant.target_groups.values_list("pk", flat=True))
    if not groups or not own or not own.isdisjoint(group.pk for group in groups):
        return []
    return [
        _("Personen hör inte till någon av målgrupperna för %(activity)s: %(groups)s.")
        % {
            "activity": activity.name,
            "groups": ", ".join(group.name.lower() for group in groups),
        }
    ]
