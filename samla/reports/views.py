from __future__ import annotations

import io

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from samla import spreadsheets
from samla.accounts.http import AuthedRequest, is_htmx
from samla.replica import reading_from_replica
from samla.reports import actions
from samla.reports.access import (
    esf_activities,
    get_association_for_reports,
    get_esf_activity_for_user,
    get_report_for_user,
    reporting_associations,
)
from samla.reports.esf import months_of
from samla.reports.followup import Followup
from samla.reports.forms import EsfFileForm, OrderReportForm
from samla.reports.models import AnnualReport
from samla.reports.yearly import first_year
from samla.statistics.tables import hidden_explanation

REPORTS_SHOWN = 30
FIRST_YEAR = 1990  # as AnnualReport's constraint: no year before this is asked for


def _years(association_first: int, today_year: int) -> list[int]:
    return list(range(today_year, association_first - 1, -1))


@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    associations = reporting_associations(request.user)
    if not associations:
        raise Http404
    if len(associations) == 1:
        return redirect("reports:association", associations[0].pk)
    return render(request, "reports/index.html", {"associations": associations})


@require_http_methods(["GET", "POST"])
def association(request: AuthedRequest, association_pk: int) -> HttpResponse:
    """The association's annual reports, the form to order one, and FK's follow-up by year."""
    association = get_association_for_reports(request.user, association_pk)
    today = timezone.localdate()
    years = _years(first_year(association, today), today.year)
    form = OrderReportForm(request.POST or None, years=years)
    if request.method == "POST" and form.is_valid():
        report = actions.order_annual_report(
            association, actor=request.user, year=form.cleaned_data["year"]
        )
        return redirect(report)
    context = {
        "association": association,
        "form": form,
        "years": years,
        "reports": AnnualReport.objects.filter(association=association)
        .defer("pdf")
        .select_related("requested_by")[:REPORTS_SHOWN],
    }
    return render(request, "reports/association.html", context, status=422 if form.errors else 200)


@require_GET
def annual_report(request: AuthedRequest, report_pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, report_pk)
    template = (
        "reports/annual_report.html#status" if is_htmx(request) else "reports/annual_report.html"
    )
    return render(request, template, {"report": report})


@require_GET
def annual_report_pdf(request: AuthedRequest, report_pk: int) -> FileResponse:
    report = get_report_for_user(request.user, report_pk, with_pdf=True)
    if not report.is_done:
        raise Http404
    actions.record_download(report, actor=request.user)
    response = FileResponse(
        io.BytesIO(bytes(report.pdf)),
        as_attachment=True,
        filename=report.filename,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def followup(request: AuthedRequest, association_pk: int, year: int) -> HttpResponse:
    """FK's national follow-up for one year: on screen, or as CSV or XLSX with ?format=."""
    association = get_association_for_reports(request.user, association_pk)
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise Http404
    report = Followup(association, year)
    file_format = request.GET.get("format")
    # Counts only, after the access check: read where the heavy reads go (samla/replica.py).
    with reading_from_replica():
        if file_format is not None:
            if file_format not in ("csv", "xlsx"):
                raise Http404
            filename = f"uppfoljning-finsam-{slugify(association.short_name)}-{year}.{file_format}"
            if file_format == "xlsx":
                return spreadsheets.xlsx_response(filename, report.records())
            return spreadsheets.csv_response(filename, report.records())
        context = {
            "association": association,
            "report": report,
            "blocks": report.blocks(),
            "explanation": hidden_explanation(association.suppression_k),
        }
        return render(request, "reports/followup.html", context)


@require_GET
def esf_index(request: AuthedRequest) -> HttpResponse:
    activities = list(esf_activities(request.user).select_related("association"))
    if not activities:
        raise Http404
    return render(request, "reports/esf_index.html", {"activities": activities})


@require_GET
def esf_activity(request: AuthedRequest, esf_activity_pk: int) -> HttpResponse:
    """The ESF participant file of one month: the form, or with ?month= the file itself."""
    activity = get_esf_activity_for_user(request.user, esf_activity_pk)
    months = months_of(activity, timezone.localdate())
    form = EsfFileForm(request.GET if "month" in request.GET else None, months=months)
    if form.is_valid():
        exported = actions.export_esf_file(
            activity,
            actor=request.user,
            month=form.cleaned_data["month"],
            file_format=form.cleaned_data["format"],
        )
        response = HttpResponse(exported.content, content_type=exported.content_type)
        response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
        response["Cache-Control"] = "no-store"
        return response
    context = {"activity": activity, "form": form}
    return render(request, "reports/esf.html", context, status=422 if form.errors else 200)
