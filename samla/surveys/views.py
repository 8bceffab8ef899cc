"""The office's and the board's survey pages (behind login), and the answering page (not)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from samla.accounts.http import AuthedRequest
from samla.form_errors import add_errors, status
from samla.notifications.links import absolute_url
from samla.pdf import pdf_response, render_pdf
from samla.surveys import actions, once, results
from samla.surveys.access import (
    get_questionnaire_for_user,
    get_round_by_token,
    get_round_for_user,
    get_version_for_user,
    may_keep,
    office_associations,
    reading_association_ids,
)
from samla.surveys.forms import (
    AnswerForm,
    IntroductionForm,
    QuestionFormSet,
    QuestionnaireForm,
    ResultFilterForm,
    RoundForm,
    question_initial,
)
from samla.surveys.models import Questionnaire, SurveyRound


def _link(survey_round: SurveyRound) -> str:
    return absolute_url(survey_round.answer_path())


@require_GET
def questionnaire_list(request: AuthedRequest) -> HttpResponse:
    association_ids = reading_association_ids(request.user)
    if not association_ids:
        raise Http404
    questionnaires = (
        Questionnaire.objects.filter(association_id__in=association_ids)
        .select_related("association")
        .order_by("association__short_name", "name")
    )
    rounds = (
        SurveyRound.objects.in_associations(association_ids)
        .select_related("association", "version__questionnaire", "activity")
        .order_by("-opens_on", "-pk")[:50]
    )
    context = {
        "questionnaires": questionnaires,
        "rounds": rounds,
        "today": timezone.localdate(),
        "can_keep": bool(office_associations(request.user)),
    }
    return render(request, "surveys/questionnaire_list.html", context)


@require_http_methods(["GET", "POST"])
def create_questionnaire(request: AuthedRequest) -> HttpResponse:
    associations = office_associations(request.user)
    if not associations:
        raise Http404
    form = QuestionnaireForm(request.POST or None, associations=associations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        questionnaire = actions.create_questionnaire(
            data["association"], actor=request.user, group=data["group"], name=data["name"]
        )
        version = questionnaire.versions.get()
        messages.success(
            request, _("Enkäten är skapad med föreslagna frågor. Ändra dem och publicera sedan.")
        )
        return redirect("surveys:edit_version", version_pk=version.pk)
    return render(request, "surveys/questionnaire_form.html", {"form": form}, status=status(form))


@require_GET
def questionnaire_detail(request: AuthedRequest, questionnaire_pk: int) -> HttpResponse:
    questionnaire = get_questionnaire_for_user(request.user, questionnaire_pk)
    context = {
        "questionnaire": questionnaire,
        "versions": questionnaire.versions.order_by("-number"),
        "rounds": SurveyRound.objects.filter(version__questionnaire=questionnaire)
        .select_related("version", "activity")
        .order_by("-opens_on", "-pk"),
        "today": timezone.localdate(),
        "can_keep": may_keep(request.user, questionnaire.association_id),
    }
    return render(request, "surveys/questionnaire_detail.html", context)


@require_http_methods(["GET", "POST"])
def new_version(request: AuthedRequest, questionnaire_pk: int) -> HttpResponse:
    questionnaire = get_questionnaire_for_user(request.user, questionnaire_pk, keep=True)
    if request.method == "POST":
        version = actions.start_new_version(questionnaire, actor=request.user)
        return redirect("surveys:edit_version", version_pk=version.pk)
    draft = questionnaire.versions.filter(published_at__isnull=True).first()
    context = {"questionnaire": questionnaire, "draft": draft}
    return render(request, "surveys/new_version.html", context)


@require_GET
def version_detail(request: AuthedRequest, version_pk: int) -> HttpResponse:
    version = get_version_for_user(request.user, version_pk)
    context = {
        "version": version,
        "questionnaire": version.questionnaire,
        "questions": version.questions.order_by("order"),
        "can_keep": may_keep(request.user, version.questionnaire.association_id),
    }
    return render(request, "surveys/version_detail.html", context)


@require_http_methods(["GET", "POST"])
def edit_version(request: AuthedRequest, version_pk: int) -> HttpResponse:
    version = get_version_for_user(request.user, version_pk, keep=True)
    if version.is_published:
        messages.error(request, _("Versionen är publicerad och kan inte ändras."))
        return redirect(version)
    intro = IntroductionForm(request.POST or None, initial={"introduction": version.introduction})
    formset = QuestionFormSet(request.POST or None, initial=question_initial(version))
    if request.method == "POST" and intro.is_valid() and formset.is_valid():
        try:
            actions.save_draft(
                version,
                actor=request.user,
                introduction=intro.cleaned_data["introduction"],
                questions=formset.specs(),
            )
        except ValidationError as error:
            add_errors(intro, error)
        else:
            messages.success(request, _("Utkastet är sparat."))
            return redirect(version)
    context = {"version": version, "intro": intro, "formset": formset}
    return render(request, "surveys/version_form.html", context, status=status(intro, formset))


@require_http_methods(["GET", "POST"])
def publish_version(request: AuthedRequest, version_pk: int) -> HttpResponse:
    version = get_version_for_user(request.user, version_pk, keep=True)
    if version.is_published:
        return redirect(version)
    if request.method == "POST":
        try:
            actions.publish_version(version, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Versionen är publicerad. Nu kan du öppna en omgång med den.")
            )
        return redirect(version)
    context = {"version": version, "questions": version.questions.order_by("order")}
    return render(request, "surveys/publish_version.html", context)


@require_GET
def version_results(request: AuthedRequest, version_pk: int) -> HttpResponse:
    version = get_version_for_user(request.user, version_pk)
    today = timezone.localdate()
    closed = list(version.rounds.closed_by(today).select_related("activity").order_by("year", "pk"))
    open_count = version.rounds.count() - len(closed)
    form = ResultFilterForm(request.GET or None, rounds=closed)
    activity = year = None
    if form.is_valid():
        activity, year = form.cleaned_data["activity"], form.cleaned_data["year"]
    k = version.questionnaire.association.suppression_k
    context: dict[str, object] = {
        "version": version,
        "questionnaire": version.questionnaire,
        "form": form,
        "open_count": open_count,
        "k": k,
        "results": None,
    }
    if closed:
        counts = results.responses_by_activity_and_year(closed, k=k)
        selected = [
            r
            for r in closed
            if (activity is None or r.activity_id == activity) and (year is None or r.year == year)
        ]
        figure = results.selection_count(counts, activity=str(activity or ""), year=str(year or ""))
        questions = list(version.questions.order_by("order"))
        context |= {
            "counts": counts,
            "results": results.results_for(questions, selected, k=k)
            if figure.shown
            else results.Results(k=k, enough=False),
        }
    return render(request, "surveys/version_results.html", context)


@require_http_methods(["GET", "POST"])
def open_round(request: AuthedRequest) -> HttpResponse:
    associations = office_associations(request.user)
    if not associations:
        raise Http404
    initial = {"version": request.GET.get("version")} if request.GET.get("version") else {}
    form = RoundForm(request.POST or None, associations=associations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            survey_round = actions.open_round(data.pop("version"), actor=request.user, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Omgången är öppnad. Dela länken nedan."))
            return redirect(survey_round)
    return render(request, "surveys/round_form.html", {"form": form}, status=status(form))


@require_GET
def round_detail(request: AuthedRequest, round_pk: int) -> HttpResponse:
    survey_round = get_round_for_user(request.user, round_pk)
    can_keep = may_keep(request.user, survey_round.association_id)
    context = {
        "round": survey_round,
        "today": timezone.localdate(),
        "can_keep": can_keep,
        "link": _link(survey_round) if can_keep else "",
        "qr": _qr(survey_round) if can_keep else "",
        "responses": survey_round.responses.count() if can_keep else None,
    }
    return render(request, "surveys/round_detail.html", context)


def _qr(survey_round: SurveyRound) -> str:
    import segno

    return str(segno.make(_link(survey_round), error="m").svg_data_uri(scale=6))


@require_GET
def round_handout(request: AuthedRequest, round_pk: int) -> HttpResponse:
    """A page to print and hand out: the link, its QR code and a few words on anonymity."""
    survey_round = get_round_for_user(request.user, round_pk, keep=True)
    context = {"round": survey_round, "link": _link(survey_round), "qr": _qr(survey_round)}
    pdf = render_pdf("surveys/handout_pdf.html", context, request=request)
    return pdf_response(pdf, f"enkat-{survey_round.pk}.pdf")


@require_http_methods(["GET", "POST"])
def close_round(request: AuthedRequest, round_pk: int) -> HttpResponse:
    survey_round = get_round_for_user(request.user, round_pk, keep=True)
    if request.method == "POST":
        try:
            actions.close_round(survey_round, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Omgången är stängd. Resultaten kan läsas nu."))
        return redirect(survey_round)
    return render(request, "surveys/close_round.html", {"round": survey_round})


@require_GET
def round_results(request: AuthedRequest, round_pk: int) -> HttpResponse:
    survey_round = get_round_for_user(request.user, round_pk)
    today = timezone.localdate()
    k = survey_round.association.suppression_k
    context: dict[str, object] = {"round": survey_round, "today": today, "results": None}
    if survey_round.results_ready(today):
        questions = list(survey_round.version.questions.order_by("order"))
        context["results"] = results.results_for(questions, [survey_round], k=k)
    return render(request, "surveys/round_results.html", context)


# The answering page. No login, no session, nothing stored about who answers (see models).


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """Answer a round from its link. The link is the same for everyone in the round.

    One answer per browser: the browser that has answered keeps a cookie that says only that,
    and answers from one address are capped per hour (``once``, ADR 0011). Neither is stored
    with the answer.
    """
    try:
        survey_round = get_round_by_token(token)
    except Http404:
        return render(request, "surveys/unknown.html", status=404)
    today = timezone.localdate()
    if not survey_round.is_open(today):
        return _not_open(request, survey_round, today)
    if once.has_answered(request, survey_round):
        code = 409 if request.method == "POST" else 200
        return render(
            request, "surveys/already_answered.html", {"round": survey_round}, status=code
        )
    questions = list(survey_round.version.questions.order_by("order"))
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        if once.too_many_from_address(request, survey_round):
            form.add_error(None, TOO_MANY_FROM_ADDRESS)
            context = {"round": survey_round, "version": survey_round.version, "form": form}
            return render(request, "surveys/answer.html", context, status=429)
        try:
            actions.submit_response(survey_round, answers=form.answers())
        except actions.RoundClosed:
            return _not_open(request, survey_round, timezone.localdate())
        except ValidationError as error:
            add_errors(form, error)
        else:
            once.count_answer_from_address(request, survey_round)
            response = redirect("survey_answer:thanks")
            once.mark_answered(response, survey_round)
            return response
    context = {"round": survey_round, "version": survey_round.version, "form": form}
    return render(request, "surveys/answer.html", context, status=status(form))


TOO_MANY_FROM_ADDRESS = gettext_lazy(
    "Många svar har kommit från samma nätverk den senaste timmen. Dina svar är inte sparade än: "
    "vänta en stund och skicka dem igen."
)


def _not_open(request: HttpRequest, survey_round: SurveyRound, today: date) -> HttpResponse:
    if not survey_round.has_opened(today):
        return render(request, "surveys/not_open.html", {"round": survey_round}, status=404)
    return render(request, "surveys/closed.html", {"round": survey_round}, status=410)


@login_not_required
@never_cache
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/thanks.html")
