from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samla import spreadsheets
from samla.accounts.http import AuthedRequest, is_htmx
from samla.imports import actions
from samla.imports.access import get_job_for_user, importing_associations, jobs_of
from samla.imports.columns import ALL_COLUMNS
from samla.imports.forms import UploadForm

ERRORS_SHOWN = 500
JOBS_SHOWN = 20


@require_http_methods(["GET", "POST"])
def upload(request: AuthedRequest) -> HttpResponse:
    associations = importing_associations(request.user)
    if not associations:
        raise Http404
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, user=request.user, associations=associations)
        if form.is_valid():
            job = actions.create_job(
                actor=request.user,
                association=form.cleaned_data["association"],
                file_name=form.cleaned_data["file"].name,
                content=form.cleaned_data["content"],
            )
            return redirect(job)
    else:
        form = UploadForm(user=request.user, associations=associations)
    context = {
        "form": form,
        "jobs": jobs_of(request.user).select_related("association")[:JOBS_SHOWN],
        "organisation": request.user.organisation,
    }
    return render(request, "imports/upload.html", context, status=422 if form.errors else 200)


@require_GET
def job_detail(request: AuthedRequest, job_pk: int) -> HttpResponse:
    job = get_job_for_user(request.user, job_pk)
    template = "imports/job.html#status" if is_htmx(request) else "imports/job.html"
    context = {"job": job, "errors": job.errors[:ERRORS_SHOWN], "errors_shown": ERRORS_SHOWN}
    return render(request, template, context)


@require_GET
def error_report(request: AuthedRequest, job_pk: int) -> HttpResponse:
    """The job's errors as CSV: text from the file (a column's header) is neutralised, so that
    a header like "=HYPERLINK(...)" is never run by the spreadsheet program that opens it."""
    job = get_job_for_user(request.user, job_pk)
    rows: list[list[object]] = [[_("Rad"), _("Kolumn"), _("Fel")]]
    rows.extend([e["row"], e["column"], capfirst(e["message"])] for e in job.errors)
    return spreadsheets.csv_response(f"importfel-{job.pk}.csv", rows)


@require_GET
def template_file(request: AuthedRequest) -> HttpResponse:
    """An empty file with every column's header, to fill in."""
    if not importing_associations(request.user):
        raise Http404
    return spreadsheets.csv_response("samla-import.csv", [ALL_COLUMNS])
