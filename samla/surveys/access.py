"""Who may keep and read the association's questionnaires. Every view reaches them through here.

Questionnaires hold no person data (R1), so no audit row is written for a read. The association
office keeps them (like the activity catalogue: ``activities.access.editable_associations``); the
office and the board read the results. Anyone else, and anyone from another association, gets
404, as for a missing record, so that existence does not leak; a board member who reads a
questionnaire but asks to change it gets 403.

The answering link is the other way in: the round's token, with no user at all
(``get_round_by_token``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from samla.accounts.models import ASSOCIATION_LEADERS, Role, User
from samla.activities.access import editable_associations
from samla.organisations.models import Association
from samla.surveys.models import Questionnaire, QuestionnaireVersion, SurveyRound


def office_associations(user: User) -> list[Association]:
    """The associations whose questionnaires the user keeps."""
    return editable_associations(user)


def reading_association_ids(user: User) -> set[int]:
    """The associations whose questionnaires and results the user reads: office and board."""
    if not user.is_authenticated:
        return set()
    return user.association_ids(*ASSOCIATION_LEADERS)


def may_keep(user: User, association_id: int) -> bool:
    return association_id in user.association_ids(Role.ASSOCIATION_OFFICE)


def _check(user: User, association_id: int, *, keep: bool) -> None:
    if association_id not in reading_association_ids(user):
        raise Http404
    if keep and not may_keep(user, association_id):
        raise PermissionDenied


def get_questionnaire_for_user(user: User, pk: int, *, keep: bool = False) -> Questionnaire:
    """The questionnaire if the user reads its association, else 404; with ``keep``, 403 for a
    reader who is not the association's office."""
    questionnaire = Questionnaire.objects.select_related("association").filter(pk=pk).first()
    if questionnaire is None:
        raise Http404
    _check(user, questionnaire.association_id, keep=keep)
    return questionnaire


def get_version_for_user(user: User, pk: int, *, keep: bool = False) -> QuestionnaireVersion:
    version = (
        QuestionnaireVersion.objects.select_related("questionnaire__association")
        .filter(pk=pk)
        .first()
    )
    if version is None:
        raise Http404
    _check(user, version.questionnaire.association_id, keep=keep)
    return version


def get_round_for_user(user: User, pk: int, *, keep: bool = False) -> SurveyRound:
    survey_round = (
        SurveyRound.objects.select_related("association", "version__questionnaire", "activity")
        .filter(pk=pk)
        .first()
    )
    if survey_round is None:
        raise Http404
    _check(user, survey_round.association_id, keep=keep)
    return survey_round


def get_round_by_token(token: str) -> SurveyRound:
    """The round a link points at, whoever follows it; 404 for an unknown token. Whether it is
    open is the caller's question: a closed round has a page of its own."""
    survey_round = (
        SurveyRound.objects.select_related("association", "version__questionnaire", "activity")
        .filter(token=token)
        .first()
    )
    if survey_round is None:
        raise Http404
    return survey_round
