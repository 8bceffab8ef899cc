"""Results through the statistics layer: nothing below k responses, "–" for small cells, shares
only where they reveal nothing the tables hide, and only once a round has closed."""

from __future__ import annotations

import pytest
from django.test import Client

from samla.activities.tests.builders import individual
from samla.people.tests.cast import Cast, sign_in
from samla.surveys.actions import QuestionSpec
from samla.surveys.models import QuestionnaireVersion
from samla.surveys.tests.builders import (
    add_responses,
    closed_round,
    exit_survey,
    open_round,
    published,
)

TOO_FEW = "För få svar för att visa resultat (färre än 5)."


@pytest.fixture
def version(cast: Cast) -> QuestionnaireVersion:
    return exit_survey(cast)


def test_fewer_than_k_answers_show_no_figures_at_all(
    cast: Cast, client: Client, version: QuestionnaireVersion
) -> None:
    survey_round = closed_round(version, cast.olle, [{1: 2, 2: 2, 3: 1}] * 3)
    sign_in(client, cast.bodil)
    page = client.get(f"/enkater/omgangar/{survey_round.pk}/resultat/")
    body = page.content.decode()
    assert page.status_code == 200
    assert TOO_FEW in body
    assert "statistics-table" not in body and "<svg" not in body


def test_a_small_cell_is_hidden_and_its_share_left_out(
    cast: Cast, client: Client, version: QuestionnaireVersion
) -> None:
    # Question 1: three answered 2 (under k), six answered 5. Question 2: all eleven agree.
    answers = [{1: 2, 2: 4}] * 3 + [{1: 5, 2: 5}] * 6 + [{2: 4}] * 2
    survey_round = closed_round(version, cast.olle, answers)
    sign_in(client, cast.bodil)
    page = client.get(f"/enkater/omgangar/{survey_round.pk}/resultat/")
    results = page.context["results"]
    first, second, recommend = results.questions
    assert first.table.cell("2", "").value is None and first.table.cell("2", "").hidden_under_k
    # One hidden cell in a table with a shown total would be given back: a second one is hidden.
    assert first.table.cell("5", "").value is None
    assert first.table.total.value == 9
    assert str(second.table.cell("4", "")) == "5" and str(second.table.cell("5", "")) == "6"
    # The share of question 1 would add up the hidden 5s: only question 2 is in the share table.
    assert [share.category.label for share in results.agree.shares] == [
        "2. Jag mår bättre nu än när jag började."
    ]
    assert results.left_out == (1,)
    # Nobody answered the yes/no question, which could be skipped: the skippers are a row.
    assert str(recommend.table.cell("skipped", "")) == "11" == str(recommend.table.total)
    body = page.content.decode()
    assert "Andelen som instämmer visas inte för fråga 1" in body
    assert "100,0\u00a0%" in body
    assert "– betyder att antalet är för litet" in body
    assert body.count("<svg") >= 3  # one chart per question


def test_the_share_leaves_out_a_question_whose_skippers_are_hidden(
    cast: Cast, client: Client
) -> None:
    optional = QuestionSpec("Jag har fått vara med och bestämma.", required=False)
    version = published(cast.association, cast.olle, questions=[optional])
    # Eight agree and two skip: the share's base (8) would give back the hidden 2.
    survey_round = closed_round(version, cast.olle, [{1: 4}] * 4 + [{1: 5}] * 4 + [{}] * 2)
    sign_in(client, cast.olle)
    results = client.get(f"/enkater/omgangar/{survey_round.pk}/resultat/").context["results"]
    table = results.questions[0].table
    assert table.cell("skipped", "").hidden_under_k and table.total.value == 10
    assert results.agree is None and results.left_out == (1,)


def test_an_open_round_shows_no_results_yet(
    cast: Cast, client: Client, version: QuestionnaireVersion
) -> None:
    survey_round = open_round(version, cast.olle)
    add_responses(survey_round, [{1: 4, 2: 4}] * 8)
    sign_in(client, cast.olle)
    page = client.get(f"/enkater/omgangar/{survey_round.pk}/resultat/")
    body = page.content.decode()
    assert "Resultaten visas när omgången har stängt" in body
    assert "statistics-table" not in body
    version_page = client.get(f"/enkater/versioner/{version.pk}/resultat/")
    assert "Ingen omgång med den här versionen har stängt än." in version_page.content.decode()


def test_aggregated_results_show_a_selection_only_if_its_count_is_shown(
    cast: Cast, client: Client, version: QuestionnaireVersion
) -> None:
    mia = individual(cast)
    closed_round(version, cast.olle, [{1: 4, 2: 4}] * 6, activity=mia)
    closed_round(version, cast.olle, [{1: 5, 2: 5}] * 3)  # no activity: under k
    sign_in(client, cast.bodil)
    url = f"/enkater/versioner/{version.pk}/resultat/"

    everything = client.get(url)
    counts = everything.context["counts"]
    assert counts.total.value == 9
    assert counts.row_total(str(mia.pk)).value is None  # else 9 - 6 gives the hidden 3 back
    assert everything.context["results"].enough
    first = everything.context["results"].questions[0].table
    assert first.total.value == 9 and first.cell("5", "").hidden_under_k

    # Mia Vidare alone had six answers, but the count table hides them: so does the selection.
    only_mia = client.get(url, {"activity": mia.pk})
    assert TOO_FEW in only_mia.content.decode()
    assert not only_mia.context["results"].enough


def test_aggregated_results_by_year(
    cast: Cast, client: Client, version: QuestionnaireVersion
) -> None:
    survey_round = closed_round(version, cast.olle, [{1: 4, 2: 4}] * 5 + [{1: 1, 2: 1}] * 5)
    sign_in(client, cast.olle)
    page = client.get(f"/enkater/versioner/{version.pk}/resultat/", {"year": survey_round.year})
    results = page.context["results"]
    assert results.enough
    assert str(results.agree.total) == "50,0\u00a0%"
    assert "Antal svar per insats och år" in page.content.decode()
