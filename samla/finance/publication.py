"""What the cost pages publish, for a release of the statistics (ADR 0012): the cost per
outcome of every financial year the association keeps in Samla
(``settings.SAMLA_PUBLICATIONS``)."""

from __future__ import annotations

from datetime import date

from samla.finance.models import FinancialYear
from samla.finance.outcomes import CostPerOutcome
from samla.finance.statement import Statement
from samla.indicators.recording import Recorder, publishing
from samla.organisations.models import Association


def record_costs(association: Association, recorder: Recorder, *, today: date) -> None:
    recorder.detail = 0
    for year in FinancialYear.objects.filter(association=association).order_by("year"):
        recorder.place = f"Kostnad per resultat {year.year}"
        with publishing(recorder):
            CostPerOutcome(Statement(year)).tables  # noqa: B018  (counting is the point)
