"""Everything one user can obtain from an association's dashboards, as the differencing audit
and a release read it (issue 14 item 1, ADR 0012): every scope (the whole association, each
programme, each activity), every combination of the filters (year or the whole period, activity,
municipality, sex), every table of every section, margins included.

The reports and the cost pages publish figures of their own; ``settings.SAMLA_PUBLICATIONS``
lists, by dotted path, every function that records what a part of Samla publishes, this module's
``record_dashboards`` first, so that a release (``releases.py``) protects them all together.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date

from samla.activities.models import Activity
from samla.indicators import dimensions
from samla.indicators.dashboards import Dashboard
from samla.indicators.figures import Filters, Scope
from samla.indicators.forms import MOST_FILTERS
from samla.indicators.models import Programme
from samla.indicators.recording import Recorder
from samla.organisations.models import Association
from samla.people.models import Sex
from samla.statistics.audit import Published


def scopes(association: Association, *, today: date) -> Iterator[Scope]:
    yield Scope.of_association(association, today=today)
    for programme in Programme.objects.filter(association=association).order_by("pk"):
        yield Scope.of_programme(programme)
    individual = Activity.objects.filter(
        association=association, kind=Activity.Kind.INDIVIDUAL
    ).order_by("pk")
    for activity in individual:
        yield Scope.of_activity(activity, today=today)


def filters(scope: Scope) -> Iterator[Filters]:
    """Every combination the dashboard's filter form accepts for the scope: at most two."""
    municipalities = [m.pk for m in dimensions.municipalities_of(scope.association)]
    activities = scope.activity_ids if len(scope.activity_ids) > 1 else ()
    for year, activity, municipality, sex in itertools.product(
        (None, *scope.years),
        (None, *activities),
        (None, *municipalities),
        ("", *Sex.values),
    ):
        chosen = Filters(year=year, activity=activity, municipality=municipality, sex=sex)
        if len(chosen.as_query()) <= MOST_FILTERS:
            yield chosen


def published(scope: Scope) -> list[Published]:
    """Every figure of every view of one scope, with the records behind it."""
    recorder = Recorder()
    _record_scope(scope, recorder)
    return recorder.figures


def _record_scope(scope: Scope, recorder: Recorder) -> None:
    for chosen in filters(scope):
        dashboard = Dashboard(scope, chosen, publisher=recorder)
        recorder.place = f"{scope.title} · {dashboard.describe_filters()}"
        recorder.detail = len(chosen.as_query())
        dashboard.sections()


def record_dashboards(association: Association, recorder: Recorder, *, today: date) -> None:
    """Every view of every dashboard of the association."""
    for scope in scopes(association, today=today):
        _record_scope(scope, recorder)
