"""Who may read and record the measurements of a participation, and who keeps the association's
own questions. Every view reaches them through here.

A participation is a referral, so it is reached through ``referrals.access`` (404 for missing and
not allowed, and the audit row of the read):

- the provider's side: staff of the organisation that provides the activity read and record the
  measurements of participations in their own activities;
- the person's side: whoever may see the person's referrals reads them, each part as far as
  their consent allows (income sources need income, the self-rated wellbeing needs health, the
  rest goes with work and studies, which reaching a referral already needs); the controlling
  organisation's coordinator on the team records too (follow-ups are often theirs).

The own questions are association-level records with no person data: the association office
keeps them (like the activity catalogue); another association's question answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse

from samla.accounts.models import User
from samla.activities.access import editable_associations
from samla.measurements.models import LocalQuestion, Occasion
from samla.measurements.occasions import SLUGS
from samla.people.access import ParticipantAccess
from samla.people.models import InformationCategory
from samla.referrals.access import get_referral_for_provider, get_referral_for_user
from samla.referrals.models import Referral

PERSON = "person"
PROVIDER = "provider"


@dataclass(frozen=True)
class Participation:
    referral: Referral
    side: str  # PERSON or PROVIDER
    can_record: bool
    access: ParticipantAccess | None = None  # the person's side only

    def url(self, occasion: str, *, record: bool = False) -> str:
        """The measurement's page (or its form) on this side."""
        slug = SLUGS[Occasion(occasion)]
        if self.side == PROVIDER:
            name = "provider_record" if record else "provider_detail"
            return reverse(f"measurements:{name}", args=[self.referral.pk, slug])
        name = "record" if record else "detail"
        return reverse(
            f"measurements:{name}", args=[self.referral.participant_id, self.referral.pk, slug]
        )

    @property
    def referral_url(self) -> str:
        if self.side == PROVIDER:
            return reverse("referrals:incoming_detail", args=[self.referral.pk])
        return self.referral.get_absolute_url()

    def allows(self, category: InformationCategory) -> bool:
        """The provider sees the whole of the measurements it records; the person's side what
        the consent allows."""
        return self.access is None or self.access.allows(category)


def get_participation_for_user(
    user: User, pk: int, referral_pk: int, *, purpose: str, record: bool = False
) -> Participation:
    """The person's side. With ``record``, only for those who may change the person's record
    (403 for a reader)."""
    found = get_referral_for_user(user, pk, referral_pk, purpose=purpose, manage=record)
    return Participation(
        referral=found.referral,
        side=PERSON,
        can_record=found.access.can_manage,
        access=found.access,
    )


def get_participation_for_provider(user: User, referral_pk: int) -> Participation:
    return Participation(
        referral=get_referral_for_provider(user, referral_pk), side=PROVIDER, can_record=True
    )


def get_question_for_office(user: User, question_pk: int) -> LocalQuestion:
    question = (
        LocalQuestion.objects.filter(
            pk=question_pk, association__in=[a.pk for a in editable_associations(user)]
        )
        .select_related("association")
        .first()
    )
    if question is None:
        raise Http404
    return question
