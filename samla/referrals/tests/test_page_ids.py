"""A received referral offers the provider several steps, each a form of its own on one page:
every field has an id of its own and a label that names it (issue 14, item 13: the waitlist's note
and every step's version were all "id_note" and "id_version", so the waitlist's note had no label
of its own)."""

from __future__ import annotations

import re
from collections import Counter

from django.test import Client

from samla.people.tests.cast import Cast, sign_in
from samla.referrals import actions
from samla.referrals.tests.builders import build


def test_each_step_on_a_received_referral_has_ids_and_labels_of_its_own(
    cast: Cast, client: Client
) -> None:
    setting = build(cast)
    referral = actions.receive(setting.referral, actor=setting.ulla)
    sign_in(client, setting.ulla)

    response = client.get(f"/remisser/{referral.pk}/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Mottagen" in body
    ids = Counter(re.findall(r'\sid="([^"]+)"', body))
    assert [name for name, count in ids.items() if count > 1] == []
    # The waitlist's note and the acceptance's note each have their own label.
    for step in ("accept", "waitlist"):
        assert f'id="id_{step}_note"' in body
        assert f'<label for="id_{step}_note">Anteckning' in body
