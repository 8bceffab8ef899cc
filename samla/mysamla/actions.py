"""What the person's door does: a login with e-ID checked against the participants."""

from __future__ import annotations

from django.http import HttpRequest

from samla.accounts import actions as account_actions
from samla.accounts import eid
from samla.accounts.models import User
from samla.people.access import has_records


def sign_in(request: HttpRequest, provider: eid.Provider) -> User:
    """The provider's answer at the person's door: the token checked, then the number looked up
    among the participants of every controlling organisation. Raises ``eid.Refused`` (logged)
    for anyone Samla holds nothing about: no account is made for them."""
    try:
        identity = eid.verified_identity(request, provider)
        if identity.number is None:
            raise eid.Refused(eid.Reason.NO_NUMBER, "inget personnummer", identity)
        record = has_records(identity.number.value)
        if record is None:
            raise eid.Refused(eid.Reason.NOT_A_PARTICIPANT, "inga uppgifter om personen", identity)
        return account_actions.sign_in_person(
            identity, first_name=record.first_name, last_name=record.last_name
        )
    except eid.Refused as refusal:
        account_actions.person_refused(provider, refusal)
        raise
