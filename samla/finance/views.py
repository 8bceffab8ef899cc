from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samla import spreadsheets
from samla.accounts.http import AuthedRequest
from samla.concurrency import Stale, refuse
from samla.finance import actions, actuals
from samla.finance.access import (
    finance_associations,
    get_association_for_user,
    get_decision_for_user,
    get_income_for_user,
    get_line_for_user,
    get_year_for_user,
    may_keep,
)
from samla.finance.cost_report import CostReport
from samla.finance.forms import (
    ActualsFileForm,
    BudgetLineForm,
    ChangeLineForm,
    ContributionsForm,
    DecisionForm,
    OpenYearForm,
    OtherIncomeForm,
)
from samla.finance.models import BudgetLine, Decision, FinancialYear, MunicipalKey, MunicipalShare
from samla.finance.outcomes import CostPerOutcome
from samla.finance.statement import Statement, municipal_members
from samla.form_errors import add_errors, status


@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    associations = finance_associations(request.user)
    if not associations:
        raise Http404
    if len(associations) == 1:
        return redirect("finance:association", associations[0].pk)
    return render(request, "finance/index.html", {"associations": associations})


@require_GET
def association(request: AuthedRequest, association_pk: int) -> HttpResponse:
    found = get_association_for_user(request.user, association_pk)
    years = [Statement(year) for year in FinancialYear.objects.filter(association=found).read()]
    context = {
        "association": found,
        "statements": years,
        "can_keep": may_keep(request.user, found.pk),
        "decisions": Decision.objects.filter(association=found).select_related("activity")[:5],
    }
    return render(request, "finance/association.html", context)


