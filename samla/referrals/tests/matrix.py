"""Route parameters for the permission matrix (samla/web/tests/test_permission_matrix.py).

Kim (Tyresö kommun, the controlling organisation) refers Pia to an individual activity that
Tyresö kommun itself provides, so no consent is needed.

Who reads referrals on the person's side: anyone who may see Pia *and* her work and studies
information. A referral to an activity says what the person is doing about work or studies,
so Fia at Försäkringskassan, whose consent includes that category, reads the list and each
referral with its history (also through the provider-side address, which shows a non-provider
the person's side); sending, withdrawing and reopening are for the controlling organisation's
coordinator. The provider's staff are tested in samla/referrals/tests.
"""

from __future__ import annotations

from samla.activities.tests.builders import individual
from samla.people.tests.cast import Cast
from samla.referrals import actions

READABLE_WITH_CONSENT = {"referrals:list", "referrals:detail", "referrals:incoming_detail"}


def parameters(cast: Cast) -> dict[str, int | str]:
    activity = individual(cast, name="Tyresö arbetsträning", provider=cast.tyreso)
    referral = actions.send_referral(
        cast.pia, actor=cast.kim, activity=activity, note="Pia vill prova arbetsträning."
    )
    return {"referral_pk": referral.pk, "step": "withdraw"}
