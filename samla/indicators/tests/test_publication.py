"""The differencing audit over a generated association (issue 14 item 1, ADR 0012): every view one
user can obtain, with the participations behind each figure, as publication.py builds them."""

from __future__ import annotations

import pytest

from samla.indicators.dimensions import municipalities_of
from samla.indicators.figures import Scope
from samla.indicators.publication import filters, published
from samla.indicators.tests.builders import TODAY, data_set
from samla.people.tests.cast import Cast
from samla.statistics.audit import audit, protect

pytestmark = pytest.mark.django_db


def test_every_filter_of_the_scope_is_a_view(cast: Cast) -> None:
    data = data_set(cast, count=10, seed=1)
    scope = Scope.of_activity(data.activities[0], today=TODAY)
    views = list(filters(scope))
    # the whole period and each year; every municipality and none; each sex and both; but never
    # all three at once (at most two filters, as the form accepts)
    years, municipalities = len(scope.years), len(municipalities_of(cast.association))
    assert len(views) == (1 + years) * (1 + municipalities) * (1 + 3) - years * municipalities * 3
    assert all(len(view.as_query()) <= 2 for view in views)
    assert len(set(views)) == len(views)


def test_per_table_suppression_leaks_and_protection_closes_it(cast: Cast) -> None:
    data = data_set(cast, count=40, seed=14)
    scope = Scope.of_activity(data.activities[0], today=TODAY)
    k = cast.association.suppression_k

    figures = published(scope)

    assert len(figures) > 1000
    leaks = audit(figures, k=k)
    assert leaks, "suppression within each table alone lets hidden groups be worked out"
    protected = protect(figures, k=k)
    assert audit(protected, k=k) == []
    assert all(p.shown in (None, f.shown) for f, p in zip(figures, protected, strict=True))
