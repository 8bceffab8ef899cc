"""Mina samtycken (issue 16, part 2): the person reads every consent in plain words, on the page
and as a PDF; withdraws one with e-ID, effective on the very next request; and gives (or says no
to) a consent their coordinator drafted, which lifts no secrecy until given."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from samla.accounts.models import User
from samla.accounts.tests.oidc import LOA2, RunningProvider
from samla.audit.models import AuditEvent
from samla.idnumbers import test_personnummer
from samla.mysamla.tests.person import enter_as, log_in_person, sign
from samla.people import actions
from samla.people.models import Consent, InformationCategory, Participant
from samla.people.tests.cast import Cast, sign_in
from samla.web.tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

PAGE = "/min-samla/samtycken/"
STRANGER = test_personnummer(date(1985, 2, 14), "M")


def consent_url(consent: Consent, tail: str = "") -> str:
    return f"/min-samla/samtycken/{consent.pk}/{tail}"


def fia_sees_pia(cast: Cast) -> int:
    """The status Fia (FK, named by the consent) gets on Pia's page, in her own session."""
    return sign_in(Client(), cast.fia).get(f"/deltagare/{cast.pia.pk}/").status_code


def draft_for_fk(cast: Cast) -> Consent:
    """Kim drafts a consent naming FK for Pia to give, after FK's own consent was withdrawn."""
    actions.withdraw_consent(cast.consent_fk, actor=cast.kim, reason="Pia ville byta samtycke.")
    today = timezone.localdate()
    return actions.record_consent(
        actor=cast.kim,
        participant=cast.pia,
        organisations=[cast.fk],
        categories_included=[InformationCategory.WORK_STUDIES],
        categories_excluded=[InformationCategory.HEALTH],
        form="",
        given_by="",
        valid_from=today,
        valid_to=today + timedelta(days=180),
        replaces=cast.consent_fk,
        draft=True,
    )


def long_date(day: date) -> str:
    return date_format(day, "j F Y")


def test_the_page_shows_every_consent_in_plain_words_and_is_logged(
    cast: Cast, client: Client
) -> None:
    person = enter_as(client, cast.pia)
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    fk = cast.consent_fk
    assert "Försäkringskassan" in page and "Arbetsförmedlingen" in page
    assert "Arbete och studier, Försörjning och ersättningar" in page
    assert "Hälsa och vård" in page  # excluded, in its own line
    assert fk.valid_to is not None and cast.consent_af.withdrawn_at is not None
    assert f"Från {long_date(fk.valid_from)} till {long_date(fk.valid_to)}" in page
    assert "Skriftligt, av dig." in page and "Muntligt och dokumenterat, av dig." in page
    assert ">Gäller<" in page
    withdrawn_on = long_date(timezone.localtime(cast.consent_af.withdrawn_at).date())
    assert f"Återkallat {withdrawn_on}" in page
    assert "Pia ville inte längre att AF skulle se uppgifterna." in page
    assert "Kim Koordinator, Tyresö kommun" in page
    reads = AuditEvent.objects.filter(actor_id=person.pk, participant_id=cast.pia.pk)
    assert [(r.action, r.role, r.summary) for r in reads] == [
        (AuditEvent.Action.VIEW, "person", "Min Samla, samtycken")
    ]


