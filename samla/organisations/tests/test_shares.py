from __future__ import annotations

from typing import Any

from django.forms import inlineformset_factory

from samla.organisations.admin import AssociationMemberFormSet
from samla.organisations.models import Association, AssociationMember
from samla.people.tests.cast import Cast

MemberFormSet: Any = inlineformset_factory(
    Association,
    AssociationMember,
    formset=AssociationMemberFormSet,
    fields=["organisation", "kind", "financing_share"],
    extra=0,
)


def formset_data(cast: Cast, shares: list[tuple[int, str, str]]) -> dict[str, str]:
    members = list(cast.association.memberships.order_by("pk"))
    data = {
        "memberships-TOTAL_FORMS": str(len(shares)),
        "memberships-INITIAL_FORMS": str(len(members)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, (org_id, kind, share) in enumerate(shares):
        data |= {
            f"memberships-{i}-id": str(members[i].pk) if i < len(members) else "",
            f"memberships-{i}-association": str(cast.association.pk),
            f"memberships-{i}-organisation": str(org_id),
            f"memberships-{i}-kind": kind,
            f"memberships-{i}-financing_share": share,
        }
    return data


def test_member_shares_must_add_up_to_exactly_100(cast: Cast) -> None:
    rows = [
        (cast.fk.pk, "member", "50"),
        (cast.af.pk, "member", "0"),
        (cast.region.pk, "member", "25"),
        (cast.tyreso.pk, "member", "24.999"),
    ]
    formset = MemberFormSet(
        formset_data(cast, rows), instance=cast.association, prefix="memberships"
    )
    assert not formset.is_valid()
    assert "exakt 100 %, nu 99.999 %" in str(formset.non_form_errors())
    rows[-1] = (cast.tyreso.pk, "member", "25")
    formset = MemberFormSet(
        formset_data(cast, rows), instance=cast.association, prefix="memberships"
    )
    assert formset.is_valid(), formset.errors
