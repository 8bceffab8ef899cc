"""Notices: neutral mail through the real task queue, once per thing, as each user chose."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from samla.notifications.links import check_base_url
from samla.notifications.management.commands.run_scheduler import next_run
from samla.notifications.models import Kind, Notice, Preference
from samla.notifications.notices import notify
from samla.people.tests.cast import Cast, sign_in

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def run_worker() -> None:
    call_command("db_worker", batch=True, reload=False, verbosity=0)


# The worker closes its database connection when done, as in production: the tests that run it
# commit for real (transaction=True) instead of inside a test transaction.
@pytest.mark.django_db(transaction=True)
def test_a_notice_is_queued_on_commit_and_sent_by_the_worker(cast: Cast) -> None:
    with transaction.atomic():
        notice = notify(cast.fia, Kind.ASSIGNED, about=cast.pia, path="/arbetslista/")
    assert notice is not None
    assert mail.outbox == []  # queued, not sent in the request
    run_worker()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["fia@example.se"]
    assert message.subject == "Samla: du har fått en ny uppgift"
    assert "http://127.0.0.1:8000/arbetslista/" in message.body
    for secret in ("Pia", "Persson", cast.pia.id_number, cast.pia.formatted_id_number):
        assert secret not in message.subject and secret not in message.body
    assert Notice.objects.get(pk=notice.pk).sent_at is not None


def test_the_same_thing_is_told_only_once(cast: Cast) -> None:
    assert notify(cast.fia, Kind.OVERDUE, about=cast.pia, path="/") is not None
    assert notify(cast.fia, Kind.OVERDUE, about=cast.pia, path="/") is None
    assert notify(cast.fia, Kind.DUE_SOON, about=cast.pia, path="/") is not None


def test_a_user_who_opted_out_is_not_told(cast: Cast) -> None:
    Preference.objects.create(user=cast.fia, on_overdue=False)
    assert notify(cast.fia, Kind.OVERDUE, about=cast.pia, path="/") is None
    assert notify(cast.fia, Kind.ASSIGNED, about=cast.pia, path="/") is not None


def test_a_user_without_an_address_is_not_told(cast: Cast) -> None:
    cast.fia.email = ""
    cast.fia.save()
    assert notify(cast.fia, Kind.ASSIGNED, about=cast.pia, path="/") is None


def test_each_user_chooses_their_notices(cast: Cast, client: Client) -> None:
    sign_in(client, cast.fia)
    page = client.get("/aviseringar/").content.decode()
    assert "Meddelandet innehåller bara en länk" in page
    response = client.post("/aviseringar/", {"on_assigned": "on", "due_soon_days": "5"})
    assert response.status_code == 302
    preference = Preference.objects.get(user=cast.fia)
    assert (preference.on_assigned, preference.on_due_soon, preference.on_overdue) == (
        True,
        False,
        False,
    )
    assert preference.due_soon_days == 5
    refused = client.post("/aviseringar/", {"due_soon_days": "90"})
    assert refused.status_code == 422
    assert Preference.objects.get(user=cast.fia).due_soon_days == 5


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (
            datetime(2026, 11, 22, 6, 59, tzinfo=STOCKHOLM),
            datetime(2026, 11, 22, 7, 0, tzinfo=STOCKHOLM),
        ),
        (
            datetime(2026, 11, 22, 7, 0, tzinfo=STOCKHOLM),
            datetime(2026, 11, 23, 7, 0, tzinfo=STOCKHOLM),
        ),
        (
            datetime(2026, 3, 28, 23, 0, tzinfo=STOCKHOLM),
            datetime(2026, 3, 29, 7, 0, tzinfo=STOCKHOLM),
        ),
    ],
)
def test_the_daily_run_is_at_seven_local_time_also_across_summer_time(
    now: datetime, expected: datetime
) -> None:
    assert next_run(now, time(7, 0)) == expected


@pytest.mark.django_db(transaction=True)
def test_the_daily_run_calls_each_configured_task(cast: Cast, settings) -> None:
    calls: list[str] = []
    settings.SAMLA_DAILY_TASKS = ["samla.notifications.tests.test_notices.daily_probe"]
    daily_probe.calls = calls  # type: ignore[attr-defined]
    call_command("run_scheduler", once=True, verbosity=0)
    run_worker()
    assert calls == ["ran"]


def daily_probe() -> None:
    daily_probe.calls.append("ran")  # type: ignore[attr-defined]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("kind", "says"),
    [
        (Kind.REFERRAL_CHANGED, "En remiss som du har skickat har ändrats"),
        (Kind.REFERRAL_INCOMING, "En ny remiss till en insats som ni utför"),
        (Kind.REFERRAL_UNANSWERED, "har väntat på svar från utföraren"),
        (Kind.REMINDER, "Du har inte svarat på en kallelse"),
    ],
)
def test_each_kind_says_what_happened_and_nothing_of_the_person(
    cast: Cast, kind: Kind, says: str
) -> None:
    with transaction.atomic():
        notify(cast.fia, kind, about=cast.pia, path="/remisser/")
    run_worker()
    message = mail.outbox[-1]
    assert says in message.body
    for secret in ("Pia", "Persson", cast.pia.id_number):
        assert secret not in message.subject and secret not in message.body


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("kind", "see"),
    [
        (Kind.SUMMONED, "Logga in för att se det:"),  # ett möte
        (Kind.INVITED, "Logga in för att se det:"),
        (Kind.MEETING_CHANGED, "Logga in för att se det:"),
        (Kind.MEETING_CANCELLED, "Logga in för att se det:"),
        (Kind.ASSIGNED, "Logga in för att se den:"),  # en uppgift
        (Kind.REFERRAL_INCOMING, "Logga in för att se den:"),  # en remiss
    ],
)
def test_the_link_is_introduced_with_the_gender_of_what_it_leads_to(
    cast: Cast, kind: Kind, see: str
) -> None:
    with transaction.atomic():
        notify(cast.fia, kind, about=cast.pia, path="/moten/")
    run_worker()
    assert see in mail.outbox[-1].body


# The site's address is one setting (issue 14 item 16): not the host a request came in on.
@pytest.mark.django_db(transaction=True)
@override_settings(SAMLA_BASE_URL="https://samla.sodertorn.example.se/")
def test_the_link_in_a_notice_points_at_the_site_s_address_setting(cast: Cast) -> None:
    with transaction.atomic():
        notify(cast.fia, Kind.ASSIGNED, about=cast.pia, path="/arbetslista/")
    run_worker()
    body = mail.outbox[0].body
    assert "https://samla.sodertorn.example.se/arbetslista/" in body
    assert "127.0.0.1" not in body


@pytest.mark.parametrize("address", ["", "http://samla.example.se", "samla.example.se"])
def test_the_system_check_refuses_a_missing_or_plain_http_address_without_debug(
    address: str,
) -> None:
    with override_settings(DEBUG=False, SAMLA_BASE_URL=address):
        errors = check_base_url()
    assert [error.id for error in errors] == ["samla.E001"]
    assert "SAMLA_BASE_URL" in errors[0].msg


def test_the_system_check_accepts_https_and_the_demo_address_under_debug() -> None:
    with override_settings(DEBUG=False, SAMLA_BASE_URL="https://samla.example.se"):
        assert check_base_url() == []
    with override_settings(DEBUG=True, SAMLA_BASE_URL="http://127.0.0.1:8000"):
        assert check_base_url() == []


@pytest.mark.parametrize("address", ["http://127.0.0.1:8000", "http://localhost:8000"])
def test_the_system_check_accepts_this_machine_s_own_address_without_debug(address: str) -> None:
    """The default outside production: a developer's commands and `make migrations-check` run
    without DEBUG, and such a link reaches no one else."""
    with override_settings(DEBUG=False, SAMLA_BASE_URL=address):
        assert check_base_url() == []


def test_the_check_runs_with_django_s_own() -> None:
    with override_settings(DEBUG=False, SAMLA_BASE_URL=""):
        errors = run_checks(tags=["security"])
    assert "samla.E001" in [error.id for error in errors]


def _breaks() -> None:
    raise OSError("Kontrollpunktsdisken är inte monterad.")


def _works() -> None:
    _works.ran = True  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_failing_part_of_the_daily_run_does_not_stop_the_others(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from samla.notifications.tasks import DailyRunFailed, run_daily

    here = "samla.notifications.tests.test_notices"
    settings.SAMLA_DAILY_TASKS = [f"{here}._breaks", f"{here}._works"]
    with pytest.raises(DailyRunFailed, match="_breaks"):
        run_daily.call()
    assert getattr(_works, "ran", False)
    assert "Kontrollpunktsdisken är inte monterad." in caplog.text
