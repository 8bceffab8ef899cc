"""Who reads the association's reports, and who makes the ESF participant file.

The annual report and FK's national follow-up hold aggregates only (R7), but they are the
association's own account of its year: its office and its board order and read them, nobody else
(a coordinator or a provider's staff in the same association gets 404, as does anyone from
another association, so that not even a report's existence leaks).

The ESF participant file is person data: one line per participation with the identity number. It
is made by the organisation that owns the ESF project, taken to be the provider of the ESF
co-funded activity, and only by its users with the role ESF reporter in the activity's
association. Everyone else gets 404, the association's office and board included: they never see
person data (R1). Reading the file is logged, per person, by ``actions.export_esf_file``.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from samla.accounts.models import ASSOCIATION_LEADERS, Role, RoleAssignment, User
from samla.activities.models import Activity
from samla.finance.access import finance_associations
from samla.organisations.models import Association
from samla.reports.models import AnnualReport

ESF_ROLE = str(Role.ESF_REPORTER.value)  # the role the audit rows of an ESF file name


def reporting_associations(user: User) -> list[Association]:
    """The associations whose reports the user orders and reads: where they are office or
    board, the same who read its money, which the annual report and the follow-up carry."""
    return finance_associations(user)


def get_association_for_reports(user: User, pk: int) -> Association:
    association = next((a for a in reporting_associations(user) if a.pk == pk), None)
    if association is None:
        raise Http404
    return association


def reporting_role(user: User, association: Association) -> str:
    """The role under which the user reads the association's reports, for the access log."""
    roles = user.roles_in(association)
    return next((str(role) for role in ASSOCIATION_LEADERS if role in roles), "")


def reports_visible_to(user: User) -> QuerySet[AnnualReport]:
    """The annual reports of the user's reporting associations."""
    return AnnualReport.objects.filter(association__in=[a.pk for a in reporting_associations(user)])


def get_report_for_user(user: User, pk: int, *, with_pdf: bool = False) -> AnnualReport:
    reports = reports_visible_to(user)
    if not with_pdf:
        reports = reports.defer("pdf")
    report = reports.select_related("association", "requested_by").filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def esf_activities(user: User) -> QuerySet[Activity]:
    """The ESF co-funded individual activities the user's organisation provides, in the
    associations where the user is ESF reporter."""
    if not user.is_authenticated or user.organisation_id is None:
        return Activity.objects.none()
    associations = RoleAssignment.objects.filter(
        user=user, role=Role.ESF_REPORTER, association__isnull=False
    ).values("association_id")
    return Activity.objects.filter(
        kind=Activity.Kind.INDIVIDUAL,
        esf_cofunded=True,
        provider_id=user.organisation_id,
        association_id__in=associations,
    )


def get_esf_activity_for_user(user: User, pk: int) -> Activity:
    activity = esf_activities(user).select_related("association", "provider").filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity
