from __future__ import annotations

from dataclasses import dataclass
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
from samla.activities.access import editable_associations
from samla.concurrency import Stale, refuse
from samla.measurements import actions
from samla.measurements.access import (
    Participation,
    get_participation_for_provider,
    get_participation_for_user,
    get_question_for_office,
)
from samla.measurements.forms import MeasurementForm, QuestionForm, WordingForm
from samla.measurements.models import IncomeSource, LocalQuestion, Measurement, Occasion
from samla.measurements.occasions import BY_SLUG, due_on, refusal
from samla.measurements.questions import answers_shown, asked_questions, with_versions
from samla.people.models import InformationCategory
from samla.referrals.access import person_side_of

STALE_MEASUREMENT = gettext_lazy(
    "Någon annan sparade mätningen medan du arbetade. Det som är sparat nu står under formuläret. "
    "Spara igen om dina uppgifter ska gälla."
)


@dataclass(frozen=True)
class Shown:
    """A measurement as one user may read it: ``income`` is None when the consent does not
    include income, ``wellbeing`` False when it does not include health."""

    measurement: Measurement
    income: list[IncomeSource] | None
    wellbeing: bool
    answers: list[tuple[str, str]]


def _occasion(slug: str) -> Occasion:
    if slug not in BY_SLUG:
        raise Http404
    return BY_SLUG[slug]


def _shown(participation: Participation, measurement: Measurement) -> Shown:
    income = None
    if participation.allows(InformationCategory.INCOME):
        income = list(measurement.income_sources.all())
    return Shown(
        measurement=measurement,
        income=income,
        wellbeing=participation.allows(InformationCategory.HEALTH),
        answers=answers_shown(measurement),
    )


@require_GET
def detail(request: AuthedRequest, pk: int, referral_pk: int, occasion: str) -> HttpResponse:
    chosen = _occasion(occasion)
    participation = get_participation_for_user(request.user, pk, referral_pk, purpose="Mätning")
    return _detail(request, participation, chosen)


@require_GET
def provider_detail(request: AuthedRequest, referral_pk: int, occasion: str) -> HttpResponse:
    participant_id = person_side_of(request.user, referral_pk)
    if participant_id is not None:
        return detail(request, participant_id, referral_pk, occasion)
    chosen = _occasion(occasion)
    return _detail(request, get_participation_for_provider(request.user, referral_pk), chosen)


def _detail(
    request: AuthedRequest, participation: Participation, occasion: Occasion
) -> HttpResponse:
    referral = participation.referral
    measurement = (
        Measurement.objects.filter(referral=referral, occasion=occasion)
        .select_related("recorded_by")
        .first()
    )
    reason = refusal(referral, occasion, timezone.localdate())
    context: dict[str, Any] = {
        "participation": participation,
        "referral": referral,
        "occasion": occasion,
        "shown": _shown(participation, measurement) if measurement else None,
        "due_on": due_on(referral, occasion),
        "refusal": reason,
        "record_url": participation.url(occasion, record=True)
        if participation.can_record and not reason
        else "",
    }
    return render(request, "measurements/detail.html", context)


@require_http_methods(["GET", "POST"])
def record(request: AuthedRequest, pk: int, referral_pk: int, occasion: str) -> HttpResponse:
    chosen = _occasion(occasion)
    participation = get_participation_for_user(
        request.user, pk, referral_pk, purpose="Registrera mätning", record=True
    )
    return _record(request, participation, chosen)


@require_http_methods(["GET", "POST"])
def provider_record(request: AuthedRequest, referral_pk: int, occasion: str) -> HttpResponse:
    participant_id = person_side_of(request.user, referral_pk)
    if participant_id is not None:
        return record(request, participant_id, referral_pk, occasion)
    chosen = _occasion(occasion)
    return _record(request, get_participation_for_provider(request.user, referral_pk), chosen)


