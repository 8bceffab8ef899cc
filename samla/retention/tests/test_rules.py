"""Gallring rules per organisation and record type, kept by the organisation's administrator
(issue 18 item 1): the page, the proposals, the law's floor, stale saves, bad input."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from samla.audit.models import AuditEvent
from samla.oversight.tests.test_references import reviewer
from samla.people.tests.cast import Cast, sign_in
from samla.retention.models import RecordType, RetentionRule, StartsFrom

pytestmark = pytest.mark.django_db


def rule_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "years": "5",
        "starts_from": StartsFrom.LAST_ENTRY,
        "keeps_research_days": "on",
        "decision": "Socialnämndens beslut 2026-01-15, § 12",
        "decided_on": "2026-01-15",
        "version": "",
    }
    return data | changes


def test_the_page_shows_every_record_type_and_the_proposal_for_a_municipality(
    cast: Cast, client: Client
) -> None:
    sign_in(client, reviewer(cast.tyreso, "greta"))
    body = client.get("/gallring/").content.decode()
    assert body.count("Ingen regel: gallras inte") == len(RecordType)
    for record_type in RecordType:
        assert str(record_type.label) in body
    assert "Förslag: Kommunens socialtjänst: fem år efter sista anteckningen" in body
    assert "Hälso- och sjukvård" not in body


def test_the_municipality_s_proposal_fills_the_empty_types_and_keeps_what_was_decided(
    cast: Cast, client: Client
) -> None:
    greta = reviewer(cast.tyreso, "greta")
    sign_in(client, greta)
    response = client.post("/gallring/regel/?typ=story", rule_data(years="10"))
    assert response.status_code == 302
    response = client.post("/gallring/forslag/", {"preset": "social_services"}, follow=True)
    assert "8 regler är tillagda ur förslaget." in response.content.decode()
    rules = {r.record_type: r for r in RetentionRule.objects.filter(organisation=cast.tyreso)}
    assert set(rules) == set(RecordType)
    assert rules[RecordType.STORY].years == 10  # decided before: kept
    plan = rules[RecordType.PLAN]
    assert (plan.years, plan.starts_from, plan.keeps_research_days) == (5, "last_entry", True)
    assert "12 kap. 1 §" in plan.decision
    logged = AuditEvent.objects.filter(actor_id=greta.pk, summary__startswith="Gallringsregel")
    assert logged.count() == 9
    again = client.post("/gallring/forslag/", {"preset": "social_services"}, follow=True)
    nothing = "Alla uppgifter i förslaget har redan en regel. Inget ändrades."
    assert nothing in again.content.decode()
    assert RetentionRule.objects.filter(organisation=cast.tyreso).count() == len(RecordType)


def test_a_proposal_for_another_kind_of_organisation_is_refused(cast: Cast, client: Client) -> None:
    sign_in(client, reviewer(cast.fk, "frans"))
    body = client.get("/gallring/").content.decode()
    assert "Det finns inget förslag för din typ av organisation." in body
    response = client.post("/gallring/forslag/", {"preset": "social_services"}, follow=True)
    assert "Förslaget finns inte för din organisation." in response.content.decode()
    assert not RetentionRule.objects.exists()


def test_a_region_keeps_its_access_log_at_least_five_years(cast: Cast, client: Client) -> None:
    sign_in(client, reviewer(cast.region, "rut"))
    decision = "Regionstyrelsens beslut om kortare tid"
    response = client.post(
        "/gallring/regel/?typ=audit_log", rule_data(years="3", decision=decision)
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "Lagen kräver att de här uppgifterna sparas i minst 5 år." in body
    assert decision in body  # what the user typed is kept
    assert not RetentionRule.objects.exists()
    assert client.post("/gallring/regel/?typ=audit_log", rule_data(years="5")).status_code == 302
    assert client.post("/gallring/regel/?typ=story", rule_data(years="2")).status_code == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"years": "0"}, "Kontrollera att detta värde är större än eller lika med 1."),
        ({"years": "101"}, "Kontrollera att detta värde är mindre än eller lika med 100."),
        ({"years": "fem"}, "Fyll i ett heltal."),
        ({"years": "9" * 30}, "Kontrollera att detta värde är mindre än eller lika med 100."),
        ({"decision": ""}, "Detta fält måste fyllas i."),
        ({"decided_on": "2026-02-30"}, "Fyll i ett giltigt datum."),
        ({"starts_from": "never"}, "Välj ett giltigt alternativ."),
    ],
)
def test_bad_input_is_refused_in_swedish_and_saves_nothing(
    cast: Cast, client: Client, changes: dict[str, str], message: str
) -> None:
    sign_in(client, reviewer(cast.tyreso, "greta"))
    response = client.post("/gallring/regel/?typ=plan", rule_data(**changes))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not RetentionRule.objects.exists()


def test_keeping_for_ever_and_changing_a_rule_that_someone_else_changed_first(
    cast: Cast, client: Client
) -> None:
    greta, gustav = reviewer(cast.tyreso, "greta"), reviewer(cast.tyreso, "gustav")
    sign_in(client, greta)
    client.post("/gallring/regel/?typ=consent", rule_data(years="", keeps_research_days=""))
    rule = RetentionRule.objects.get()
    assert rule.years is None
    assert "Bevaras" in client.get("/gallring/").content.decode()
    other = Client()
    sign_in(other, gustav)
    assert (
        other.post("/gallring/regel/?typ=consent", rule_data(years="7", version="1")).status_code
        == 302
    )
    response = client.post("/gallring/regel/?typ=consent", rule_data(years="3", version="1"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Någon annan har ändrat regeln medan du arbetade." in body
    assert 'name="years" value="3"' in body  # what Greta typed, beside what Gustav saved
    assert 'name="version" value="2"' in body
    saved = RetentionRule.objects.get()
    assert (saved.years, saved.version, saved.updated_by) == (7, 2, gustav)
    # Saving again is a deliberate choice, and then it is saved.
    assert (
        client.post("/gallring/regel/?typ=consent", rule_data(years="3", version="2")).status_code
        == 302
    )
    assert RetentionRule.objects.get().years == 3


def test_removing_a_rule_is_logged(cast: Cast, client: Client) -> None:
    greta = reviewer(cast.tyreso, "greta")
    sign_in(client, greta)
    client.post("/gallring/regel/?typ=meeting", rule_data())
    response = client.post("/gallring/regel/?typ=meeting", rule_data(version="1", remove="1"))
    assert response.status_code == 302
    assert not RetentionRule.objects.exists()
    assert AuditEvent.objects.filter(
        actor_id=greta.pk,
        action=AuditEvent.Action.DELETE,
        summary="Gallringsregel: Möten och minnesanteckningar",
    ).exists()


def test_an_unknown_record_type_is_not_found(cast: Cast, client: Client) -> None:
    sign_in(client, reviewer(cast.tyreso, "greta"))
    for typ in ("", "patient_record", "<script>"):
        assert client.get("/gallring/regel/", {"typ": typ}).status_code == 404


@pytest.mark.parametrize("who", ["kim", "fia", "olle", "bodil"])
def test_only_an_organisation_administrator_reaches_the_rules(
    who: str, cast: Cast, client: Client
) -> None:
    sign_in(client, cast.everyone()[who])
    for url in ("/gallring/", "/gallring/regel/?typ=plan", "/gallring/forslag/"):
        assert client.get(url).status_code in (404, 405)
        assert client.post(url, rule_data() | {"preset": "social_services"}).status_code == 404
    assert not RetentionRule.objects.exists()


def test_the_database_refuses_a_second_rule_or_a_period_out_of_range(cast: Cast) -> None:
    greta = reviewer(cast.tyreso, "greta")
    values = {"decision": "Beslut", "decided_on": date(2026, 1, 1), "updated_by": greta}
    RetentionRule.objects.create(organisation=cast.tyreso, record_type="plan", years=5, **values)
    for record_type, years in (("plan", 3), ("story", 0), ("story", 101), ("patient", 5)):
        with pytest.raises(IntegrityError), transaction.atomic():
            RetentionRule.objects.create(
                organisation=cast.tyreso, record_type=record_type, years=years, **values
            )


def test_the_log_is_kept_in_swedish_whatever_language_the_administrator_uses(
    cast: Cast, client: Client
) -> None:
    sign_in(client, reviewer(cast.tyreso, "greta"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Retention rules" in client.get("/gallring/").content.decode()
    client.post("/gallring/regel/?typ=meeting", rule_data())
    assert AuditEvent.objects.filter(
        summary="Gallringsregel: Möten och minnesanteckningar"
    ).exists()
