"""The association office keeps its own questions: adds them, changes a wording (a new version,
never an edit) and stops asking one. Nobody else reaches the pages; another association's office
gets 404."""

from __future__ import annotations

import pytest
from django.test import Client

from samla.activities.tests.builders import other_association
from samla.audit.models import AuditEvent
from samla.measurements.models import LocalQuestion, QuestionVersion
from samla.people.tests.cast import Cast, sign_in


def test_the_office_adds_a_question_changes_its_wording_and_stops_asking_it(
    cast: Cast, client: Client
) -> None:
    sign_in(client, cast.olle)
    assert (
        "Förbundet har inga egna frågor ännu." in client.get("/insatser/fragor/").content.decode()
    )
    response = client.post(
        "/insatser/fragor/ny/",
        {
            "association": cast.association.pk,
            "wording": "Vet du vart du kan vända dig?",
            "answer_kind": "yes_no",
            "occasions": ["entry", "after_6"],
        },
    )
    question = LocalQuestion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/insatser/fragor/{question.pk}/"
    assert (question.association, question.occasions, question.active) == (
        cast.association,
        "entry,after_6",
        True,
    )
    created = AuditEvent.objects.latest("pk")
    assert (created.actor_id, created.role, created.participant_id) == (
        cast.olle.pk,
        "association_office",
        None,
    )

    url = f"/insatser/fragor/{question.pk}/"
    change = client.get(url + "andra/").content.decode()
    assert 'name="seen_number" value="1"' in change
    client.post(url + "andra/", {"seen_number": "1", "wording": "Vet du vart du ska vända dig?"})
    stale = client.post(url + "andra/", {"seen_number": "1", "wording": "Något annat"})
    assert stale.status_code == 422
    assert "Någon annan ändrade frågan medan du arbetade." in stale.content.decode()
    same = client.post(
        url + "andra/", {"seen_number": "2", "wording": "Vet du vart du ska vända dig?"}
    )
    assert "Formuleringen är densamma som förut." in same.content.decode()
    assert list(QuestionVersion.objects.values_list("number", "wording")) == [
        (1, "Vet du vart du kan vända dig?"),
        (2, "Vet du vart du ska vända dig?"),
    ]
    detail = client.get(url).content.decode()
    assert "<h1>Vet du vart du ska vända dig?</h1>" in detail
    assert "Vid start, Sex månader efter avslut" in detail

    assert client.get(url + "sluta-stalla/").status_code == 200
    assert client.post(url + "sluta-stalla/").status_code == 302
    question.refresh_from_db()
    assert not question.active
    listing = client.get("/insatser/fragor/").content.decode()
    assert "Ställs inte längre" in listing


def test_an_old_wording_is_never_rewritten(cast: Cast) -> None:
    from samla.measurements import actions

    question = actions.add_question(
        cast.association, actor=cast.olle, wording="Första", answer_kind="text", occasions=["exit"]
    )
    version = question.versions.get()
    version.wording = "Ändrad i efterhand"
    with pytest.raises(ValueError, match="never changed"):
        version.save()


def test_a_question_needs_an_occasion_and_a_wording(cast: Cast, client: Client) -> None:
    sign_in(client, cast.olle)
    response = client.post("/insatser/fragor/ny/", {"answer_kind": "text"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Något behöver rättas innan det kan sparas" in body
    assert not LocalQuestion.objects.exists()


@pytest.mark.parametrize("who", ["kim", "fia", "bodil"])
def test_only_the_office_keeps_the_questions(who: str, cast: Cast, client: Client) -> None:
    sign_in(client, cast.everyone()[who])
    assert client.get("/insatser/fragor/").status_code == 404
    assert client.post("/insatser/fragor/ny/", {"wording": "x"}).status_code == 404
    assert not LocalQuestion.objects.exists()


def test_another_associations_office_does_not_find_the_question(cast: Cast, client: Client) -> None:
    from samla.measurements import actions

    question = actions.add_question(
        cast.association,
        actor=cast.olle,
        wording="Vår fråga",
        answer_kind="text",
        occasions=["exit"],
    )
    elsewhere = other_association(cast)
    sign_in(client, elsewhere.greta)
    assert "Vår fråga" not in client.get("/insatser/fragor/").content.decode()
    for rest in ("", "andra/", "sluta-stalla/"):
        assert client.get(f"/insatser/fragor/{question.pk}/{rest}").status_code == 404
    assert client.post(f"/insatser/fragor/{question.pk}/sluta-stalla/").status_code == 404
    question.refresh_from_db()
    assert question.active
