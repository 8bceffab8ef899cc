"""The office keeps the questionnaires, the board reads them; nobody else, and nobody from another
association, finds them. Each write is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from samla.activities.tests.builders import individual, other_association
from samla.audit.models import AuditEvent
from samla.people.tests.cast import Cast, sign_in
from samla.surveys.models import Questionnaire, SurveyRound
from samla.surveys.tests.builders import exit_survey, open_round
from samla.web.tests.pdf import pdf_text


def test_the_office_creates_a_questionnaire_from_suggested_questions(
    cast: Cast, client: Client
) -> None:
    sign_in(client, cast.olle)
    response = client.post(
        "/enkater/ny/",
        {
            "association": cast.association.pk,
            "name": "Vad tyckte du om Mia Vidare?",
            "group": "participant_exit",
        },
    )
    questionnaire = Questionnaire.objects.get()
    version = questionnaire.versions.get()
    assert response["Location"] == f"/enkater/versioner/{version.pk}/andra/"
    assert not version.is_published
    assert "Jag mår bättre nu än när jag började." in set(
        version.questions.values_list("wording", flat=True)
    )
    event = AuditEvent.objects.get(object_type="surveys.questionnaire", action="create")
    assert event.participant_id is None and event.actor_id == cast.olle.pk
    edit = client.get(response["Location"])
    assert edit.status_code == 200
    assert "Jag mår bättre nu än när jag började." in edit.content.decode()


def test_the_office_opens_a_round_and_gets_one_link_for_everyone(
    cast: Cast, client: Client
) -> None:
    version = exit_survey(cast)
    mia = individual(cast)
    today = timezone.localdate()
    sign_in(client, cast.olle)
    form = client.get(f"/enkater/omgangar/ny/?version={version.pk}")
    assert f'<option value="{version.pk}" selected>' in form.content.decode()
    response = client.post(
        "/enkater/omgangar/ny/",
        {
            "version": version.pk,
            "activity": mia.pk,
            "year": today.year,
            "opens_on": today.isoformat(),
            "closes_on": (today + timedelta(days=14)).isoformat(),
        },
    )
    survey_round = SurveyRound.objects.get()
    assert response["Location"] == f"/enkater/omgangar/{survey_round.pk}/"
    assert len(survey_round.token) >= 32
    page = client.get(response["Location"]).content.decode()
    assert f"/enkat/{survey_round.token}/" in page
    assert 'src="data:image/svg+xml' in page  # the QR code
    assert AuditEvent.objects.filter(object_type="surveys.surveyround", action="create").exists()
    handout = client.get(f"/enkater/omgangar/{survey_round.pk}/utskrift.pdf")
    assert handout["Content-Type"] == "application/pdf"
    # Tagged for a screen reader, nothing cut off; the link printed whole for typing in.
    printed = pdf_text(handout.content)
    assert version.questionnaire.name in printed
    assert f"/enkat/{survey_round.token}/" in printed.replace(" ", "")


@pytest.mark.parametrize(
    ("field", "overrides", "message"),
    [
        ("closes_on", {"closes_on": "2020-01-01"}, "före den dag enkäten öppnar"),
        ("year", {"year": "1999"}, "2000"),
        ("version", {"version": ""}, "Detta fält måste fyllas i"),
    ],
)
def test_a_round_is_refused_in_swedish_and_nothing_is_saved(
    cast: Cast, client: Client, field: str, overrides: dict[str, str], message: str
) -> None:
    version = exit_survey(cast)
    today = timezone.localdate()
    sign_in(client, cast.olle)
    data = {
        "version": str(version.pk),
        "activity": "",
        "year": str(today.year),
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=14)).isoformat(),
    } | overrides
    response = client.post("/enkater/omgangar/ny/", data)
    assert response.status_code == 422
    assert message in str(response.context["form"].errors[field])
    assert not SurveyRound.objects.exists()


def test_the_round_takes_only_the_associations_own_activity(cast: Cast) -> None:
    elsewhere = other_association(cast)
    version = exit_survey(cast)
    with pytest.raises(Exception, match="annat samordningsförbund"):
        open_round(version, cast.olle, activity=elsewhere.activity)


def test_the_board_reads_but_does_not_keep(cast: Cast, client: Client) -> None:
    version = exit_survey(cast)
    survey_round = open_round(version, cast.olle)
    questionnaire_url = f"/enkater/{version.questionnaire_id}/"
    sign_in(client, cast.bodil)
    listing = client.get("/enkater/").content.decode()
    assert "Vad tyckte du om insatsen?" in listing and "Ny enkät" not in listing
    for url in (
        questionnaire_url,
        f"/enkater/versioner/{version.pk}/",
        f"/enkater/versioner/{version.pk}/resultat/",
        f"/enkater/omgangar/{survey_round.pk}/",
        f"/enkater/omgangar/{survey_round.pk}/resultat/",
    ):
        assert client.get(url).status_code == 200, url
    round_page = client.get(f"/enkater/omgangar/{survey_round.pk}/").content.decode()
    assert survey_round.token not in round_page  # the office shares the link, not the board
    for url in (
        f"{questionnaire_url}ny-version/",
        f"/enkater/versioner/{version.pk}/andra/",
        f"/enkater/versioner/{version.pk}/publicera/",
        f"/enkater/omgangar/{survey_round.pk}/stang/",
        f"/enkater/omgangar/{survey_round.pk}/utskrift.pdf",
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code in (403, 405), url
    for url in ("/enkater/ny/", "/enkater/omgangar/ny/"):
        assert client.get(url).status_code == 404, url
    assert version.questionnaire.versions.count() == 1
    survey_round.refresh_from_db()
    assert survey_round.closed_early_on is None


@pytest.mark.parametrize("who", ["kim", "fia", "greta"])
def test_anyone_else_finds_nothing(cast: Cast, client: Client, who: str) -> None:
    version = exit_survey(cast)
    survey_round = open_round(version, cast.olle)
    user = other_association(cast).greta if who == "greta" else cast.everyone()[who]
    sign_in(client, user)
    urls = [
        f"/enkater/{version.questionnaire_id}/",
        f"/enkater/{version.questionnaire_id}/ny-version/",
        f"/enkater/versioner/{version.pk}/",
        f"/enkater/versioner/{version.pk}/resultat/",
        f"/enkater/omgangar/{survey_round.pk}/",
        f"/enkater/omgangar/{survey_round.pk}/stang/",
        f"/enkater/omgangar/{survey_round.pk}/resultat/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code in (404, 405), url
    listing = client.get("/enkater/")
    if who == "greta":  # her own association's list, without Östra Södertörn's questionnaire
        assert "Vad tyckte du om insatsen?" not in listing.content.decode()
    else:
        assert listing.status_code == 404


def test_the_menu_offers_surveys_to_the_office_and_the_board_only(
    cast: Cast, client: Client
) -> None:
    for user, shown in ((cast.olle, True), (cast.bodil, True), (cast.kim, False)):
        sign_in(client, user)
        assert ('href="/enkater/"' in client.get("/").content.decode()) is shown, user
        client.logout()


def test_closing_a_round_early_stops_answers_and_opens_the_results(
    cast: Cast, client: Client
) -> None:
    survey_round = open_round(exit_survey(cast), cast.olle)
    sign_in(client, cast.olle)
    confirm = client.get(f"/enkater/omgangar/{survey_round.pk}/stang/")
    assert "Den kan inte öppnas igen." in confirm.content.decode()
    client.post(f"/enkater/omgangar/{survey_round.pk}/stang/")
    survey_round.refresh_from_db()
    assert survey_round.closed_early_on == timezone.localdate()
    assert AuditEvent.objects.filter(summary="Enkätomgång stängd").exists()
    assert client.get(f"/enkat/{survey_round.token}/").status_code == 410
    results = client.get(f"/enkater/omgangar/{survey_round.pk}/resultat/")
    assert "För få svar för att visa resultat" in results.content.decode()
