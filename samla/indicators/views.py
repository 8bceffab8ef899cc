from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samla import spreadsheets
from samla.accounts.http import AuthedRequest, is_htmx
from samla.activities.access import get_activity_for_user
from samla.activities.models import Activity
from samla.indicators import actions
from samla.indicators.access import (
    get_association_for_user,
    get_programme_for_user,
    get_target_for_office,
    may_keep_targets,
    readable_associations,
)
from samla.indicators.dashboards import Dashboard
from samla.indicators.figures import Scope
from samla.indicators.forms import FilterForm, ProgrammeForm, TargetForm
from samla.indicators.models import Programme, Release
from samla.organisations.models import Association
from samla.replica import reading_from_replica
from samla.statistics.tables import hidden_explanation


@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    associations = readable_associations(request.user)
    if not associations:
        raise Http404
    context = {
        "associations": associations,
        "programmes": Programme.objects.filter(association__in=associations),
        "activities": Activity.objects.filter(
            association__in=associations, kind=Activity.Kind.INDIVIDUAL
        ).select_related("association"),
        "can_create": any(may_keep_targets(request.user, a) for a in associations),
    }
    return render(request, "indicators/index.html", context)


@require_GET
def association_dashboard(request: AuthedRequest, association_pk: int) -> HttpResponse:
    association = get_association_for_user(request.user, association_pk)
    return _dashboard(request, Scope.of_association(association, today=timezone.localdate()))


@require_GET
def programme_dashboard(request: AuthedRequest, programme_pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, programme_pk)
    return _dashboard(request, Scope.of_programme(programme))


@require_GET
def activity_dashboard(request: AuthedRequest, activity_pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, activity_pk)
    if activity.is_structural:
        raise Http404
    return _dashboard(request, Scope.of_activity(activity, today=timezone.localdate()))


def _dashboard(request: AuthedRequest, scope: Scope) -> HttpResponse:
    form = FilterForm(request.GET or None, scope=scope)
    dashboard = Dashboard(scope, form.filters())
    # The counts, read where the heavy reads go (a replica, if any); who may see them was
    # decided above, and the release's state is read below, on the primary.
    with reading_from_replica():
        if "table" in request.GET:
            return _export(dashboard, request.GET["table"], request.GET.get("format", "csv"))
        sections = dashboard.sections()
    context = _release_context(request, scope.association) | {
        "scope": scope,
        "form": form,
        "dashboard": dashboard,
        "sections": sections,
        "query": dashboard.filters.as_query(),
        "explanation": hidden_explanation(scope.association.suppression_k),
        "can_keep_targets": may_keep_targets(request.user, scope.association),
    }
    with reading_from_replica():
        return render(
            request, "indicators/dashboard.html", context, status=422 if form.errors else 200
        )


def _release_context(request: AuthedRequest, association: Association) -> dict[str, object]:
    release = Release.objects.current(association)
    return {
        "association": association,
        "release": release,
        "failed": Release.objects.failed_since(release, association),
        "pending": Release.objects.pending(association),
        "can_request_release": may_keep_targets(request.user, association),
    }


@require_http_methods(["GET", "POST"])
def release_status(request: AuthedRequest, association_pk: int) -> HttpResponse:
    """The state of the association's statistics release; the office asks for a new one here
    (POST), and the dashboard polls it while one is being built."""
    association = get_association_for_user(request.user, association_pk)
    if request.method == "POST":
        if not may_keep_targets(request.user, association):
            raise PermissionDenied
        actions.request_release(association, actor=request.user)
        if not is_htmx(request):
            return redirect("indicators:release", association.pk)
    template = "indicators/release_status.html"
    return render(
        request,
        f"{template}#status" if is_htmx(request) else template,
        _release_context(request, association),
    )


def _export(dashboard: Dashboard, slug: str, file_format: str) -> HttpResponse:
    """One dashboard table as CSV or XLSX, with its title, the filters and, when something is
    hidden, what "–" means."""
    item = dashboard.item(slug)
    if item is None or file_format not in ("csv", "xlsx"):
        raise Http404
    rows: list[Sequence[object]] = [[dashboard.scope.title], [item.title]]
    rows.append([_("Urval"), dashboard.describe_filters()])
    rows.append([])
    rows.extend(item.content.records())
    if item.content.any_hidden:
        rows.extend([[], [hidden_explanation(dashboard.scope.association.suppression_k)]])
    filename = f"{slugify(dashboard.scope.title)}-{slug}.{file_format}"
    if file_format == "xlsx":
        return spreadsheets.xlsx_response(filename, rows)
    return spreadsheets.csv_response(filename, rows)


@require_http_methods(["GET", "POST"])
def programme_create(request: AuthedRequest, association_pk: int) -> HttpResponse:
    association = get_association_for_user(request.user, association_pk, edit=True)
    form = ProgrammeForm(request.POST or None, association=association)
    if request.method == "POST" and form.is_valid():
        programme = actions.save_programme(association, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Programmet är sparat."))
        return redirect("indicators:targets_programme", programme.pk)
    context = {"form": form, "association": association}
    return render(
        request, "indicators/programme_form.html", context, status=422 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def programme_edit(request: AuthedRequest, programme_pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, programme_pk, edit=True)
    form = ProgrammeForm(
        request.POST or None, instance=programme, association=programme.association
    )
    if request.method == "POST" and form.is_valid():
        actions.save_programme(
            programme.association, actor=request.user, programme=programme, **form.cleaned_data
        )
        messages.success(request, _("Programmet är sparat."))
        return redirect(programme)
    context = {"form": form, "association": programme.association, "programme": programme}
    return render(
        request, "indicators/programme_form.html", context, status=422 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def targets_programme(request: AuthedRequest, programme_pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, programme_pk, edit=True)
    return _targets(request, Scope.of_programme(programme))


@require_http_methods(["GET", "POST"])
def targets_activity(request: AuthedRequest, activity_pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, activity_pk, edit=True)
    if activity.is_structural:
        raise Http404
    return _targets(request, Scope.of_activity(activity, today=timezone.localdate()))


def _targets(request: AuthedRequest, scope: Scope) -> HttpResponse:
    form = TargetForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_target(
                actor=request.user,
                programme=scope.programme,
                activity=scope.activity,
                **form.cleaned_data,
            )
        except actions.DuplicateTarget:
            form.add_error(
                None,
                _("Det finns redan ett sådant mål. Ta bort det först om du vill ändra värdet."),
            )
        else:
            messages.success(request, _("Målet är sparat."))
            return redirect(request.path)
    context = {"scope": scope, "form": form, "targets": scope.targets()}
    return render(request, "indicators/targets.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def target_remove(request: AuthedRequest, target_pk: int) -> HttpResponse:
    target = get_target_for_office(request.user, target_pk)
    if request.method == "GET":
        return render(request, "indicators/target_remove.html", {"target": target})
    actions.remove_target(target, actor=request.user)
    messages.success(request, _("Målet är borttaget."))
    if target.programme_id:
        return redirect("indicators:targets_programme", target.programme_id)
    return redirect("indicators:targets_activity", target.activity_id)
