"""Who reaches the association's reports: its office and its board, nobody else."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from samla.accounts.models import Role
from samla.activities.tests.builders import other_association
from samla.audit.models import AuditEvent
from samla.people.tests.cast import Cast, sign_in, user
from samla.reports.models import AnnualReport
from samla.reports.tests.builders import YEAR

pytestmark = pytest.mark.django_db


def done_report(cast: Cast) -> AnnualReport:
    from django.utils import timezone

    return AnnualReport.objects.create(
        association=cast.association,
        year=YEAR,
        requested_by=cast.olle,
        state=AnnualReport.State.DONE,
        progress=100,
        pdf=b"%PDF-1.7 test",
        pdf_size=13,
        finished_at=timezone.now(),
    )


def addresses(cast: Cast, report: AnnualReport) -> list[str]:
    return [
        "/rapporter/",
        f"/rapporter/forbund/{cast.association.pk}/",
        f"/rapporter/forbund/{cast.association.pk}/uppfoljning/{YEAR}/",
        f"/rapporter/forbund/{cast.association.pk}/uppfoljning/{YEAR}/?format=csv",
        f"/rapporter/verksamhetsberattelse/{report.pk}/",
        f"/rapporter/verksamhetsberattelse/{report.pk}/pdf/",
    ]


@pytest.mark.parametrize("who", ["kim", "fia", "tove", "provider_staff", "greta"])
def test_anyone_but_the_office_and_the_board_gets_not_found(
    who: str, cast: Cast, client: Client
) -> None:
    """A coordinator, a handler, a provider's staff in the same association, and the office of
    another association: 404 everywhere, as if the reports did not exist."""
    report = done_report(cast)
    staff = user("ulla", "Ulla", "Utförare", cast.tyreso, (Role.ACTIVITY_STAFF, cast.association))
    people = {
        **cast.everyone(),
        "provider_staff": staff,
        "greta": other_association(cast).greta,
    }
    sign_in(client, people[who])
    before = AuditEvent.objects.count()
    for address in addresses(cast, report):
        if who == "greta" and address == "/rapporter/":
            assert client.get(address)["Location"] != addresses(cast, report)[1]  # her own
            continue
        assert client.get(address).status_code == 404, (who, address)
    assert (
        client.post(f"/rapporter/forbund/{cast.association.pk}/", {"year": YEAR}).status_code == 404
    )
    assert not AnnualReport.objects.exclude(pk=report.pk).exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("who", ["olle", "bodil"])
def test_the_office_and_the_board_reach_every_page(who: str, cast: Cast, client: Client) -> None:
    report = done_report(cast)
    sign_in(client, cast.everyone()[who])
    for address in addresses(cast, report):
        response = client.get(address, follow=True)
        assert response.status_code == 200, (who, address)


def test_the_list_of_reports_costs_the_same_however_many_there_are(
    cast: Cast, client: Client, django_assert_num_queries
) -> None:
    sign_in(client, cast.bodil)
    url = f"/rapporter/forbund/{cast.association.pk}/"
    done_report(cast)
    client.get(url)  # the session is warm
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(11):
        done_report(cast)
    with django_assert_num_queries(len(one)):
        response = client.get(url)
    assert response.content.decode().count("Ladda ner PDF (2011)") == 12
