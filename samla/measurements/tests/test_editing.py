"""Changing a measurement: the form carries the version it was made from, and a save from a page
someone else saved since is refused with a clear message and changes nothing. The own questions
keep the wording each answer was given under."""

from __future__ import annotations

import pytest
from django.test import Client

from samla.audit.models import AuditEvent
from samla.concurrency import Stale
from samla.measurements import actions
from samla.measurements.models import (
    Answer,
    IncomeSource,
    LocalQuestion,
    Measurement,
    Occasion,
    QuestionVersion,
)
from samla.measurements.tests.builders import form_data, record, started
from samla.measurements.tests.conftest import at
from samla.people.tests.cast import Cast, sign_in
from samla.referrals.models import Referral
from samla.referrals.tests.builders import Setting


@pytest.fixture
def referral(setting: Setting, time_machine) -> Referral:
    referral = started(setting)
    time_machine.move_to(at(2026, 1, 20))
    return referral


def test_an_edit_keeps_the_measurement_and_counts_up_its_version(
    setting: Setting, referral: Referral, client: Client
) -> None:
    measurement = record(referral, Occasion.ENTRY, actor=setting.ulla)
    sign_in(client, setting.ulla)
    url = f"/remisser/{referral.pk}/matningar/start/registrera/"
    page = client.get(url).content.decode()
    assert 'name="version" value="1"' in page
    assert "Ändra mätningen vid start" in page
    data = form_data(version="1", occupation="studying", income_student_aid="on")
    data |= {"extent_student_aid": "50", "extent_social_assistance": "50"}
    assert client.post(url, data).status_code == 302
    saved = Measurement.objects.get()
    assert (saved.pk, saved.version, saved.occupation) == (measurement.pk, 2, "studying")
    assert sorted(IncomeSource.objects.values_list("source", "extent")) == [
        ("social_assistance", 50),
        ("student_aid", 50),
    ]
    update = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).latest("pk")
    assert (update.actor_id, update.summary) == (setting.ulla.pk, "Mätning (entry)")


def test_a_save_from_a_stale_page_is_refused_and_changes_nothing(
    cast: Cast, setting: Setting, referral: Referral, client: Client
) -> None:
    record(referral, Occasion.ENTRY, actor=setting.ulla)
    sign_in(client, setting.ulla)
    url = f"/remisser/{referral.pk}/matningar/start/registrera/"
    # Kim changes the measurement after Ulla opened the form (version 1).
    kim = Client()
    sign_in(kim, cast.kim)
    kims = form_data(version="1", occupation="preparatory")
    person_url = f"/deltagare/{cast.pia.pk}/remisser/{referral.pk}/matningar/start/registrera/"
    assert kim.post(person_url, kims).status_code == 302
    before = list(Measurement.objects.values())
    writes = AuditEvent.objects.exclude(action=AuditEvent.Action.VIEW).count()

    response = client.post(url, form_data(version="1", occupation="studying"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Någon annan sparade mätningen medan du arbetade." in body
    assert "I förberedande insats" in body  # what Kim saved, shown below the form
    assert 'name="version" value="2"' in body  # saving again is a deliberate choice
    assert list(Measurement.objects.values()) == before
    assert AuditEvent.objects.exclude(action=AuditEvent.Action.VIEW).count() == writes


def test_recording_what_someone_else_just_recorded_is_refused(
    setting: Setting, referral: Referral
) -> None:
    record(referral, Occasion.ENTRY, actor=setting.ulla, occupation="studying")
    with pytest.raises(Stale) as refused:
        record(referral, Occasion.ENTRY, actor=setting.ulla, occupation="preparatory")
    assert refused.value.current.occupation == "studying"
    assert Measurement.objects.get().occupation == "studying"


def test_an_answer_keeps_the_wording_it_was_given_under(
    cast: Cast, setting: Setting, referral: Referral, client: Client
) -> None:
    question = actions.add_question(
        cast.association,
        actor=cast.olle,
        wording="Har du någon att prata med?",
        answer_kind=LocalQuestion.AnswerKind.YES_NO,
        occasions=[Occasion.ENTRY],
    )
    sign_in(client, setting.ulla)
    url = f"/remisser/{referral.pk}/matningar/start/"
    form = client.get(url + "registrera/").content.decode()
    assert "Har du någon att prata med?" in form
    data = form_data(**{f"answer_{question.pk}": "yes"})
    assert client.post(url + "registrera/", data).status_code == 302

    first = QuestionVersion.objects.get(question=question)
    actions.change_wording(
        question, actor=cast.olle, wording="Har du någon nära att prata med?", seen_number=1
    )
    body = client.get(url).content.decode()
    assert "Har du någon att prata med?" in body and "någon nära" not in body
    assert Answer.objects.get().question_version == first
    # Changing the measurement later keeps the answer with its wording.
    form = client.get(url + "registrera/").content.decode()
    assert "Har du någon att prata med?" in form and "någon nära" not in form
    data = form_data(version="1", **{f"answer_{question.pk}": "no"})
    assert client.post(url + "registrera/", data).status_code == 302
    answer = Answer.objects.get()
    assert (answer.question_version, answer.value) == (first, "no")
    assert "Nej" in client.get(url).content.decode()


def test_a_new_measurement_asks_the_latest_wording_and_only_active_questions(
    cast: Cast, setting: Setting, referral: Referral, client: Client
) -> None:
    asked = actions.add_question(
        cast.association,
        actor=cast.olle,
        wording="Hur nöjd är du?",
        answer_kind=LocalQuestion.AnswerKind.SCALE,
        occasions=[Occasion.ENTRY],
    )
    actions.change_wording(
        asked, actor=cast.olle, wording="Hur nöjd är du med stödet?", seen_number=1
    )
    retired = actions.add_question(
        cast.association,
        actor=cast.olle,
        wording="En gammal fråga",
        answer_kind=LocalQuestion.AnswerKind.TEXT,
        occasions=[Occasion.ENTRY],
    )
    actions.deactivate_question(retired, actor=cast.olle)
    actions.add_question(
        cast.association,
        actor=cast.olle,
        wording="Bara vid avslut",
        answer_kind=LocalQuestion.AnswerKind.TEXT,
        occasions=[Occasion.EXIT],
    )
    sign_in(client, setting.ulla)
    form = client.get(f"/remisser/{referral.pk}/matningar/start/registrera/").content.decode()
    assert "Hur nöjd är du med stödet?" in form and "1 – Lägst" in form
    assert "En gammal fråga" not in form and "Bara vid avslut" not in form
