"""Route parameters for the permission matrix (samla/web/tests/test_permission_matrix.py).

Kim (Tyresö kommun, the controlling organisation) refers Pia to an activity Tyresö kommun itself
provides; she took part and left, and her entry measurement is recorded. This referral replaces
the referrals app's ``referral_pk`` (this module comes later in INSTALLED_APPS): the referral
pages read an ended referral as well as a sent one.

Who reads measurements on the person's side: whoever reads the referral (Fia at
Försäkringskassan, whose consent includes work and studies), through either address; recording
is for the controlling organisation's coordinator (and the provider's staff, tested in
samla/measurements/tests). The own questions are an association's records ("questions"):
``association_parameters`` gives one of Norrbygden's.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from samla.activities.tests.builders import Elsewhere, individual
from samla.measurements import actions
from samla.measurements.models import IncomeSourceKind, LocalQuestion, Occasion
from samla.measurements.occasions import SLUGS
from samla.people.tests.cast import Cast
from samla.referrals import actions as referral_actions
from samla.referrals.models import ExitReason

READABLE_WITH_CONSENT = {"measurements:detail", "measurements:provider_detail"}


def parameters(cast: Cast) -> dict[str, int | str]:
    today = timezone.localdate()
    activity = individual(cast, name="Tyresö stegvis", provider=cast.tyreso)
    referral = referral_actions.send_referral(
        cast.pia, actor=cast.kim, activity=activity, note="Pia vill prova stegvis."
    )
    for step in (referral_actions.receive, referral_actions.accept):
        referral = step(referral, actor=cast.kim)
    referral = referral_actions.start(
        referral, actor=cast.kim, started_on=today - timedelta(days=100)
    )
    actions.save_measurement(
        referral,
        Occasion.ENTRY,
        actor=cast.kim,
        version=actions.NEW,
        measured_on=today - timedelta(days=100),
        occupation="job_seeking",
        education="upper_secondary",
        support_time="2_5",
        wellbeing=2,
        closeness=2,
        ocn_modules=0,
        ocn_points=0,
        income_sources=[(IncomeSourceKind.SOCIAL_ASSISTANCE, 100)],
        answers={},
    )
    referral = referral_actions.end(
        referral,
        actor=cast.kim,
        ended_on=today - timedelta(days=40),
        exit_reason=ExitReason.WORK_SUBSIDISED,
    )
    return {"referral_pk": referral.pk, "occasion": SLUGS[Occasion.ENTRY]}


def association_parameters(elsewhere: Elsewhere) -> dict[str, int | str]:
    question = actions.add_question(
        elsewhere.association,
        actor=elsewhere.greta,
        wording="Vet du vart du ska vända dig om du behöver stöd?",
        answer_kind=LocalQuestion.AnswerKind.YES_NO,
        occasions=[Occasion.ENTRY, Occasion.EXIT],
    )
    return {"question_pk": question.pk}
