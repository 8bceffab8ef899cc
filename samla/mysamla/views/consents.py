"""Mina samtycken: every consent in the person's records (who may share what, from when to
when, how it was given, its state and history), on the page and as a PDF; withdrawing one with
e-ID, and giving or declining one the coordinator drafted, with e-ID too.

A withdrawal goes through ``people.actions.withdraw_consent``, the coordinator's own, so it
reaches everything that rested on the consent and the other organisations' next request is
refused. A draft lifts no secrecy until the person gives it here."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samla.accounts.http import AuthedRequest
from samla.audit.models import AuditEvent
from samla.mysamla import signing
from samla.mysamla.http import person_view
from samla.pdf import pdf_response, render_pdf
from samla.people import actions
from samla.people.access import get_own_consent, read_own_consents
from samla.people.forms import OwnWithdrawalForm
from samla.people.models import Consent

PURPOSE = "Min Samla, samtycken"
WITHDRAWN_DEFAULT = "Återkallat av personen i Min Samla"
DECLINED_DEFAULT = "Avböjt av personen i Min Samla"


def _grouped(consents: list[Consent]) -> dict[str, list[Consent]]:
    """Waiting for the person, in force or to come, and the past (ended, withdrawn, declined)."""
    today = timezone.localdate()
    groups: dict[str, list[Consent]] = {"waiting": [], "current": [], "past": []}
    for consent in consents:
        state = consent.state(today)
        if state == Consent.State.DRAFT:
            groups["waiting"].append(consent)
        elif state in (Consent.State.ACTIVE, Consent.State.UPCOMING):
            groups["current"].append(consent)
        else:
            groups["past"].append(consent)
    return groups


@person_view
@require_GET
def consents(request: AuthedRequest) -> HttpResponse:
    context = _grouped(read_own_consents(request.user, purpose=PURPOSE))
    return render(request, "mysamla/consents.html", context)


@person_view
@require_GET
def consents_pdf(request: AuthedRequest) -> HttpResponse:
    """A copy of every consent to keep."""
    found = read_own_consents(
        request.user, purpose=PURPOSE + ", utskrift", action=AuditEvent.Action.PRINT
    )
    context: dict[str, Any] = _grouped(found) | {"printed_at": timezone.localtime()}
    pdf = render_pdf("mysamla/consents_pdf.html", context, request=request)
    return pdf_response(pdf, "mina-samtycken.pdf")


def _page(
    request: AuthedRequest, consent: Consent, form: OwnWithdrawalForm, status: int = 200
) -> HttpResponse:
    context = {"consent": consent, "state": consent.state(), "form": form}
    return render(request, "mysamla/consent.html", context, status=status)


@person_view
@require_GET
def consent(request: AuthedRequest, consent_pk: int) -> HttpResponse:
    """One consent in full; a draft with what giving it lets whom share, and the two answers."""
    found = get_own_consent(request.user, consent_pk, purpose=PURPOSE)
    return _page(request, found, OwnWithdrawalForm())


@person_view
@require_POST
def withdraw(request: AuthedRequest, consent_pk: int) -> HttpResponse:
    """To the e-ID provider, to sign the withdrawal (of a draft: declining it)."""
    found = get_own_consent(request.user, consent_pk, purpose=PURPOSE + ", återkalla")
    form = OwnWithdrawalForm(request.POST)
    if not form.is_valid():
        return _page(request, found, form, status=422)
    if found.withdrawn_at is not None:
        messages.error(request, _("Samtycket är redan återkallat."))
        return redirect("mysamla:consent", consent_pk=found.pk)
    default = DECLINED_DEFAULT if found.is_draft else WITHDRAWN_DEFAULT
    data = {"consent": found.pk, "reason": form.reason_or(default)}
    back = reverse("mysamla:consent", kwargs={"consent_pk": found.pk})
    return signing.start(request, action="consent_withdraw", data=data, back=back)


@signing.handler("consent_withdraw")
def withdraw_signed(
    request: AuthedRequest, data: dict[str, Any], signature: signing.Signature
) -> HttpResponse:
    """Signed: still the person's own, and not withdrawn meanwhile (the action checks under a
    lock), else nothing changes."""
    found = _still_own(request, data, purpose=PURPOSE + ", återkalla")
    was_draft = found.is_draft
    try:
        actions.withdraw_consent(
            found,
            actor=request.user,
            reason=str(data.get("reason") or WITHDRAWN_DEFAULT)[:1000],
            signature=signature.describe(),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages) + " " + _("Ingenting har ändrats."))
    else:
        messages.success(
            request,
            _("Du har sagt nej till samtycket. Ingenting delas med stöd av det.")
            if was_draft
            else _("Du har återkallat samtycket. Det gäller inte längre, från och med nu."),
        )
    return redirect("mysamla:consent", consent_pk=found.pk)


@person_view
@require_POST
def give(request: AuthedRequest, consent_pk: int) -> HttpResponse:
    """To the e-ID provider, to sign the consent the coordinator drafted."""
    found = get_own_consent(request.user, consent_pk, purpose=PURPOSE + ", lämna")
    if not found.is_draft or found.withdrawn_at is not None:
        messages.error(request, _("Samtycket väntar inte längre på dig. Ingenting har ändrats."))
        return redirect("mysamla:consent", consent_pk=found.pk)
    back = reverse("mysamla:consent", kwargs={"consent_pk": found.pk})
    return signing.start(request, action="consent_give", data={"consent": found.pk}, back=back)


@signing.handler("consent_give")
def give_signed(
    request: AuthedRequest, data: dict[str, Any], signature: signing.Signature
) -> HttpResponse:
    found = _still_own(request, data, purpose=PURPOSE + ", lämna")
    try:
        given = actions.give_consent(found, actor=request.user, signature=signature.describe())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if given.state() == Consent.State.UPCOMING:
            when = date_format(given.valid_from, "j F Y")
            messages.success(
                request, _("Du har lämnat samtycket. Det börjar gälla %(date)s.") % {"date": when}
            )
        else:
            messages.success(request, _("Du har lämnat samtycket. Det gäller från och med nu."))
    return redirect("mysamla:consent", consent_pk=found.pk)


def _still_own(request: AuthedRequest, data: dict[str, Any], *, purpose: str) -> Consent:
    """The consent the person signed for, read again: it must still be one of theirs."""
    try:
        pk = int(data.get("consent", 0))
    except (TypeError, ValueError) as error:
        raise Http404 from error
    return get_own_consent(request.user, pk, purpose=purpose)
