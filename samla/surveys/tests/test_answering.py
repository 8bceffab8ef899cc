"""Answering from the link, without login: what the respondent sees, and what the database keeps
(nothing that points at them)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from samla.audit.models import AuditEvent
from samla.people.tests.cast import Cast, sign_in
from samla.surveys import once
from samla.surveys.models import AnswerValue, Response, SurveyRound
from samla.surveys.tests.builders import exit_survey, open_round, questions_of


@pytest.fixture
def survey_round(cast: Cast) -> SurveyRound:
    return open_round(exit_survey(cast), cast.olle)


def answers(survey_round: SurveyRound, *values: object) -> dict[str, object]:
    questions = questions_of(survey_round.version)
    return {f"q{q.pk}": v for q, v in zip(questions, values, strict=False) if v is not None}


def test_anyone_with_the_link_answers_without_logging_in(
    survey_round: SurveyRound, client: Client
) -> None:
    url = f"/enkat/{survey_round.token}/"
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Vad tyckte du om insatsen?" in body and "Du svarar anonymt" in body
    assert "1 – Instämmer inte alls" in body and "5 – Ja" in body  # the second's own anchors
    audit_before = AuditEvent.objects.count()

    response = client.post(url, answers(survey_round, 4, 5, 1))

    assert response.status_code == 302 and response["Location"] == "/enkat/tack/"
    thanks = client.get(response["Location"])
    assert "Tack för dina svar!" in thanks.content.decode()
    saved = Response.objects.get()
    assert saved.round == survey_round
    assert sorted(AnswerValue.objects.values_list("question__order", "value")) == [
        (1, 4),
        (2, 5),
        (3, 1),
    ]
    assert AuditEvent.objects.count() == audit_before  # an audit row would carry the moment
    assert "sessionid" not in client.cookies


def test_the_stored_answer_has_nothing_that_points_at_a_person(
    survey_round: SurveyRound, client: Client, cast: Cast
) -> None:
    sign_in(client, cast.kim)  # even a signed-in user answers as nobody
    client.post(
        f"/enkat/{survey_round.token}/",
        answers(survey_round, 3, 3),
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Testbrowser/1.0",
    )
    response_columns = {f.column for f in Response._meta.concrete_fields}
    value_columns = {f.column for f in AnswerValue._meta.concrete_fields}
    assert response_columns == {"id", "round_id"}
    assert value_columns == {"id", "response_id", "question_id", "value"}
    with connection.cursor() as cursor:
        for table in (Response._meta.db_table, AnswerValue._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (a model's own table name)
            stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
            today = timezone.localdate()
            for trace in ("203.0.113.7", "Testbrowser", "kim", str(today)):
                assert trace not in stored
    # Random keys: the order in which answers came cannot be read from the ids.
    assert len(str(Response.objects.get().pk)) == 36


def test_the_same_link_is_for_everyone_and_takes_several_answers(
    survey_round: SurveyRound,
) -> None:
    browsers = [Client() for _ in range(3)]
    for value, browser in enumerate(browsers, start=1):
        assert (
            browser.post(
                f"/enkat/{survey_round.token}/", answers(survey_round, value, value)
            ).status_code
            == 302
        )
    assert Response.objects.filter(round=survey_round).count() == 3
    # The cookie that says "answered" is the same in every browser: it tells nobody apart.
    values = {b.cookies[once.COOKIE].value for b in browsers}
    assert len(values) == 1


def test_a_second_answer_from_the_same_browser_is_refused(
    survey_round: SurveyRound, client: Client
) -> None:
    url = f"/enkat/{survey_round.token}/"
    assert client.post(url, answers(survey_round, 4, 5, 1)).status_code == 302

    again = client.post(url, answers(survey_round, 1, 1, 0))

    assert again.status_code == 409
    body = again.content.decode()
    assert "Du har redan svarat" in body and "ett nytt svar sparas inte" in body
    assert Response.objects.filter(round=survey_round).count() == 1
    assert sorted(AnswerValue.objects.values_list("value", flat=True)) == [1, 4, 5]
    page = client.get(url)
    assert page.status_code == 200 and "Du har redan svarat" in page.content.decode()
    assert "Skicka svaren" not in page.content.decode()
    # The cookie holds no id and belongs to this round's link alone.
    cookie = client.cookies[once.COOKIE]
    assert cookie["path"] == url and cookie["httponly"]
    for trace in (str(Response.objects.get().pk), survey_round.token):
        assert trace not in cookie.value
    assert cookie.value.split(":")[0] == "1" and cookie.value.count(":") == 1  # no time in it


def test_the_answered_cookie_of_one_round_does_not_close_another(
    survey_round: SurveyRound, client: Client, cast: Cast
) -> None:
    client.post(f"/enkat/{survey_round.token}/", answers(survey_round, 4, 5))
    other = open_round(survey_round.version, cast.olle)
    client.cookies[once.COOKIE]["path"] = "/"  # even sent to every path, it is this round's
    page = client.get(f"/enkat/{other.token}/")
    assert page.status_code == 200 and "Skicka svaren" in page.content.decode()


def test_many_answers_from_one_address_are_held_back_and_what_was_typed_kept(
    survey_round: SurveyRound, settings
) -> None:
    settings.SAMLA_SURVEY_ANSWERS_PER_ADDRESS_HOUR = 2
    url = f"/enkat/{survey_round.token}/"
    for value in (1, 2):
        assert (
            Client()
            .post(url, answers(survey_round, value, 1), REMOTE_ADDR="198.51.100.9")
            .status_code
            == 302
        )
    third = Client().post(url, answers(survey_round, 5, 1), REMOTE_ADDR="198.51.100.9")
    assert third.status_code == 429
    body = third.content.decode()
    assert "Många svar har kommit från samma nätverk" in body
    assert re.search(r'value="5"[^>]*checked', body)  # what was chosen is still chosen
    assert Response.objects.filter(round=survey_round).count() == 2
    elsewhere = Client().post(url, answers(survey_round, 5, 1), REMOTE_ADDR="198.51.100.10")
    assert elsewhere.status_code == 302


def test_behind_a_proxy_the_cap_counts_each_visitor_not_the_proxy(
    survey_round: SurveyRound, settings
) -> None:
    """In production Samla sits behind a reverse proxy: every request comes from its address,
    and the cap must count the visitors it forwards, not refuse the whole round after 50."""
    settings.SAMLA_SURVEY_ANSWERS_PER_ADDRESS_HOUR = 1
    settings.SAMLA_TRUSTED_PROXIES = 1
    url = f"/enkat/{survey_round.token}/"
    proxy = "10.0.0.2"
    for visitor in ("198.51.100.1", "198.51.100.2"):
        answered = Client().post(
            url, answers(survey_round, 4, 1), HTTP_X_FORWARDED_FOR=visitor, REMOTE_ADDR=proxy
        )
        assert answered.status_code == 302
    # A visitor cannot dodge the cap by sending the header: the proxy's entry is the last one
    again = Client().post(
        url,
        answers(survey_round, 4, 1),
        HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.1",
        REMOTE_ADDR=proxy,
    )
    assert again.status_code == 429
    assert Response.objects.filter(round=survey_round).count() == 2


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ((7, 3), "Välj ett av svaren."),
        ((None, 3), "Välj ett svar på frågan."),
        (("tre", 3), "Välj ett av svaren."),
        ((3, 3, 2), "Välj ett av svaren."),  # yes/no takes 1 or 0
    ],
)
def test_bad_answers_are_refused_in_swedish_and_nothing_is_saved(
    survey_round: SurveyRound, client: Client, values: tuple[object, ...], message: str
) -> None:
    response = client.post(f"/enkat/{survey_round.token}/", answers(survey_round, *values))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert "Något behöver rättas" in response.content.decode()
    assert not Response.objects.exists() and not AnswerValue.objects.exists()


def test_a_question_that_may_be_skipped_is_left_unanswered(
    survey_round: SurveyRound, client: Client
) -> None:
    client.post(f"/enkat/{survey_round.token}/", answers(survey_round, 2, 4))
    assert list(AnswerValue.objects.values_list("question__order", flat=True).order_by()) in (
        [1, 2],
        [2, 1],
    )


def test_a_closed_round_refuses_answers(survey_round: SurveyRound, client: Client) -> None:
    url = f"/enkat/{survey_round.token}/"
    with time_machine.travel(survey_round.closes_on + timedelta(days=1)):
        page = client.get(url)
        posted = client.post(url, answers(survey_round, 4, 4))
    assert page.status_code == 410 and posted.status_code == 410
    assert "Enkäten är stängd" in page.content.decode()
    assert not Response.objects.exists()


def test_a_round_closed_early_refuses_answers(survey_round: SurveyRound, client: Client) -> None:
    SurveyRound.objects.filter(pk=survey_round.pk).update(closed_early_on=timezone.localdate())
    response = client.post(f"/enkat/{survey_round.token}/", answers(survey_round, 4, 4))
    assert response.status_code == 410
    assert not Response.objects.exists()


def test_a_round_not_yet_open_says_when(survey_round: SurveyRound, client: Client) -> None:
    with time_machine.travel(survey_round.opens_on - timedelta(days=2)):
        page = client.get(f"/enkat/{survey_round.token}/")
    assert page.status_code == 404
    assert "Enkäten har inte öppnat än" in page.content.decode()


def test_an_unknown_link_is_a_friendly_not_found(cast: Cast, client: Client) -> None:
    page = client.get("/enkat/finns-inte-alls-0123456789abcdefgh/")
    assert page.status_code == 404
    assert "Enkäten hittades inte" in page.content.decode()


def test_a_signed_in_user_without_a_second_factor_answers_too(
    survey_round: SurveyRound, client: Client, cast: Cast, settings
) -> None:
    """The link is open to anyone, so a member of staff who has not passed the second factor
    answers like anyone else instead of being sent to enrol."""
    settings.SAMLA_REQUIRE_MFA = True
    client.force_login(cast.kim)
    page = client.get(f"/enkat/{survey_round.token}/")
    assert page.status_code == 200 and "Du svarar anonymt" in page.content.decode()
    assert client.get("/deltagare/")["Location"].startswith("/konto/")  # the rest still asks
