"""Route parameters for the permission matrix (samla/web/tests/test_permission_matrix.py).

The questionnaire pages are an association's own records (namespace "surveys", in
``ASSOCIATION_SCOPED_NAMESPACES``): ``association_parameters`` gives Norrbygden's, which Greta
(Norrbygden's office) opens and nobody in the cast may. The version is a draft, so that its
edit and publish pages answer 200; the round is open, on the published version before it.

The answering link (namespace "survey_answer") is open without login by design and is in the
matrix's ``SKIPPED_ROUTES``; samla/surveys/tests/test_answering.py covers it.
"""

from __future__ import annotations

from samla.activities.tests.builders import Elsewhere
from samla.people.tests.cast import Cast
from samla.surveys import actions
from samla.surveys.tests.builders import open_round, published


def parameters(cast: Cast) -> dict[str, int | str]:
    return {}  # no route of this app is about a participant


def association_parameters(elsewhere: Elsewhere) -> dict[str, int | str]:
    first = published(elsewhere.association, elsewhere.greta)
    survey_round = open_round(first, elsewhere.greta, activity=elsewhere.activity)
    second = actions.start_new_version(first.questionnaire, actor=elsewhere.greta)
    return {
        "questionnaire_pk": first.questionnaire_id,
        "version_pk": second.pk,
        "round_pk": survey_round.pk,
    }
