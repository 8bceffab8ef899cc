"""The right ground on every row of the log (issue 18 item 5): a write about a person names what
allowed it whether or not a read came before it in the same request, as when a task, an import
or the demo's history writes. The provider's staff act on the referral, another organisation on
the consent that names it, the controlling organisation on its own responsibility."""

from __future__ import annotations

import pytest
from django.test import Client

from samla.accounts.models import Role, RoleAssignment
from samla.audit.models import AuditEvent
from samla.oversight.tests.test_references import review, reviewer, rows_of
from samla.people.tests.cast import Cast, sign_in
from samla.plans.tests.matrix import build_agreed_plan
from samla.referrals import actions as referral_actions
from samla.referrals.tests.builders import build

pytestmark = pytest.mark.django_db


def test_writes_outside_a_request_name_their_ground(cast: Cast, client: Client) -> None:
    setting = build(cast)
    referral = referral_actions.receive(setting.referral, actor=setting.ulla)
    referral_actions.accept(referral, actor=setting.ulla)
    build_agreed_plan(cast)  # Kim writes the plan, Fia confirms FK's part

    received = AuditEvent.objects.get(summary="Remiss: Skickad → Mottagen")
    assert (received.role, received.referral_id) == ("provider", referral.pk)
    created = AuditEvent.objects.filter(summary="Skapade samordnad plan").get()
    assert (created.role, created.consent_id) == ("coordinator", None)
    confirmed = AuditEvent.objects.filter(
        actor_id=cast.fia.pk, summary__startswith="Bekräftade planen"
    ).get()
    assert (confirmed.role, confirmed.consent_id) == ("case_handler", cast.consent_fk.pk)

    sign_in(client, reviewer(cast.tyreso, "greta"))
    rows = rows_of(review(client))
    assert rows and not any("Ingen grund registrerad" in row for row in rows)
    assert any(
        "Ulla" in row and f"Remiss #{referral.pk}" in row and "Utförare" in row for row in rows
    )
    assert any(
        "Fia Handläggare" in row and f"Samtycke #{cast.consent_fk.pk}" in row for row in rows
    )
    assert any("Kim Koordinator" in row and "Ansvarig organisation" in row for row in rows)


def test_one_user_on_both_sides_acts_on_the_referral_only_as_the_provider(cast: Cast) -> None:
    """Ulla runs the activity and is also a coordinator on Pia's team: receiving the referral she
    does as the provider, withdrawing it on her own ground."""
    setting = build(cast)
    RoleAssignment.objects.create(
        user=setting.ulla, role=Role.COORDINATOR, association=cast.association
    )
    referral = referral_actions.receive(setting.referral, actor=setting.ulla)
    referral_actions.withdraw(referral, actor=setting.ulla)
    received = AuditEvent.objects.get(summary="Remiss: Skickad → Mottagen")
    withdrawn = AuditEvent.objects.get(summary="Remiss: Mottagen → Återkallad")
    assert (received.role, received.referral_id) == ("provider", referral.pk)
    assert (withdrawn.role, withdrawn.referral_id) == ("activity_staff,coordinator", None)
