"""The demo's member parties receive meeting invitations (issue 14, item 4): a resource council
in Östra Södertörn reaches FK, AF, the region and the municipality even when nobody of theirs is
on the person's team, and no summoned invitation of the demo reaches nobody."""

from __future__ import annotations

import pytest

from samla.accounts.models import Receiver, User
from samla.meetings.access import reaches_nobody
from samla.meetings.models import Invitation, Meeting
from samla.organisations.models import Association

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


@pytest.mark.parametrize(
    "username",
    [
        "handlaggare.fk.sodertorn",
        "handlaggare.af.sodertorn",
        "handlaggare.region.stockholm",
        "handlaggare.nynashamn",
    ],
)
def test_each_member_party_of_ostra_sodertorn_has_a_demo_login_that_receives(
    username: str,
) -> None:
    user = User.objects.get(username=username)
    association = Association.objects.get(short_name="Östra Södertörn")
    assert user.organisation_id is not None
    assert user in Receiver.objects.users(user.organisation_id, association)


def test_every_summoned_invitation_of_the_demo_reaches_someone() -> None:
    invitations = Invitation.objects.filter(meeting__state=Meeting.State.PLANNED).select_related(
        "meeting__participant__association", "organisation", "user"
    )
    assert invitations
    assert not [i for i in invitations if reaches_nobody(i, i.meeting.participant)]
