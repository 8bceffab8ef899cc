"""A questionnaire's results, always through the statistics layer (R7).

Only closed rounds count (``SurveyRound.results_ready``). Below k responses in the selection,
there are no figures at all. Otherwise each question gets the distribution of its answers as a
suppressed one-way table and a bar chart, and the scale questions a share table of those who agree
(answered 4 or 5).

Two tables on one page must not give back together what each hides alone:

- the share who agree adds up the 4s and 5s of a question whose distribution is on the same page.
  If either of those two cells is hidden there, the sum would give it back (or, with a hidden
  cell among 1–3, the total minus the sum would), so such a question is left out of the share
  table, and the page says so; likewise if the number who skipped the question is hidden, since
  the share's base would give it back. A question that stays in adds nothing that its table does
  not already show.
- a question that may be skipped has "Hoppade över frågan" as a row of its own, so that every
  question's total is the number of responses and the skippers are suppressed like any group.
- the aggregate page shows the responses per activity and year as a suppressed table, and figures
  for a selection (an activity, a year, both or neither) only if that selection's count is shown
  in it: a selection whose count the table hides shows "för få svar", like one below k.

What suppression cannot stop is differencing between selections: the figures for an activity
over all years minus those for one year are the figures for the other years together. With the
count table's cells as the only selections, the groups that can be made that way are unions of
its hidden cells (docs/decisions/0007-anonymous-surveys.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from samla.statistics.charts import Chart, bar_chart
from samla.statistics.tables import (
    Category,
    Figure,
    ShareTable,
    Table,
    count_table,
    one_way_table,
    share_table,
)
from samla.surveys.models import (
    AGREES,
    NO,
    SCALE,
    YES,
    AnswerValue,
    Question,
    Response,
    SurveyRound,
)

NO_ACTIVITY = "none"
SKIPPED = "skipped"
ALL = ""


@dataclass(frozen=True)
class QuestionResult:
    number: int
    question: Question
    table: Table
    chart: Chart


@dataclass(frozen=True)
class Results:
    k: int
    enough: bool  # False: "för få svar", and nothing else is shown
    questions: tuple[QuestionResult, ...] = ()
    agree: ShareTable | None = None
    left_out: tuple[int, ...] = ()  # numbers of scale questions not in the share table


def _categories(question: Question) -> list[Category]:
    if question.is_scale:
        categories = [Category(value, label) for value, label in question.choices()]
    else:
        categories = [Category(str(YES), _("Ja")), Category(str(NO), _("Nej"))]
    if not question.required:
        categories.append(Category(SKIPPED, _("Hoppade över frågan")))
    return categories


def results_for(questions: Sequence[Question], rounds: Sequence[SurveyRound], *, k: int) -> Results:
    """The results of ``questions`` (one version's, in order) over ``rounds`` (closed ones)."""
    responses = Response.objects.filter(round__in=rounds).count()
    if responses < k:
        return Results(k=k, enough=False)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        AnswerValue.objects.filter(response__round__in=rounds)
        .values("question_id", "value")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[row["question_id"]][str(row["value"])] = row["n"]
    for question in questions:
        if not question.required:  # those who skipped it are a group like any other
            counts[question.pk][SKIPPED] = responses - sum(counts[question.pk].values())

    shown: list[QuestionResult] = []
    agreed: dict[str, int] = {}
    answered: dict[str, int] = {}
    agree_rows: list[Category] = []
    left_out: list[int] = []
    for number, question in enumerate(questions, start=1):
        table = one_way_table(
            counts[question.pk],
            title=_("Svar på fråga %(number)s") % {"number": number},
            row_heading=_("Svar"),
            rows=_categories(question),
            column_label=_("Antal"),
            k=k,
        )
        shown.append(QuestionResult(number, question, table, bar_chart(table)))
        if not question.is_scale:
            continue
        if _share_adds_nothing(table):
            key = str(question.pk)
            agree_rows.append(Category(key, f"{number}. {question.wording}"))
            agreed[key] = sum(counts[question.pk].get(str(step), 0) for step in AGREES)
            answered[key] = sum(counts[question.pk].get(str(step), 0) for step in SCALE)
        else:
            left_out.append(number)
    agree = None
    if agree_rows:
        agree = share_table(
            agreed,
            answered,
            title=_("Andel som instämmer (svarat 4 eller 5)"),
            row_heading=_("Fråga"),
            achieved_label=_("Svarat 4 eller 5"),
            rows=agree_rows,
            k=k,
        )
    return Results(k=k, enough=True, questions=tuple(shown), agree=agree, left_out=tuple(left_out))


def _share_adds_nothing(table: Table) -> bool:
    """Whether the share's two numbers (who answered 4 or 5, who answered at all) can already be
    worked out from what the table shows: 4, 5, the total and, for a question that could be
    skipped, the number who skipped it."""
    keys = [str(step) for step in AGREES] + [r.key for r in table.rows if r.key == SKIPPED]
    return all(table.cell(key, "").shown for key in keys) and table.total.shown


def responses_by_activity_and_year(rounds: Sequence[SurveyRound], *, k: int) -> Table:
    """How many answered, per activity (or none) and year, suppressed."""
    counts: dict[tuple[str, str], int] = {}
    for row in (
        Response.objects.filter(round__in=rounds)
        .values("round__activity_id", "round__year")
        .annotate(n=Count("id"))
        .order_by()
    ):
        activity = row["round__activity_id"]
        key = (str(activity) if activity is not None else NO_ACTIVITY, str(row["round__year"]))
        counts[key] = row["n"]
    activities = {r.activity_id: r.activity.name for r in rounds if r.activity is not None}
    rows = [Category(str(pk), name) for pk, name in sorted(activities.items(), key=lambda a: a[1])]
    if any(r.activity_id is None for r in rounds):
        rows.append(Category(NO_ACTIVITY, _("Ingen särskild insats")))
    years = sorted({r.year for r in rounds})
    return count_table(
        counts,
        title=_("Antal svar per insats och år"),
        row_heading=_("Insats"),
        rows=rows,
        columns=[Category(str(year), str(year)) for year in years],
        k=k,
    )


def selection_count(table: Table, *, activity: str, year: str) -> Figure:
    """The count table's figure for a selection: a cell, a row or column total, or the total.
    ``ALL`` for either means every activity or every year."""
    if activity and year:
        return table.cell(activity, year)
    if activity:
        return table.row_total(activity)
    if year:
        return table.column_total(year)
    return table.total
