"""A published version's wording is fixed: the pages do not offer a change, the models refuse one,
and the database refuses one sent any other way. New wording is a new version, and the answers
given under the old one keep the old wording."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from samla.audit.models import AuditEvent
from samla.people.tests.cast import Cast, sign_in
from samla.surveys import actions
from samla.surveys.actions import QuestionSpec
from samla.surveys.models import (
    AnswerValue,
    PublishedVersionIsFixed,
    Question,
    QuestionnaireVersion,
)
from samla.surveys.tests.builders import closed_round, draft, exit_survey, open_round


@pytest.fixture
def version(cast: Cast) -> QuestionnaireVersion:
    return exit_survey(cast)


def test_save_refuses_a_change_to_a_published_question(version: QuestionnaireVersion) -> None:
    question = version.questions.get(order=1)
    question.wording = "Jag har blivit bemött väl."
    with pytest.raises(PublishedVersionIsFixed):
        question.save()
    with pytest.raises(PublishedVersionIsFixed):
        question.delete()
    with pytest.raises(PublishedVersionIsFixed):
        Question.objects.create(version=version, order=9, wording="Ny fråga", kind="scale")
    version.introduction = "Ny inledning"
    with pytest.raises(PublishedVersionIsFixed):
        version.save()
    with pytest.raises(PublishedVersionIsFixed):
        version.delete()
    assert version.questions.get(order=1).wording == "Jag har blivit bemött med respekt."


def test_the_database_refuses_changes_sent_past_the_models(version: QuestionnaireVersion) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.filter(version=version).update(wording="Ändrad")
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.bulk_create(
            [Question(version=version, order=9, wording="Ny fråga", kind="scale")]
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionnaireVersion.objects.filter(pk=version.pk).update(introduction="Ändrad")
    assert not Question.objects.filter(wording__in=["Ändrad", "Ny fråga"]).exists()


def test_a_draft_can_still_be_changed_in_the_database(cast: Cast) -> None:
    version = draft(cast.association, cast.olle)
    Question.objects.filter(version=version).update(wording="Ändrad")
    assert set(version.questions.values_list("wording", flat=True)) == {"Ändrad"}


def test_the_action_refuses_to_change_a_published_draft(version: QuestionnaireVersion) -> None:
    with pytest.raises(ValidationError, match="publicerad och kan inte ändras"):
        actions.save_draft(
            version, actor=version.created_by, introduction="", questions=[QuestionSpec("X")]
        )


def test_the_edit_page_of_a_published_version_sends_back(
    cast: Cast, client: Client, version: QuestionnaireVersion
) -> None:
    sign_in(client, cast.olle)
    url = f"/enkater/versioner/{version.pk}/andra/"
    response = client.post(url, {"introduction": "x"}, follow=True)
    assert "Versionen är publicerad och kan inte ändras." in response.content.decode()
    version.refresh_from_db()
    assert version.introduction == ""


def test_a_new_version_keeps_old_answers_on_the_old_wording(
    cast: Cast, client: Client, version: QuestionnaireVersion
) -> None:
    closed_round(version, cast.olle, [{1: 4, 2: 5}])
    sign_in(client, cast.olle)
    response = client.post(f"/enkater/{version.questionnaire_id}/ny-version/")
    second = version.questionnaire.versions.get(number=2)
    assert response["Location"] == f"/enkater/versioner/{second.pk}/andra/"
    page = client.get(response["Location"])
    assert "Jag har blivit bemött med respekt." in page.content.decode()  # copied to edit

    data = _formset_data(
        [
            ("Jag har blivit bemött med respekt av personalen.", "scale", False),
            ("Jag mår bättre nu än när jag började.", "scale", False),
            ("Jag skulle rekommendera insatsen.", "yes_no", True),  # removed
        ]
    )
    assert client.post(response["Location"], data).status_code == 302
    assert client.post(f"/enkater/versioner/{second.pk}/publicera/").status_code == 302
    second.refresh_from_db()
    assert second.is_published
    open_round(second, cast.olle)

    old = AnswerValue.objects.select_related("question__version").get(question__order=1)
    assert old.question.wording == "Jag har blivit bemött med respekt."
    assert old.question.version.number == 1
    assert list(second.questions.order_by("order").values_list("wording", flat=True)) == [
        "Jag har blivit bemött med respekt av personalen.",
        "Jag mår bättre nu än när jag började.",
    ]
    summaries = set(AuditEvent.objects.values_list("summary", flat=True))
    assert {"Enkät: utkast till version 2", "Enkät: version 2 publicerad"} <= summaries


def test_only_one_draft_at_a_time(cast: Cast, version: QuestionnaireVersion) -> None:
    first = actions.start_new_version(version.questionnaire, actor=cast.olle)
    again = actions.start_new_version(version.questionnaire, actor=cast.olle)
    assert first == again and first.number == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionnaireVersion.objects.create(
            questionnaire=version.questionnaire, number=3, created_by=cast.olle
        )


def test_publishing_needs_a_question_and_a_round_needs_a_published_version(
    cast: Cast,
) -> None:
    empty = draft(cast.association, cast.olle)
    for question in empty.questions.all():
        question.delete()
    with pytest.raises(ValidationError, match="minst en fråga"):
        actions.publish_version(empty, actor=cast.olle)
    with pytest.raises(ValidationError) as refused:
        open_round(empty, cast.olle)
    assert "Publicera versionen" in refused.value.message_dict["version"][0]


def _formset_data(questions: list[tuple[str, str, bool]], extra: int = 2) -> dict[str, str]:
    """The edit page's form as posted: the copied questions (changed, kept or removed), then the
    blank rows."""
    data = {
        "introduction": "",
        "form-TOTAL_FORMS": str(len(questions) + extra),
        "form-INITIAL_FORMS": str(len(questions)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "40",
    }
    for index, (wording, kind, removed) in enumerate(questions):
        data |= {
            f"form-{index}-wording": wording,
            f"form-{index}-kind": kind,
            f"form-{index}-required": "on",
        }
        if removed:
            data[f"form-{index}-DELETE"] = "on"
    for index in range(len(questions), len(questions) + extra):
        data |= {f"form-{index}-kind": "scale", f"form-{index}-required": "on"}
    return data
