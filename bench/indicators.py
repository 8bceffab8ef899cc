"""The dashboards and the cost per outcome at scale: 100 000 generated participations in one
association, the dashboard's figures through the statistics layer, against one hand-written SQL
query that computes the same counts. The ratio (Samla's time / the hand-written query's time) is
the figure of merit: what the ORM, the suppression and the presentation cost on top of the
counting itself.

Run alone with ``BENCH_ONLY=indicators python -m bench`` (``BENCH_INDICATOR_ROWS`` sets the size).
"""

from __future__ import annotations

import os
import time
from datetime import date

ROWS = int(os.environ.get("BENCH_INDICATOR_ROWS", "100000"))

# The same five tables as ``figures_only`` below: started by municipality and sex, active by
# activity and sex, ended by exit reason and sex, started by age band and sex, and the share who
# feel better by sex. One statement, UNION ALL of GROUP BYs, portable to SQLite and PostgreSQL.
HAND_WRITTEN = """
WITH p AS (
  SELECT r.id, r.activity_id, r.started_on, r.ended_on, r.exit_reason, r.state,
         pa.sex, pa.home_municipality_id AS municipality, pa.birth_date,
         CAST(strftime_year(r.started_on) AS INTEGER)
           - CAST(strftime_year(pa.birth_date) AS INTEGER) AS age
  FROM referrals_referral r JOIN people_participant pa ON pa.id = r.participant_id
  JOIN activities_activity a ON a.id = r.activity_id
  WHERE a.association_id = %(association)s AND r.state IN ('started', 'ended')
)
SELECT 'started', CAST(municipality AS TEXT), sex, COUNT(*) FROM p
  WHERE started_on BETWEEN %(first)s AND %(last)s GROUP BY municipality, sex
UNION ALL
SELECT 'active', CAST(activity_id AS TEXT), sex, COUNT(*) FROM p
  WHERE started_on <= %(last)s AND (ended_on IS NULL OR ended_on >= %(first)s)
  GROUP BY activity_id, sex
UNION ALL
SELECT 'ended', exit_reason, sex, COUNT(*) FROM p
  WHERE state = 'ended' AND ended_on BETWEEN %(first)s AND %(last)s AND exit_reason <> 'in_error'
  GROUP BY exit_reason, sex
UNION ALL
SELECT 'age', CASE WHEN birth_date IS NULL THEN 'unknown' WHEN age < 20 THEN '16'
    WHEN age < 25 THEN '20' WHEN age < 30 THEN '25' WHEN age < 40 THEN '30'
    WHEN age < 50 THEN '40' WHEN age < 65 THEN '50' ELSE '65' END, sex, COUNT(*) FROM p
  WHERE started_on BETWEEN %(first)s AND %(last)s GROUP BY 2, sex
UNION ALL
SELECT 'better', CAST(ex.wellbeing > en.wellbeing AS TEXT), sex, COUNT(*) FROM p
  JOIN measurements_measurement en ON en.referral_id = p.id AND en.occasion = 'entry'
  JOIN measurements_measurement ex ON ex.referral_id = p.id AND ex.occasion = 'exit'
  WHERE p.state = 'ended' AND p.ended_on BETWEEN %(first)s AND %(last)s
    AND p.exit_reason <> 'in_error' AND en.wellbeing IS NOT NULL AND ex.wellbeing IS NOT NULL
  GROUP BY 2, sex
"""


def _sql(vendor: str) -> str:
    year = "EXTRACT(YEAR FROM {})" if vendor == "postgresql" else "strftime('%%Y', {})"
    sql = HAND_WRITTEN
    for column in ("r.started_on", "pa.birth_date"):
        sql = sql.replace(f"strftime_year({column})", year.format(column))
    return sql


def run() -> None:
    from django.db import connection
    from django.test import Client

    from bench.__main__ import median_ms
    from samla.accounts.models import User
    from samla.demo.outcomes import Spec, generate_rows, write_rows
    from samla.finance.models import FinancialYear
    from samla.finance.outcomes import CostPerOutcome
    from samla.finance.statement import Statement
    from samla.indicators import dimensions as d
    from samla.indicators.dashboards import Dashboard
    from samla.indicators.figures import Figures, Filters, Scope
    from samla.organisations.models import Association, Organisation
    from samla.referrals.models import Referral

    association = Association.objects.get(short_name="Östra Södertörn")
    activities = list(association.activities.filter(kind="individual").values_list("pk", flat=True))
    municipalities = [m.pk for m in d.municipalities_of(association)]
    groups = list(association.target_groups.values_list("pk", flat=True))
    office = User.objects.get(username="kansli.sodertorn")
    spec = Spec(
        activity_ids=activities,
        municipality_ids=municipalities,
        target_group_ids=groups,
        first=date(2016, 1, 1),
        last=date(2025, 12, 31),
        today=date(2026, 11, 1),
    )
    started = time.perf_counter()
    write_rows(
        generate_rows(spec, ROWS, seed=3),
        association_id=association.pk,
        organisation=Organisation.objects.get(name="Tyresö kommun"),
        actor=office,
    )
    written_s = time.perf_counter() - started
    total = Referral.objects.filter(activity__association=association).count()
    print(f"\nIndicators: {ROWS} participations generated and written in {written_s:.1f} s")
    print(f"  participations in Östra Södertörn: {total}")

    scope = Scope.of_association(association, today=date(2026, 11, 1))
    filters = Filters(year=2024)

    def figures_only() -> None:
        f = Figures(scope, filters)
        f.table(f.started(), "t", d.MUNICIPALITY, d.SEX)
        f.table(f.active(), "t", d.ACTIVITY, d.SEX)
        f.table(f.ended(), "t", d.EXIT_REASON, d.SEX)
        f.table(f.started(), "t", d.AGE, d.SEX)
        f.feel_better()

    def whole_dashboard() -> None:
        for section in Dashboard(scope, filters).sections():
            list(section.items)

    sql = _sql(connection.vendor)
    params = {"association": association.pk, "first": date(2024, 1, 1), "last": date(2024, 12, 31)}

    def hand_written() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    client = Client()
    client.force_login(User.objects.get(username="styrelse.sodertorn"))
    url = f"/statistik/forbund/{association.pk}/?year=2024"
    timings = {
        "hand-written SQL, five tables, ms": median_ms(hand_written, 5),
        "Samla, the same five tables, ms": median_ms(figures_only, 5),
        "Samla, the whole dashboard, ms": median_ms(whole_dashboard, 3),
        "dashboard page (HTML, SVG), ms": median_ms(lambda: client.get(url), 3),
    }
    # The money: cost per outcome counts three tables of the same participations (activity × sex:
    # under way, started, exits to work or studies); the year's page adds the statement.
    year = FinancialYear.objects.get(association=association, year=2024)

    def cost_per_outcome() -> None:
        CostPerOutcome(Statement(FinancialYear.objects.read().get(pk=year.pk))).tables  # noqa: B018

    money_url = f"/ekonomi/{association.pk}/2024/"
    timings["Samla, cost per outcome, ms"] = median_ms(cost_per_outcome, 5)
    timings["money page for 2024 (HTML), ms"] = median_ms(lambda: client.get(money_url), 3)
    for name, value in timings.items():
        print(f"  {name:36} {value:10.1f}")
    ratio = (
        timings["Samla, the same five tables, ms"] / timings["hand-written SQL, five tables, ms"]
    )
    print(f"  {'ratio, Samla / hand-written SQL':36} {ratio:10.2f}")
