"""Log review a reviewer trusts (issue 18 item 5): a summary per user and organisation before the
rows, and the reviewer's own record of each check (kontroll dokumenterad): period, finding,
what is done, by whom and when."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client

from samla.accounts.models import User
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.oversight.models import LogReview
from samla.oversight.tests.test_references import assert_not_named, reviewer
from samla.people.access import read_own
from samla.people.tests.cast import Cast, sign_in

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.fixture
def greta(cast: Cast) -> User:
    return reviewer(cast.tyreso, "greta")


def summary_rows(body: str) -> list[str]:
    table = body[body.index('id="summary-caption"') : body.index("</table>")]
    return [" ".join(row.split()) for row in table.split("<tr>")[2:]]


def test_the_review_sums_up_each_user_s_events_before_the_rows(
    cast: Cast, greta: User, client: Client
) -> None:
    with time_machine.travel(datetime(2026, 9, 1, 9, 0, tzinfo=UTC), tick=False):
        record(actor=cast.fia, action=AuditEvent.Action.VIEW, participant_id=cast.pia.pk)
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=UTC), tick=False):
        for _ in range(3):
            record(actor=cast.fia, action=AuditEvent.Action.VIEW, participant_id=cast.pia.pk)
        record(actor=cast.kim, action=AuditEvent.Action.UPDATE, participant_id=cast.pia.pk)
        record(actor=cast.kim, action=AuditEvent.Action.PRINT, participant_id=cast.pia.pk)
        record(
            actor=cast.kim, action=AuditEvent.Action.VIEW, participant_id=cast.pia.pk, flagged=True
        )
    sign_in(client, greta)
    with time_machine.travel(TODAY, tick=False):
        body = client.get("/granskning/").content.decode()
        rows = summary_rows(body)
        assert "Händelserna 2026-11-01–2026-11-30, den mest aktiva först." in body
        assert "Ingen kontroll är dokumenterad ännu." in body
        # The 30 days before today: Fia's read in September is not counted.
        assert rows[0].startswith("<td>Fia Handläggare</td> <td>Försäkringskassan</td>")
        assert '<td class="number">3</td> <td class="number">0</td>' in rows[0]
        kim = next(row for row in rows if "Kim Koordinator" in row)
        assert (
            '<td class="number">1</td> <td class="number">1</td> <td class="number">1</td>' in kim
        )
        assert '<span class="badge badge--stop">1</span>' in kim
        september = client.get(
            "/granskning/", {"date_from": "2026-09-01", "date_to": "2026-09-30"}
        ).content.decode()
    assert "Händelserna 2026-09-01–2026-09-30" in september
    assert len(summary_rows(september)) == 1
    assert "Fia Handläggare" in summary_rows(september)[0]


def test_the_reviewer_documents_a_check_that_the_review_then_names(
    cast: Cast, greta: User, client: Client
) -> None:
    sign_in(client, greta)
    note = "Stickprov på 20 läsningar. P-7K3F-Q9XM lästes utan samtycke; utreds med chefen."
    with time_machine.travel(TODAY, tick=False):
        page = client.get("/granskning/kontroller/").content.decode()
        assert 'name="period_from" value="2026-11-01"' in page
        response = client.post(
            "/granskning/kontroller/",
            {
                "period_from": "2026-11-01",
                "period_to": "2026-11-30",
                "finding": "investigating",
                "note": note,
            },
            follow=True,
        )
        body = response.content.decode()
        assert "Kontrollen är dokumenterad." in body
        assert note in body
        assert "Avvikelser som utreds" in body
        check = LogReview.objects.get()
        assert (check.organisation, check.reviewer) == (cast.tyreso, greta)
        assert (check.period_from, check.period_to) == (date(2026, 11, 1), date(2026, 11, 30))
        event = AuditEvent.objects.get(summary__startswith="Loggkontroll dokumenterad")
        assert event.actor_id == greta.pk
        review = client.get("/granskning/").content.decode()
    assert "Senast dokumenterade kontroll: 2026-11-01–2026-11-30, av Greta Granskare." in review
    # Another organisation's reviewer sees nothing of it.
    sign_in(client, reviewer(cast.fk, "frans"))
    assert note not in client.get("/granskning/kontroller/").content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"period_to": "2026-10-01"}, "Slutdatumet kan inte vara före startdatumet."),
        ({"finding": "followed_up", "note": ""}, "Beskriv avvikelserna och vad som görs åt dem."),
        ({"finding": "fine"}, "Välj ett giltigt alternativ."),
        ({"period_from": "2026-13-01"}, "Fyll i ett giltigt datum."),
        ({"period_from": "9999-12-31"}, "mindre än eller lika med 2199-12-31"),
    ],
)
def test_a_check_with_bad_input_is_refused_in_swedish_and_keeps_what_was_typed(
    cast: Cast, greta: User, client: Client, changes: dict[str, str], message: str
) -> None:
    sign_in(client, greta)
    data = {
        "period_from": "2026-11-01",
        "period_to": "2026-11-30",
        "finding": "none",
        "note": "Stickprov utan anmärkning",
    } | changes
    response = client.post("/granskning/kontroller/", data)
    body = response.content.decode()
    assert response.status_code == 422
    assert message in body
    if data["note"]:
        assert data["note"] in body
    assert not LogReview.objects.exists()


@pytest.mark.parametrize("who", ["kim", "fia", "olle", "bodil"])
def test_only_an_organisation_administrator_documents_checks(
    who: str, cast: Cast, client: Client
) -> None:
    sign_in(client, cast.everyone()[who])
    data = {"period_from": "2026-11-01", "period_to": "2026-11-30", "finding": "none"}
    assert client.get("/granskning/kontroller/").status_code == 404
    assert client.post("/granskning/kontroller/", data).status_code == 404
    assert not LogReview.objects.exists()


def test_the_database_keeps_a_check_whole(cast: Cast, greta: User) -> None:
    values = {"organisation": cast.tyreso, "reviewer": greta}
    for broken in (
        {"period_from": date(2026, 11, 2), "period_to": date(2026, 11, 1), "finding": "none"},
        {
            "period_from": date(2026, 11, 1),
            "period_to": date(2026, 11, 2),
            "finding": "followed_up",
        },
        {"period_from": date(2026, 11, 1), "period_to": date(2026, 11, 2), "finding": "fine"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            LogReview.objects.create(**values, **broken)


def test_the_review_never_names_a_person_who_read_their_own_records(
    cast: Cast, greta: User, client: Client
) -> None:
    """A person's reads in Min Samla carry their name as the actor's: the review shows them as
    the persons themselves, in the summary and in the rows (ADR 0013)."""
    person = User.objects.create_user(username="pia-person", first_name="Pia", last_name="Persson")
    person.person_number = cast.pia.id_number
    person.save(update_fields=["person_number"])
    read_own(person, purpose="Vem har läst om mig")
    sign_in(client, greta)
    body = client.get("/granskning/").content.decode()
    assert "Personerna själva, i Min Samla" in summary_rows(body)[0]
    assert "Personen själv" in body
    assert_not_named(body, cast.pia)