def test_the_pdf_copy_holds_every_consent_and_is_logged_as_printed(
    cast: Cast, client: Client
) -> None:
    person = enter_as(client, cast.pia)
    response = client.get(PAGE + "mina-samtycken.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Mina samtycken" in text and "Samtycken för Pia Persson." in text
    assert "Försäkringskassan" in text and "Arbetsförmedlingen" in text
    assert "Arbete och studier, Försörjning och ersättningar" in text
    assert "Pia ville inte längre att AF skulle se uppgifterna." in text
    assert AuditEvent.objects.filter(
        actor_id=person.pk, action=AuditEvent.Action.PRINT, participant_id=cast.pia.pk
    ).exists()


def test_withdrawing_with_e_id_takes_effect_on_the_very_next_request(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    assert fia_sees_pia(cast) == 200
    log_in_person(client, eid, cast.pia.id_number)
    person = User.objects.get(person_number=cast.pia.id_number)
    response = client.post(consent_url(cast.consent_fk, "aterkalla/"), {"reason": ""})
    assert not Consent.objects.get(pk=cast.consent_fk.pk).withdrawn_at  # not before signing
    back = sign(client, eid, response, cast.pia.id_number)
    assert back["Location"] == consent_url(cast.consent_fk)
    assert fia_sees_pia(cast) == 404
    consent = Consent.objects.get(pk=cast.consent_fk.pk)
    assert consent.state() == Consent.State.WITHDRAWN
    assert consent.withdrawn_by == person
    assert consent.withdrawal_reason == "Återkallat av personen i Min Samla"
    assert "eid" in consent.withdrawal_signature and "tillitsnivå" in consent.withdrawal_signature
    row = AuditEvent.objects.get(actor_id=person.pk, action=AuditEvent.Action.UPDATE)
    assert row.role == "person" and row.participant_id == cast.pia.pk
    assert row.summary.startswith("Återkallade samtycke med e-legitimation (eid)")
    page = client.get(back["Location"]).content.decode()
    assert "Du har återkallat samtycket." in page
    assert "av dig med e-legitimation" in page
    assert "Återkalla med e-legitimation" not in page


def test_a_reason_the_person_gives_is_kept(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    enter_as(client, cast.pia)
    response = client.post(consent_url(cast.consent_fk, "aterkalla/"), {"reason": "Jag vill inte."})
    sign(client, eid, response, cast.pia.id_number)
    assert Consent.objects.get(pk=cast.consent_fk.pk).withdrawal_reason == "Jag vill inte."


def test_signing_as_someone_else_changes_nothing(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    enter_as(client, cast.pia)
    response = client.post(consent_url(cast.consent_fk, "aterkalla/"), {"reason": ""})
    back = sign(client, eid, response, STRANGER.value)
    page = client.get(back["Location"]).content.decode()
    assert "Du legitimerade dig som någon annan än den som är inloggad." in page
    assert Consent.objects.get(pk=cast.consent_fk.pk).withdrawn_at is None
    assert fia_sees_pia(cast) == 200


def test_signing_at_too_low_a_level_changes_nothing_and_is_logged(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    enter_as(client, cast.pia)
    response = client.post(consent_url(cast.consent_fk, "aterkalla/"), {"reason": ""})
    back = sign(client, eid, response, cast.pia.id_number, acr=LOA2)
    page = client.get(back["Location"]).content.decode()
    assert "för låg tillitsnivå" in page and "Ingenting har ändrats." in page
    assert Consent.objects.get(pk=cast.consent_fk.pk).withdrawn_at is None
    refused = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert "tillitsnivå" in refused.summary and cast.pia.id_number not in refused.summary


def test_a_consent_withdrawn_meanwhile_is_refused_in_words(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    enter_as(client, cast.pia)
    response = client.post(consent_url(cast.consent_fk, "aterkalla/"), {"reason": ""})
    actions.withdraw_consent(cast.consent_fk, actor=cast.kim, reason="Muntligt till Kim.")
    back = sign(client, eid, response, cast.pia.id_number)
    page = client.get(back["Location"]).content.decode()
    assert "Samtycket är redan återkallat. Ingenting har ändrats." in page
    consent = Consent.objects.get(pk=cast.consent_fk.pk)
    assert consent.withdrawn_by == cast.kim and consent.withdrawal_reason == "Muntligt till Kim."


def test_a_draft_is_not_in_force_until_the_person_gives_it_with_e_id(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    draft = draft_for_fk(cast)
    assert draft.state() == Consent.State.DRAFT
    assert not Consent.objects.in_force(timezone.localdate()).filter(pk=draft.pk).exists()
    assert fia_sees_pia(cast) == 404

    person = enter_as(client, cast.pia)
    listing = client.get(PAGE).content.decode()
    assert "Ett samtycke väntar på dig" in listing
    page = client.get(consent_url(draft)).content.decode()
    assert "Ett samtycke väntar på dig" in page
    assert "Om du säger ja får Försäkringskassan ta del av de uppgifter som står ovan." in page
    assert "Arbete och studier" in page and "Hälsa och vård" in page
    response = client.post(consent_url(draft, "lamna/"))
    assert fia_sees_pia(cast) == 404  # not before signing
    back = sign(client, eid, response, cast.pia.id_number)
    assert "Du har lämnat samtycket. Det gäller från och med nu." in (
        client.get(back["Location"]).content.decode()
    )
    assert fia_sees_pia(cast) == 200
    given = Consent.objects.get(pk=draft.pk)
    assert given.state() == Consent.State.ACTIVE
    assert (given.form, given.given_by) == (Consent.Form.DIGITAL, Consent.GivenBy.PERSON)
    assert given.given_at is not None and "tillitsnivå" in given.given_signature
    row = AuditEvent.objects.get(actor_id=person.pk, action=AuditEvent.Action.UPDATE)
    assert row.summary.startswith("Lämnade samtycke digitalt med e-legitimation (eid)")

    kim_page = sign_in(Client(), cast.kim).get(given.get_absolute_url()).content.decode()
    assert "i Min Samla" in kim_page and "tillitsnivå" in kim_page


def test_the_person_can_say_no_to_a_draft(cast: Cast, eid: RunningProvider, client: Client) -> None:
    draft = draft_for_fk(cast)
    enter_as(client, cast.pia)
    response = client.post(consent_url(draft, "aterkalla/"), {"reason": ""})
    back = sign(client, eid, response, cast.pia.id_number)
    assert "Du har sagt nej till samtycket." in client.get(back["Location"]).content.decode()
    declined = Consent.objects.get(pk=draft.pk)
    assert declined.state() == Consent.State.DECLINED
    assert declined.withdrawal_reason == "Avböjt av personen i Min Samla"
    assert fia_sees_pia(cast) == 404
    # Giving it afterwards, from a page left open, changes nothing.
    response = client.post(consent_url(draft, "lamna/"))
    assert response.status_code == 302 and "prompt=login" not in response["Location"]
    assert Consent.objects.get(pk=draft.pk).given_at is None


def test_the_coordinator_drafts_a_consent_for_the_person(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    today = timezone.localdate()
    response = client.post(
        f"/deltagare/{cast.pia.pk}/samtycken/nytt/",
        {
            "organisations": [cast.region.pk],
            "categories_included": [InformationCategory.HEALTH],
            "form": "min_samla",
            "given_by": "guardian",
            "legal_basis": Consent.LegalBasis.PUBLIC_TASK,
            "valid_from": today.isoformat(),
            "valid_to": (today + timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 302
    draft = Consent.objects.get(participant=cast.pia, organisations=cast.region)
    assert draft.given_at is None
    assert (draft.form, draft.given_by, draft.given_by_name) == ("digital", "person", "")
    page = client.get(f"/deltagare/{cast.pia.pk}/").content.decode()
    assert "Väntar på att personen lämnar det" in page
    assert sign_in(Client(), cast.nils).get(f"/deltagare/{cast.pia.pk}/").status_code == 404


def test_a_draft_is_only_ever_digital_by_the_person(cast: Cast) -> None:
    with pytest.raises(IntegrityError):
        Consent.objects.create(
            participant=cast.pia,
            categories_included=[InformationCategory.CONTACT],
            form=Consent.Form.WRITTEN,
            given_by=Consent.GivenBy.PERSON,
            valid_from=timezone.localdate(),
            recorded_by=cast.kim,
            given_at=None,
        )


def test_another_person_gets_404_on_pias_consents(cast: Cast, client: Client) -> None:
    other = Participant.objects.create(
        association=cast.association,
        controlling_organisation=cast.tyreso,
        kind=Participant.Kind.IDENTIFIED,
        id_number=STRANGER.value,
        id_number_kind=STRANGER.kind.value,
        first_name="Per",
        last_name="Persson",
        sex="M",
        start_year=2026,
        created_by=cast.kim,
    )
    enter_as(client, other)
    for consent in (cast.consent_fk, cast.consent_af):
        assert client.get(consent_url(consent)).status_code == 404
        assert client.post(consent_url(consent, "aterkalla/"), {"reason": ""}).status_code == 404
        assert client.post(consent_url(consent, "lamna/")).status_code == 404
    page = client.get(PAGE).content.decode()
    assert "Försäkringskassan" not in page
    assert Consent.objects.get(pk=cast.consent_fk.pk).withdrawn_at is None


def test_the_page_lets_its_form_go_on_to_the_e_id_provider(
    cast: Cast, eid: RunningProvider, client: Client
) -> None:
    """A browser holds the redirect after a form post to the page's CSP form-action: without
    the provider there, the signature never starts (the browser test found it)."""
    enter_as(client, cast.pia)
    csp = client.get(consent_url(cast.consent_fk))["Content-Security-Policy"]
    assert f"form-action 'self' {eid.url};" in csp
    assert "script-src 'self';" in csp