def _record(
    request: AuthedRequest, participation: Participation, occasion: Occasion
) -> HttpResponse:
    referral = participation.referral
    measurement = Measurement.objects.filter(referral=referral, occasion=occasion).first()
    asked = asked_questions(referral.activity.association_id, occasion, measurement)
    form = MeasurementForm(
        request.POST or None,
        occasion=occasion,
        asked=asked,
        initial=MeasurementForm.initial_for(measurement, asked),
    )
    context: dict[str, Any] = {
        "participation": participation,
        "referral": referral,
        "occasion": occasion,
        "measurement": measurement,
        "form": form,
        "refusal": refusal(referral, occasion, timezone.localdate()),
    }
    if context["refusal"]:
        return render(
            request,
            "measurements/record.html",
            context,
            status=422 if request.method == "POST" else 200,
        )
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_measurement(
                referral, occasion, actor=request.user, **form.measurement_data()
            )
        except Stale as stale:
            context["saved"] = _shown(participation, stale.current)
            return refuse(
                request,
                "measurements/record.html",
                context,
                form=form,
                stale=stale,
                message=STALE_MEASUREMENT,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Mätningen är sparad."))
            return redirect(participation.url(occasion))
    return render(request, "measurements/record.html", context, status=422 if form.errors else 200)


# The association's own questions: association-level pages for its office.


@require_GET
def question_list(request: AuthedRequest) -> HttpResponse:
    associations = editable_associations(request.user)
    if not associations:
        raise Http404
    questions = (
        LocalQuestion.objects.filter(association__in=[a.pk for a in associations])
        .select_related("association")
        .prefetch_related(with_versions())
        .order_by("association__short_name", "-active", "pk")
    )
    rows = [
        (question, question.versions.all()[0], [o.label for o in Occasion if question.asked_at(o)])
        for question in questions
    ]
    context = {"rows": rows, "several": len(associations) > 1}
    return render(request, "measurements/question_list.html", context)


@require_http_methods(["GET", "POST"])
def add_question(request: AuthedRequest) -> HttpResponse:
    associations = editable_associations(request.user)
    if not associations:
        raise Http404
    form = QuestionForm(request.POST or None, associations=associations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            question = actions.add_question(data.pop("association"), actor=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Frågan är sparad."))
            return redirect("questions:detail", question_pk=question.pk)
    status = 422 if form.errors else 200
    return render(request, "measurements/question_form.html", {"form": form}, status=status)


@require_GET
def question_detail(request: AuthedRequest, question_pk: int) -> HttpResponse:
    question = get_question_for_office(request.user, question_pk)
    versions = list(question.versions.order_by("-number"))
    context = {
        "question": question,
        "versions": versions,
        "occasions": [o.label for o in Occasion if question.asked_at(o)],
    }
    return render(request, "measurements/question_detail.html", context)


@require_http_methods(["GET", "POST"])
def change_wording(request: AuthedRequest, question_pk: int) -> HttpResponse:
    question = get_question_for_office(request.user, question_pk)
    current = question.versions.order_by("-number").first()
    assert current is not None  # a question is created with its first version
    form = WordingForm(
        request.POST or None, initial={"seen_number": current.number, "wording": current.wording}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_wording(
                question,
                actor=request.user,
                wording=form.cleaned_data["wording"],
                seen_number=form.cleaned_data["seen_number"],
            )
        except Stale:
            form.add_error(
                None,
                _(
                    "Någon annan ändrade frågan medan du arbetade. Läs den nya formuleringen "
                    "och försök igen."
                ),
            )
        except ValidationError as error:
            form.add_error("wording", error)
        else:
            messages.success(request, _("Den nya formuleringen är sparad."))
            return redirect("questions:detail", question_pk=question.pk)
    context = {"form": form, "question": question, "current": current}
    status = 422 if form.errors else 200
    return render(request, "measurements/wording_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def deactivate_question(request: AuthedRequest, question_pk: int) -> HttpResponse:
    question = get_question_for_office(request.user, question_pk)
    if request.method == "POST":
        try:
            actions.deactivate_question(question, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Frågan ställs inte längre. Svaren som finns är kvar."))
        return redirect("questions:detail", question_pk=question.pk)
    context = {"question": question, "current": question.versions.order_by("-number").first()}
    return render(request, "measurements/question_deactivate.html", context)
