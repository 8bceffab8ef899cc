"""The plan through its pages: making it, agreeing it, changing it, printing it, and what each
organisation sees of it."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from samla.audit.models import AuditEvent
from samla.people import actions as people_actions
from samla.people.tests.cast import Cast, sign_in
from samla.plans import actions
from samla.plans.models import Plan, PlanAction, PlanVersion
from samla.plans.tests.matrix import (
    FK_ACTION,
    HEALTH_ACTION,
    KOMMUN_ACTION,
    PiasPlan,
    build_agreed_plan,
)
from samla.web.tests.pdf import pdf_text as checked_pdf_text

GOALS = "Jag vill börja arbeta halvtid och må bättre."


def url(cast: Cast, rest: str = "") -> str:
    return f"/deltagare/{cast.pia.pk}/plan/{rest}"


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    return checked_pdf_text(pdf)  # tagged, nothing cut off


@pytest.fixture
def pias(cast: Cast) -> PiasPlan:
    return build_agreed_plan(cast)


def test_the_coordinator_makes_a_plan_from_the_participant_page(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    assert url(cast) in client.get(cast.pia.get_absolute_url()).content.decode()
    assert "Det finns ingen samordnad plan" in client.get(url(cast)).content.decode()
    follow_up = timezone.localdate() + timedelta(days=30)
    response = client.post(
        url(cast, "ny/"),
        {"goals": GOALS, "lead_organisation": cast.tyreso.pk, "follow_up_date": follow_up},
    )
    assert response.status_code == 302
    plan = Plan.objects.get(participant=cast.pia)
    assert (plan.state, plan.created_by, plan.follow_up_date) == ("draft", cast.kim, follow_up)
    body = client.get(url(cast)).content.decode()
    assert GOALS in body and "Utkast" in body
    assert "Personen har redan en plan" in client.get(url(cast, "ny/")).content.decode()
    assert AuditEvent.objects.filter(
        object_type="plans.plan", action="create", participant_id=cast.pia.pk
    ).exists()


def test_a_handler_from_another_organisation_only_reads_the_plan(
    cast: Cast, client: Client, pias: PiasPlan
) -> None:
    sign_in(client, cast.fia)
    for rest in ("ny/", "andra/", "atgarder/ny/", f"atgarder/{pias.fk.pk}/", "godkannande/"):
        assert client.get(url(cast, rest)).status_code == 403, rest
    for rest in ("skicka/", "avsluta/"):
        assert client.post(url(cast, rest), {"version": pias.plan.version}).status_code == 403
    assert Plan.objects.get(pk=pias.plan.pk).state == "agreed"


def test_the_whole_agreement_through_the_pages(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    day = timezone.localdate() + timedelta(days=20)
    client.post(
        url(cast, "ny/"),
        {"goals": GOALS, "lead_organisation": cast.tyreso.pk, "follow_up_date": day},
    )
    response = client.post(
        url(cast, "atgarder/ny/"),
        {
            "need": "Komma tillbaka till arbete",
            "action": FK_ACTION,
            "responsible_organisation": cast.fk.pk,
            "responsible_person": cast.fia.pk,
            "due_date": day,
            "category": "work_studies",
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get(participant=cast.pia)
    body = client.get(url(cast)).content.decode()
    assert "Det här gör andra (Arbetsförmedlingen, Försäkringskassan, skola, utförare)" in body
    client.post(url(cast, "skicka/"), {"version": plan.version})
    plan.refresh_from_db()
    assert plan.state == "invited"
    assert "Väntar på bekräftelse från:" in client.get(url(cast)).content.decode()

    client.post(url(cast, "bekrafta/"), {"version": plan.version})
    response = client.post(
        url(cast, "godkannande/"), {"version": plan.version, "method": "meeting", "note": ""}
    )
    assert response.status_code == 302
    sign_in(client, cast.fia)
    body = client.get(url(cast)).content.decode()
    assert "Bekräfta för Försäkringskassan" in body
    assert "Väntar på bekräftelse från:" not in body  # who else takes part is not FK's business
    response = client.post(url(cast, "bekrafta/"), {"version": plan.version}, follow=True)
    assert "Du har bekräftat planen för Försäkringskassan." in response.content.decode()
    plan.refresh_from_db()
    assert plan.state == "agreed"
    assert PlanVersion.objects.filter(plan=plan, number=1).exists()


def test_a_step_taken_on_an_old_page_is_refused(cast: Cast, client: Client, pias: PiasPlan) -> None:
    sign_in(client, cast.kim)
    old = pias.plan.version
    actions.update_plan_action(pias.fk, actor=cast.kim, version=old, due_date=None)
    response = client.post(url(cast, "skicka/"), {"version": old}, follow=True)
    assert "Planen har ändrats sedan du öppnade sidan." in response.content.decode()
    assert Plan.objects.get(pk=pias.plan.pk).state == "revised"


def test_approval_waits_until_the_plan_is_sent(cast: Cast, client: Client, pias: PiasPlan) -> None:
    sign_in(client, cast.kim)
    body = client.get(url(cast, "godkannande/")).content.decode()
    assert "Personens godkännande registreras när planen är skickad" in body
    response = client.post(
        url(cast, "godkannande/"), {"version": pias.plan.version, "method": "paper"}
    )
    assert response.status_code == 422
    assert "Det går inte att registrera personens godkännande" in response.content.decode()


def test_two_people_editing_the_plan_do_not_overwrite_each_other(
    cast: Cast, client: Client, pias: PiasPlan
) -> None:
    sign_in(client, cast.kim)
    form = {
        "lead_organisation": cast.tyreso.pk,
        "follow_up_date": pias.plan.follow_up_date,
        "version": pias.plan.version,
    }
    assert client.post(url(cast, "andra/"), {**form, "goals": "Kims mål"}).status_code == 302
    second = client.post(url(cast, "andra/"), {**form, "goals": "Toves mål"})
    assert second.status_code == 409
    body = second.content.decode()
    assert "Någon annan sparade ändringar i planen medan du arbetade" in body
    assert "Sparat nu" in body and "Ditt förslag" in body
    assert "Kims mål" in body and "Toves mål" in body
    plan = Plan.objects.get(pk=pias.plan.pk)
    assert plan.goals == "Kims mål"
    assert f'name="version" value="{plan.version}"' in body  # saving again is deliberate


def test_two_people_editing_an_action_do_not_overwrite_each_other(
    cast: Cast, client: Client, pias: PiasPlan
) -> None:
    sign_in(client, cast.kim)
    form = {
        "need": "Komma tillbaka till arbete",
        "responsible_organisation": cast.fk.pk,
        "responsible_person": cast.fia.pk,
        "due_date": "",
        "category": "work_studies",
        "version": pias.plan.version,
    }
    edit = url(cast, f"atgarder/{pias.fk.pk}/")
    assert client.post(edit, {**form, "action": "Arbetsträning två dagar"}).status_code == 302
    second = client.post(edit, {**form, "action": "Arbetsträning fyra dagar"})
    assert second.status_code == 409
    body = second.content.decode()
    assert "Arbetsträning två dagar" in body and "Arbetsträning fyra dagar" in body
    assert PlanAction.objects.get(pk=pias.fk.pk).action == "Arbetsträning två dagar"


def test_the_consenting_handler_sees_exactly_what_the_consent_covers(
    cast: Cast, client: Client, pias: PiasPlan
) -> None:
    actions.update_plan(
        pias.plan,
        actor=cast.kim,
        version=pias.plan.version,
        goals=GOALS,
        lead_organisation=cast.tyreso,
        follow_up_date=timezone.localdate() + timedelta(days=90),
    )
    sign_in(client, cast.kim)
    kim_pages = [
        client.get(url(cast, rest)).content.decode() for rest in ("", "versioner/1/", "jamfor/")
    ]
    for body in kim_pages:
        assert HEALTH_ACTION in body and FK_ACTION in body and KOMMUN_ACTION in body
        assert GOALS in body

    sign_in(client, cast.fia)
    for rest in ("", "versioner/1/", "jamfor/?a=1&b=2"):
        body = client.get(url(cast, rest)).content.decode()
        assert HEALTH_ACTION not in body, rest  # health: excluded by Pia
        assert "Sover dåligt" not in body, rest
        assert FK_ACTION in body, rest  # work and studies: included
        assert KOMMUN_ACTION in body, rest  # income: included
        assert GOALS not in body, rest  # life situation: not included

    # A new consent that includes health and life situation shows them, and nothing else.
    people_actions.record_consent(
        actor=cast.kim,
        participant=cast.pia,
        organisations=[cast.fk],
        categories_included=["work_studies", "health", "life_situation"],
        categories_excluded=["income"],
        form="written",
        given_by="person",
        valid_from=timezone.localdate(),
        valid_to=None,
    )
    body = client.get(url(cast)).content.decode()
    assert HEALTH_ACTION in body and GOALS in body and FK_ACTION in body
    assert KOMMUN_ACTION not in body


def test_the_pdf_is_the_agreed_plan_in_plain_swedish(
    cast: Cast, client: Client, pias: PiasPlan, tmp_path: Path
) -> None:
    sign_in(client, cast.kim)
    actions.update_plan(
        pias.plan,
        actor=cast.kim,
        version=pias.plan.version,
        goals="Ett nytt mål som inte är överenskommet",
        lead_organisation=cast.tyreso,
        follow_up_date=pias.plan.follow_up_date,
    )
    response = client.get(url(cast, "pdf/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "Din plan" in text
    assert "Pia Persson" in text
    assert GOALS in text
    assert "Ett nytt mål" not in text  # the agreed version, never the draft
    assert "Planen håller på att ändras" in text
    for action in (HEALTH_ACTION, FK_ACTION, KOMMUN_ACTION):
        assert action in text
    assert "Det här gör kommunen" in text
    assert "Tyresö kommun har huvudansvaret" in text
    assert "Fia Handläggare" in text and "fia@example.se" in text  # the team's contacts
    assert "din koordinator" in text
    assert "Wera" not in text and "Nils" not in text  # on the team, but without consent
    assert AuditEvent.objects.filter(participant_id=cast.pia.pk, action="print").count() == 1


def test_another_organisations_pdf_leaves_out_what_the_person_excluded(
    cast: Cast, client: Client, pias: PiasPlan, tmp_path: Path
) -> None:
    sign_in(client, cast.fia)
    response = client.get(url(cast, "pdf/"))
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert FK_ACTION in text and KOMMUN_ACTION in text
    assert HEALTH_ACTION not in text and "Sover dåligt" not in text
    assert GOALS not in text
    assert "Utskriven" in text and "Försäkringskassan" in text


def test_there_is_no_pdf_before_the_plan_is_agreed(cast: Cast, client: Client) -> None:
    actions.create_plan(
        cast.pia,
        actor=cast.kim,
        goals=GOALS,
        lead_organisation=cast.tyreso,
        follow_up_date=timezone.localdate(),
    )
    sign_in(client, cast.kim)
    response = client.get(url(cast, "pdf/"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Planen är inte överenskommen ännu" in response.content.decode()
    assert not AuditEvent.objects.filter(action="print").exists()


def test_versions_are_listed_and_compared_side_by_side(
    cast: Cast, client: Client, pias: PiasPlan
) -> None:
    sign_in(client, cast.kim)
    actions.update_plan_action(
        pias.fk, actor=cast.kim, version=pias.plan.version, action="Arbetsträning två dagar"
    )
    body = client.get(url(cast, "versioner/")).content.decode()
    assert "Version 1" in body and "I ett möte" in body
    assert client.get(url(cast, "versioner/2/")).status_code == 404

    body = client.get(url(cast, "jamfor/")).content.decode()  # version 1 against the draft
    assert "Revision 2, inte överenskommen än" in body
    assert FK_ACTION in body and "Arbetsträning två dagar" in body
    assert body.count(">Ändrad<") == 2  # the FK action, and in it the one row that changed
    assert "Oförändrad" in body
    response = client.get(url(cast, "jamfor/"), {"a": 1, "b": 99})
    assert response.status_code == 422


def test_closing_needs_a_reason_and_the_person_can_always_end_the_plan(
    cast: Cast, client: Client, pias: PiasPlan
) -> None:
    sign_in(client, cast.kim)
    assert client.post(url(cast, "avsluta/"), {"reason": "other"}).status_code == 422
    response = client.post(url(cast, "avsluta/"), {"reason": "person", "note": ""})
    assert response.status_code == 302
    plan = Plan.objects.get(pk=pias.plan.pk)
    assert plan.state == "closed" and plan.ended_by_person and plan.closed_by == cast.kim
    body = client.get(url(cast)).content.decode()
    assert "Planen avslutades" in body and "Personen vill avsluta planen" in body
    assert "Avsluta planen" not in body
    assert "Personen har redan en plan" not in client.get(url(cast, "ny/")).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("due_date", "2026-02-31", "Fyll i ett giltigt datum."),
        ("due_date", "2001-01-01", "Datumet har redan passerat."),
        ("need", "x" * 2001, "som mest 2000 tecken"),
        ("need", "   ", "Detta fält måste fyllas i."),
        ("category", "secret", "Välj ett giltigt alternativ."),
    ],
)
def test_bad_input_is_refused_in_swedish(
    cast: Cast, client: Client, pias: PiasPlan, field: str, value: str, message: str
) -> None:
    sign_in(client, cast.kim)
    data = {
        "need": "Behov",
        "action": "Insats",
        "responsible_organisation": cast.tyreso.pk,
        "responsible_person": "",
        "due_date": "",
        "category": "work_studies",
        field: value,
    }
    response = client.post(url(cast, "atgarder/ny/"), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert PlanAction.objects.filter(plan=pias.plan).count() == 3


def test_a_consent_that_does_not_cover_the_action_is_explained(
    cast: Cast, client: Client, pias: PiasPlan
) -> None:
    sign_in(client, cast.kim)
    response = client.post(
        url(cast, "atgarder/ny/"),
        {
            "need": "Sömn",
            "action": "Sömnskola",
            "responsible_organisation": cast.fk.pk,
            "responsible_person": cast.fia.pk,
            "category": "health",
        },
    )
    assert response.status_code == 422
    assert "Försäkringskassan kan inte ansvara för insatsen" in response.content.decode()


def test_markup_is_shown_as_text(cast: Cast, client: Client, pias: PiasPlan) -> None:
    sign_in(client, cast.kim)
    client.post(
        url(cast, "atgarder/ny/"),
        {
            "need": "<script>alert('hej')</script>",
            "action": "<b>fet</b>",
            "responsible_organisation": cast.tyreso.pk,
            "category": "work_studies",
        },
    )
    body = client.get(url(cast)).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;" in body
    assert "<b>fet</b>" not in body


def test_following_up_an_action_with_htmx_returns_the_row_and_is_logged(
    cast: Cast, client: Client, pias: PiasPlan
) -> None:
    sign_in(client, cast.fia)
    status_url = f"/arbetslista/atgard/{pias.fk.pk}/status/"
    response = client.post(
        status_url, {"status": "ongoing", "version": 1}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and body.strip().startswith("<tr")
    assert f'id="worklist-action-{pias.fk.pk}"' in body
    assert 'value="ongoing" selected' in body and "Sparat" in body
    assert PlanAction.objects.get(pk=pias.fk.pk).status == "ongoing"
    event = AuditEvent.objects.filter(object_type="plans.planaction").latest("pk")
    assert (event.actor_id, event.summary) == (cast.fia.pk, "Följde upp insats: Pågår")

    # Without JavaScript: a plain post, back to where it came from, the note kept.
    response = client.post(
        status_url,
        {"status": "done", "follow_up_note": "Klar i tid.", "version": 2, "next": url(cast)},
    )
    assert response.status_code == 302 and response["Location"] == url(cast)
    action = PlanAction.objects.get(pk=pias.fk.pk)
    assert (action.status, action.follow_up_note) == ("done", "Klar i tid.")
    client.post(status_url, {"status": "ongoing", "version": 3, "next": "https://example.com/"})
    assert PlanAction.objects.get(pk=pias.fk.pk).follow_up_note == "Klar i tid."


def test_following_up_is_for_the_responsible_organisation_and_the_coordinator(
    cast: Cast, client: Client, pias: PiasPlan
) -> None:
    sign_in(client, cast.fia)
    health = f"/arbetslista/atgard/{pias.health.pk}/status/"
    kommun = f"/arbetslista/atgard/{pias.kommun.pk}/status/"
    assert client.post(health, {"status": "done"}).status_code == 404  # she may not know of it
    assert client.post(kommun, {"status": "done"}).status_code == 403  # not FK's action
    sign_in(client, cast.kim)
    assert (
        client.post(
            f"/arbetslista/atgard/{pias.fk.pk}/status/", {"status": "done", "version": 1}
        ).status_code
        == 302
    )
    assert client.post(health, {"status": "bad"}).status_code == 302  # refused, with a message
    assert PlanAction.objects.get(pk=pias.health.pk).status == "planned"


def follow_up_version(page: str, action: PlanAction) -> str:
    """The version in the follow-up form of this action on a page as the user got it."""
    found = re.search(
        rf'action="/arbetslista/atgard/{action.pk}/status/".*?name="version" value="(\d+)"',
        page,
        re.DOTALL,
    )
    assert found is not None
    return found.group(1)


def test_two_people_following_up_the_same_action_do_not_lose_a_note(
    cast: Cast, pias: PiasPlan
) -> None:
    fia, kim = sign_in(Client(), cast.fia), sign_in(Client(), cast.kim)
    status_url = f"/arbetslista/atgard/{pias.fk.pk}/status/"
    fia_version = follow_up_version(fia.get(url(cast)).content.decode(), pias.fk)
    kim_version = follow_up_version(kim.get(url(cast)).content.decode(), pias.fk)
    note = {"next": url(cast)}

    first = fia.post(
        status_url,
        {
            **note,
            "status": "ongoing",
            "follow_up_note": "Första mötet är bokat.",
            "version": fia_version,
        },
    )
    second = kim.post(
        status_url,
        {**note, "status": "done", "follow_up_note": "Klar enligt Fia.", "version": kim_version},
    )

    assert first.status_code == 302
    assert second.status_code == 409
    action = PlanAction.objects.get(pk=pias.fk.pk)
    assert (action.status, action.follow_up_note) == ("ongoing", "Första mötet är bokat.")
    assert (
        AuditEvent.objects.filter(
            object_type="plans.planaction",
            object_id=str(action.pk),
            summary__startswith="Följde upp",
        ).count()
        == 1
    )
    body = second.content.decode()
    assert "Någon annan sparade en uppföljning av insatsen medan du arbetade" in body
    assert "Det här ändrade den andra personen" in body
    assert "Första mötet är bokat." in body and "Pågår" in body  # what Fia saved
    assert "Klar enligt Fia.</textarea>" in body and 'value="done" selected' in body  # kept
    # Kim has now seen Fia's note: saving again is a deliberate choice, and it is accepted.
    again = kim.post(
        status_url,
        {
            **note,
            "status": "done",
            "follow_up_note": "Klar enligt Fia.",
            "version": follow_up_version(body, action),
        },
    )
    assert again.status_code == 302
    assert PlanAction.objects.get(pk=pias.fk.pk).follow_up_note == "Klar enligt Fia."


def test_a_stale_status_from_the_worklist_row_is_refused_in_the_row(
    cast: Cast, client: Client, pias: PiasPlan
) -> None:
    sign_in(client, cast.fia)
    row_version = follow_up_version(client.get("/arbetslista/").content.decode(), pias.fk)
    actions.change_action_status(
        pias.fk,
        actor=cast.kim,
        version=pias.fk.version,
        status="ongoing",
        follow_up_note="Kim har pratat med Pia.",
    )

    response = client.post(
        f"/arbetslista/atgard/{pias.fk.pk}/status/",
        {"status": "cancelled", "version": row_version},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 409
    body = response.content.decode()
    assert body.strip().startswith("<tr") and f'id="worklist-action-{pias.fk.pk}"' in body
    assert "Någon annan sparade en uppföljning av insatsen medan du arbetade" in body
    assert 'value="cancelled" selected' in body  # her choice, kept
    assert follow_up_version(body, pias.fk) == str(pias.fk.version + 1)
    assert "Pågår" in body and "Avbruten" in body
    action = PlanAction.objects.get(pk=pias.fk.pk)
    assert (action.status, action.follow_up_note) == ("ongoing", "Kim har pratat med Pia.")