@require_http_methods(["GET", "POST"])
def open_year(request: AuthedRequest, association_pk: int) -> HttpResponse:
    found = get_association_for_user(request.user, association_pk, edit=True)
    form = OpenYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            year = actions.open_year(found, actor=request.user, year=form.cleaned_data["year"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Året är upplagt. Fyll i medlemmarnas bidrag."))
            return redirect("finance:contributions", found.pk, year.year)
    context = {"form": form, "association": found}
    return render(request, "finance/open_year.html", context, status=status(form))


@require_GET
def year_detail(request: AuthedRequest, association_pk: int, year: int) -> HttpResponse:
    found = get_year_for_user(request.user, association_pk, year)
    statement = Statement(found)
    context = {
        "year": found,
        "association": found.association,
        "statement": statement,
        "outcomes": CostPerOutcome(statement),
        "can_keep": may_keep(request.user, association_pk),
        "decisions": Decision.objects.filter(budget_line__financial_year=found).select_related(
            "budget_line__activity"
        ),
    }
    return render(request, "finance/year.html", context)


@require_http_methods(["GET", "POST"])
def edit_contributions(request: AuthedRequest, association_pk: int, year: int) -> HttpResponse:
    found = get_year_for_user(request.user, association_pk, year, edit=True)
    shares = list(found.municipal_shares.select_related("organisation"))
    # A municipality that joined after the year was opened has no row yet, but the key must
    # name it (actions.check_key): it gets a field too.
    keyed = {row.organisation_id for row in shares}
    joined = [o for o in municipal_members(found.association_id) if o.pk not in keyed]
    form = ContributionsForm(
        request.POST or None,
        municipalities=sorted([row.organisation for row in shares] + joined, key=lambda o: o.name),
        initial=_contribution_values(found, shares),
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("key_")}
        try:
            actions.save_contributions(found, actor=request.user, key=form.key(), **data)
        except Stale as stale:
            return _stale(request, form, "finance/contributions_form.html", found, stale)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Medlemmarnas bidrag är sparade."))
            return redirect("finance:year", association_pk, year)
    context = {"form": form, "year": found, "association": found.association}
    return render(request, "finance/contributions_form.html", context, status=status(form))


def _contribution_values(year: FinancialYear, shares: list[MunicipalShare]) -> dict[str, object]:
    values: dict[str, object] = {
        name: getattr(year, name)
        for name in (
            "version",
            "contributions",
            "state_share",
            "region_share",
            "municipal_share",
            "municipal_key",
            "carried_over",
        )
    }
    population = year.municipal_key == MunicipalKey.POPULATION
    for row in shares:
        values[f"key_{row.organisation_id}"] = row.population if population else row.share
    return values


def _stale(
    request: AuthedRequest, form: Form, template: str, year: FinancialYear, stale: Stale
) -> HttpResponse:
    """The form again, with what the user wrote, a new version and a message: someone else saved
    first, and their values are on the year's page."""
    context = {
        "year": year,
        "association": year.association,
        "current": stale.current,
        "line": stale.current if isinstance(stale.current, BudgetLine) else None,
    }
    return refuse(
        request,
        template,
        context,
        form=form,
        stale=stale,
        message=_(
            "Någon annan sparade ändringar medan du arbetade. Det som gäller nu står på årets "
            "sida. Spara igen om dina uppgifter ska gälla."
        ),
    )


@require_http_methods(["GET", "POST"])
def add_income(request: AuthedRequest, association_pk: int, year: int) -> HttpResponse:
    found = get_year_for_user(request.user, association_pk, year, edit=True)
    form = OtherIncomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_income(found, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Intäkten är sparad."))
            return redirect("finance:year", association_pk, year)
    context = {"form": form, "year": found, "association": found.association}
    return render(request, "finance/income_form.html", context, status=status(form))


@require_http_methods(["GET", "POST"])
def remove_income(
    request: AuthedRequest, association_pk: int, year: int, income_pk: int
) -> HttpResponse:
    found = get_year_for_user(request.user, association_pk, year, edit=True)
    income = get_income_for_user(request.user, income_pk, edit=True)
    if income.financial_year_id != found.pk:
        raise Http404
    if request.method == "POST":
        actions.remove_income(income, actor=request.user)
        messages.success(request, _("Intäkten är borttagen."))
        return redirect("finance:year", association_pk, year)
    context = {"year": found, "association": found.association, "income": income}
    return render(request, "finance/remove_income.html", context)


@require_http_methods(["GET", "POST"])
def add_line(request: AuthedRequest, association_pk: int, year: int) -> HttpResponse:
    found = get_year_for_user(request.user, association_pk, year, edit=True)
    initial = {"kind": request.GET.get("slag", BudgetLine.Kind.ACTIVITY)}
    if request.GET.get("insats", "").isdigit():
        initial["activity"] = request.GET["insats"]
    form = BudgetLineForm(
        request.POST or None, activities=actions.line_activities(found), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_line(found, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Budgetposten är sparad."))
            return redirect("finance:year", association_pk, year)
    context = {"form": form, "year": found, "association": found.association}
    return render(request, "finance/line_form.html", context, status=status(form))


@require_http_methods(["GET", "POST"])
def change_line(
    request: AuthedRequest, association_pk: int, year: int, line_pk: int
) -> HttpResponse:
    found = get_year_for_user(request.user, association_pk, year, edit=True)
    line = get_line_for_user(request.user, line_pk, edit=True)
    if line.financial_year_id != found.pk:
        raise Http404
    initial = {f: getattr(line, f) for f in ("version", "name", "code", "budget", "actual")}
    form = ChangeLineForm(request.POST or None, line=line, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_line(line, actor=request.user, **{"name": "", **form.cleaned_data})
        except Stale as stale:
            return _stale(request, form, "finance/line_form.html", found, stale)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Budgetposten är sparad."))
            return redirect("finance:year", association_pk, year)
    context = {"form": form, "year": found, "association": found.association, "line": line}
    return render(request, "finance/line_form.html", context, status=status(form))


@require_http_methods(["GET", "POST"])
def import_actuals(request: AuthedRequest, association_pk: int, year: int) -> HttpResponse:
    found = get_year_for_user(request.user, association_pk, year, edit=True)
    posted = request.method == "POST"
    form = ActualsFileForm(request.POST, request.FILES) if posted else ActualsFileForm()
    report: actuals.InvalidActuals | None = None
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = actuals.import_actuals(
                found, actor=request.user, file_name=upload.name, content=upload.read()
            )
        except actuals.InvalidActuals as invalid:
            report = invalid
            form.add_error("file", invalid.summary)
        else:
            messages.success(request, result.message)
            return redirect("finance:year", association_pk, year)
    context = {
        "form": form,
        "year": found,
        "association": found.association,
        "lines": actuals.year_lines(found),
        "report": report,
    }
    return render(request, "finance/import_actuals.html", context, status=status(form))


@require_GET
def actuals_template(request: AuthedRequest, association_pk: int, year: int) -> HttpResponse:
    found = get_year_for_user(request.user, association_pk, year, edit=True)
    filename = f"utfall-{slugify(found.association.short_name)}-{found.year}.csv"
    return spreadsheets.csv_response(filename, actuals.template_rows(found))


@require_GET
def cost_report(request: AuthedRequest, association_pk: int, year: int) -> HttpResponse:
    found = get_year_for_user(request.user, association_pk, year)
    report = CostReport(Statement(found), per_organisation=request.GET.get("kommuner") == "var")
    file_format = request.GET.get("format")
    if file_format in ("csv", "xlsx"):
        filename = f"{slugify(report.title)}.{file_format}"
        if file_format == "xlsx":
            return spreadsheets.xlsx_response(filename, report.records())
        return spreadsheets.csv_response(filename, report.records())
    context = {"year": found, "association": found.association, "report": report}
    return render(request, "finance/cost_report.html", context)


@require_http_methods(["GET", "POST"])
def decisions(request: AuthedRequest, association_pk: int) -> HttpResponse:
    found = get_association_for_user(request.user, association_pk)
    can_keep = may_keep(request.user, found.pk)
    form = DecisionForm(request.POST or None, association_id=found.pk) if can_keep else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied  # the board reads the register; only the office writes
        if form.is_valid():
            try:
                actions.record_decision(found, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Beslutet är sparat."))
                return redirect("finance:decisions", found.pk)
    context = {
        "association": found,
        "form": form,
        "can_keep": can_keep,
        "decisions": Decision.objects.filter(association=found).select_related(
            "activity", "budget_line__activity", "budget_line__financial_year"
        ),
    }
    return render(request, "finance/decisions.html", context, status=status(form) if form else 200)


@require_http_methods(["GET", "POST"])
def remove_decision(request: AuthedRequest, association_pk: int, decision_pk: int) -> HttpResponse:
    decision = get_decision_for_user(request.user, decision_pk, edit=True)
    if decision.association_id != association_pk:
        raise Http404
    if request.method == "POST":
        actions.remove_decision(decision, actor=request.user)
        messages.success(request, _("Beslutet är borttaget."))
        return redirect("finance:decisions", association_pk)
    context = {"association": decision.association, "decision": decision}
    return render(request, "finance/remove_decision.html", context)
