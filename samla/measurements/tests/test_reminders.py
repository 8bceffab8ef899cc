"""The daily reminder of the follow-ups: the provider's activity staff are told once per
participation and follow-up, from the day it is due, while it is not recorded; the notice is a
link and nothing else."""

from __future__ import annotations

from django.core import mail

from samla.accounts.models import Role
from samla.measurements.models import Occasion
from samla.measurements.reminders import send_follow_up_reminders
from samla.measurements.tests.builders import ended, record
from samla.measurements.tests.conftest import at
from samla.notifications.models import Kind, Notice
from samla.notifications.tasks import send_notice
from samla.people.tests.cast import Cast, user
from samla.referrals.tests.builders import Setting


def told() -> list[tuple[str, str, str]]:
    return sorted(
        Notice.objects.filter(kind=Kind.FOLLOW_UP_DUE).values_list(
            "user__username", "object_id", "path"
        )
    )


def test_the_providers_staff_are_told_once_when_a_follow_up_is_due(
    cast: Cast, setting: Setting, time_machine
) -> None:
    time_machine.move_to(at(2026, 2, 2))
    referral = ended(setting)  # 31 January: due 28 February and 31 July
    user("ulf", "Ulf", "Kollega", referral.activity.provider)  # no role: not told
    user("rita", "Rita", "Region", cast.region, (Role.ACTIVITY_STAFF, cast.association))
    time_machine.move_to(at(2026, 2, 27))
    assert send_follow_up_reminders() == 0

    time_machine.move_to(at(2026, 2, 28))
    assert send_follow_up_reminders() == 1
    assert send_follow_up_reminders() == 0
    path = f"/remisser/{referral.pk}/matningar/efter-en-manad/registrera/"
    assert told() == [("ulla", f"{referral.pk}:after_1", path)]

    time_machine.move_to(at(2026, 3, 20))
    assert send_follow_up_reminders() == 0  # told already


def test_a_recorded_or_long_overdue_follow_up_is_not_reminded_of(
    setting: Setting, time_machine
) -> None:
    time_machine.move_to(at(2026, 2, 2))
    referral = ended(setting)
    time_machine.move_to(at(2026, 2, 28))
    record(referral, Occasion.AFTER_1_MONTH, actor=setting.ulla)
    assert send_follow_up_reminders() == 0
    time_machine.move_to(at(2026, 9, 1))  # 31 July + 32 days
    assert send_follow_up_reminders() == 0
    time_machine.move_to(at(2026, 8, 30))
    assert send_follow_up_reminders() == 1
    assert [object_id for _user, object_id, _path in told()] == [f"{referral.pk}:after_6"]


def test_the_notice_names_nobody(cast: Cast, setting: Setting, time_machine) -> None:
    time_machine.move_to(at(2026, 2, 2))
    ended(setting)
    time_machine.move_to(at(2026, 3, 2))
    send_follow_up_reminders()
    notice = Notice.objects.get(kind=Kind.FOLLOW_UP_DUE)
    send_notice.call(notice.pk)
    message = mail.outbox[-1]
    assert message.subject == "Samla: en uppföljning ska göras"
    assert "En uppföljning efter avslut ska göras i Samla." in message.body
    assert notice.path in message.body
    for secret in ("Pia", "Persson", "Mia Vidare", "Arbete med subvention", cast.pia.id_number):
        assert secret not in message.subject and secret not in message.body
