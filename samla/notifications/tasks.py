"""Background work for notices: sending one mail, and the daily run that finds what is due."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_tasks import task

from samla.notifications.links import absolute_url
from samla.notifications.models import Kind, Notice

logger = logging.getLogger(__name__)

SUBJECTS = {
    Kind.ASSIGNED: "Samla: du har fått en ny uppgift",
    Kind.DUE_SOON: "Samla: en uppgift ska snart vara klar",
    Kind.OVERDUE: "Samla: en uppgift är försenad",
    Kind.SUMMONED: "Samla: du är kallad till ett möte",
    Kind.INVITED: "Samla: du är inbjuden till ett möte",
    Kind.MEETING_CHANGED: "Samla: ett möte har ändrats",
    Kind.MEETING_CANCELLED: "Samla: ett möte är inställt",
    Kind.REMINDER: "Samla: svara på en kallelse eller inbjudan",
    Kind.REFERRAL_CHANGED: "Samla: en remiss har ändrats",
    Kind.REFERRAL_INCOMING: "Samla: en ny remiss",
    Kind.REFERRAL_UNANSWERED: "Samla: en remiss väntar på svar",
    Kind.FOLLOW_UP_DUE: "Samla: en uppföljning ska göras",
    Kind.OUTSIDE_TEAM: "Samla: ett svar på en kallelse behöver din åtgärd",
    Kind.PERSON_NEWS: "Du har något nytt i Samla",
}


@task()
def send_notice(notice_id: int) -> bool:
    """Send one notice. The subject is neutral and the body is a link: nothing about the person."""
    notice = Notice.objects.select_related("user").filter(pk=notice_id, sent_at=None).first()
    if notice is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "notifications/notice.txt", {"notice": notice, "url": absolute_url(notice.path)}
        )
        message = EmailMessage(SUBJECTS[Kind(notice.kind)], body, None, [notice.user.email])
        if notice.ics:
            message.attach("samla.ics", notice.ics, f"text/calendar; method={_method(notice.ics)}")
        message.send()
    Notice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
    return True


def _method(ics: str) -> str:
    """The iTIP method (REQUEST, CANCEL) that calendar clients read from the mail's part."""
    for line in ics.splitlines():
        if line.startswith("METHOD:"):
            return line.removeprefix("METHOD:").strip()
    return "PUBLISH"


class DailyRunFailed(Exception):
    """One or more parts of the daily run failed; every other part still ran."""


@task()
def run_daily() -> list[str]:
    """Everything Samla does once a day: each entry of ``SAMLA_DAILY_TASKS`` is a function
    (given by its dotted path, so this app need not import the apps that do the work).

    One part that fails (a disk not mounted for the audit checkpoints) must not keep the others
    from running (a withdrawal after an expired consent, the reminders): each runs, a failure is
    logged with its traceback, and the run then fails naming every part that did, so that the
    task's result and the log say so."""
    done, failed = [], []
    for path in settings.SAMLA_DAILY_TASKS:
        try:
            import_string(path)()
        except Exception:
            logger.exception("The daily run's part %s failed; the other parts still run.", path)
            failed.append(path)
        else:
            done.append(path)
    if failed:
        raise DailyRunFailed(f"Failed: {', '.join(failed)}. Done: {', '.join(done) or 'none'}.")
    return done
