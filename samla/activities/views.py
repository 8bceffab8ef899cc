from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from samla.accounts.http import AuthedRequest
from samla.activities import actions
from samla.activities.access import (
    activities_visible_to,
    editable_associations,
    get_activity_for_user,
    may_edit,
    reading_association_ids,
)
from samla.activities.forms import (
    ActivityFilterForm,
    ActivityYearForm,
    CreateActivityForm,
    EditActivityForm,
    StaffCountForm,
)
from samla.activities.models import ActivityYear, StructuralParticipation
from samla.concurrency import Stale, changes, refuse
from samla.form_errors import add_errors, status
from samla.people.models import TargetGroup

STALE_EDIT = gettext_lazy(
    "Någon annan sparade ändringar i insatsen medan du arbetade. Jämför nedan och spara igen om "
    "dina uppgifter ska gälla."
)


@require_GET
def activity_list(request: AuthedRequest) -> HttpResponse:
    association_ids = reading_association_ids(request.user)
    if not association_ids:
        raise Http404
    form = ActivityFilterForm(request.GET or None, association_ids=association_ids)
    activities = activities_visible_to(request.user).select_related("association", "provider")
    this_year = timezone.localdate().year
    if form.is_valid():
        if form.cleaned_data["association"]:
            activities = activities.filter(association=form.cleaned_data["association"])
        if form.cleaned_data["kind"]:
            activities = activities.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["active"]:
            activities = activities.active_in(this_year)
    context = {
        "form": form,
        "activities": activities.order_by("association__short_name", "name"),
        "can_create": bool(editable_associations(request.user)),
    }
    return render(request, "activities/activity_list.html", context, status=status(form))


@require_GET
def activity_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk)
    context = {
        "activity": activity,
        "target_groups": TargetGroup.objects.filter(activities=activity),
        "municipalities": activity.municipalities.all(),
        "years": ActivityYear.objects.filter(activity=activity),
        "staff": StructuralParticipation.objects.filter(activity=activity).select_related(
            "organisation"
        ),
        "can_edit": may_edit(request.user, activity),
        "period": actions.period_label(activity),
    }
    return render(request, "activities/activity_detail.html", context)


@require_http_methods(["GET", "POST"])
def create_activity(request: AuthedRequest) -> HttpResponse:
    associations = editable_associations(request.user)
    if not associations:
        raise Http404
    form = CreateActivityForm(request.POST or None, associations=associations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            activity = actions.create_activity(data.pop("association"), actor=request.user, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Insatsen är skapad. Lägg till dess år och, i Ekonomi, dess budget.")
            )
            return redirect(activity)
    context = {"form": form, "creating": True}
    return render(request, "activities/activity_form.html", context, status=status(form))


@require_http_methods(["GET", "POST"])
def edit_activity(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk, edit=True)
    initial: dict[str, Any] = {
        name: getattr(activity, name)
        for name in actions.EDITABLE_FIELDS
        if name not in actions.MANY_TO_MANY
    }
    initial |= {
        "target_groups": list(activity.target_groups.all()),
        "municipalities": list(activity.municipalities.all()),
        "version": activity.version,
    }
    form = EditActivityForm(
        request.POST or None, associations=[activity.association], initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            actions.update_activity(activity, actor=request.user, version=version, **data)
        except Stale as stale:
            return refuse(
                request,
                "activities/activity_form.html",
                {"activity": stale.current},
                form=form,
                stale=stale,
                message=STALE_EDIT,
                changed=changes(form, stale.current),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Insatsen är sparad."))
            return redirect(activity)
    context = {"form": form, "activity": activity}
    return render(request, "activities/activity_form.html", context, status=status(form))


@require_http_methods(["GET", "POST"])
def edit_year(request: AuthedRequest, pk: int, year: int | None = None) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk, edit=True)
    existing = None
    initial: dict[str, Any] = {}
    if year is not None:
        existing = ActivityYear.objects.filter(activity=activity, year=year).first()
        if existing is None:
            raise Http404
        initial = {
            "year": existing.year,
            "planned_participants": existing.planned_participants,
        }
    form = ActivityYearForm(request.POST or None, activity=activity, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.save_year(
                activity,
                actor=request.user,
                year=data["year"],
                planned_participants=data.get("planned_participants"),
                existing=existing,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Året är sparat."))
            return redirect(activity)
    context = {"form": form, "activity": activity, "existing": existing}
    return render(request, "activities/year_form.html", context, status=status(form))


@require_http_methods(["GET", "POST"])
def add_staff_count(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk, edit=True)
    if not activity.is_structural:
        raise Http404
    form = StaffCountForm(
        request.POST or None,
        activity=activity,
        organisations=actions.staff_organisations_for(activity.association),
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_staff_count(activity, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Antalet medarbetare är sparat."))
            return redirect(activity)
    context = {"form": form, "activity": activity}
    return render(request, "activities/staff_form.html", context, status=status(form))
