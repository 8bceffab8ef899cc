"""The dashboards, the reports' figures and the cost per outcome at scale: 100 000 (or
``BENCH_INDICATOR_ROWS``, up to 300 000) generated participations in one association, counted
from the rollup and its year counts (ADR 0019), against one hand-written SQL query over the raw
rows that computes five of the same tables. Prints how long the rollup takes to build, then each
page's p50 and p95 and the ratio of its p95 to the hand-written query (issue 17 item 2: every
dashboard page p95 ≤ 500 ms at 300 000).

Run alone with ``BENCH_ONLY=indicators python -m bench`` (``BENCH_INDICATOR_ROWS`` sets the size).
"""

from __future__ import annotations

import os
import time
from datetime import date

ROWS = int(os.environ.get("BENCH_INDICATOR_ROWS", "100000"))
REQUESTS = 20
PER_CONTROLLER = 60_000

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

    from bench.__main__ import median_ms, percentiles
    from samla.accounts.models import User
    from samla.activities.models import Activity
    from samla.demo.outcomes import Spec, generate_rows, write_rows
    from samla.indicators import dimensions as d
    from samla.indicators.figures import Figures, Filters, Scope
    from samla.indicators.models import Programme
    from samla.indicators.rollups import refresh
    from samla.indicators.year_counts import ENDED, STARTED, UNDER_WAY
    from samla.organisations.models import Association, Organisation
    from samla.referrals.models import Referral
    from samla.reports.annual import annual_report_context

    association = Association.objects.get(short_name="Östra Södertörn")
    office = User.objects.get(username="kansli.sodertorn")
    # A decade of four activities, two of them in a programme: every generated participation
    # falls in the association's dashboard, as at a national association.
    first_activity = association.activities.get(kind="individual")
    for name in ("Steget", "Vägen", "Nästa steg"):
        clone = Activity.objects.get(pk=first_activity.pk)
        clone.pk, clone.name = None, name
        clone.save()
    association.activities.filter(kind="individual").update(starts_on=date(2016, 1, 1))
    activities = list(association.activities.filter(kind="individual").values_list("pk", flat=True))
    programme = Programme.objects.create(
        association=association,
        name="Tio år",
        starts_on=date(2016, 1, 1),
        ends_on=date(2025, 12, 31),
        created_by=office,
    )
    programme.activities.set(activities[:2])
    # A programme that starts and ends within years: its first and last years are counted from
    # the rollup, the years between from the year counts.
    within_years = Programme.objects.create(
        association=association,
        name="Mitt i året",
        starts_on=date(2019, 3, 15),
        ends_on=date(2024, 9, 30),
        created_by=office,
    )
    within_years.activities.set(activities[1:])
    municipalities = [m.pk for m in d.municipalities_of(association)]
    groups = list(association.target_groups.values_list("pk", flat=True))
    spec = Spec(
        activity_ids=activities,
        municipality_ids=municipalities,
        target_group_ids=groups,
        first=date(2016, 1, 1),
        last=date(2025, 12, 31),
        today=date(2026, 11, 1),
    )
    started = time.perf_counter()
    # Skatteverket's test numbers run out at about 100 000 people per controller: each member
    # organisation registers its share.
    rows = generate_rows(spec, ROWS, seed=3)
    members = list(Organisation.objects.filter(association_memberships__association=association))
    for number, start in enumerate(range(0, ROWS, PER_CONTROLLER)):
        write_rows(
            rows[start : start + PER_CONTROLLER],
            association_id=association.pk,
            organisation=members[number],
            actor=office,
        )
    written_s = time.perf_counter() - started
    total = Referral.objects.filter(activity__association=association).count()
    print(f"\nIndicators: {ROWS} participations generated and written in {written_s:.1f} s")
    print(f"  participations in Östra Södertörn: {total}")

    started = time.perf_counter()
    taken = refresh()
    print(f"  rollup refreshed from {taken} marks in {time.perf_counter() - started:.1f} s")

    scope = Scope.of_association(association, today=date(2026, 11, 1))
    filters = Filters(year=2024)

    def figures_only() -> None:
        f = Figures(scope, filters)
        # As a dashboard does: each event's tables counted ahead (from the year counts).
        f.count_ahead(STARTED, [(d.MUNICIPALITY, d.SEX), (d.AGE, d.SEX)])
        f.count_ahead(UNDER_WAY, [(d.ACTIVITY, d.SEX)])
        f.count_ahead(ENDED, [(d.EXIT_REASON, d.SEX)], flagged=[(d.SEX, "wellbeing_better")])
        f.table(f.started(), "t", d.MUNICIPALITY, d.SEX)
        f.table(f.active(), "t", d.ACTIVITY, d.SEX)
        f.table(f.ended(), "t", d.EXIT_REASON, d.SEX)
        f.table(f.started(), "t", d.AGE, d.SEX)
        f.feel_better()

    sql = _sql(connection.vendor)
    params = {"association": association.pk, "first": date(2024, 1, 1), "last": date(2024, 12, 31)}

    def hand_written() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    floor = median_ms(hand_written, 5)
    five = median_ms(figures_only, 5)
    print(f"  {'hand-written SQL over raw rows, five tables':46} {floor:8.1f} ms")
    print(
        f"  {'Samla, the same five tables (rollup)':46} {five:8.1f} ms   ratio {five / floor:5.2f}"
    )

    # Every dashboard page and the reports' figures, as the board reads them (p50 and p95 of
    # REQUESTS sequential requests; the release's approval hides what it did not approve, which
    # costs the same as showing it).
    client = Client()
    client.force_login(User.objects.get(username="styrelse.sodertorn"))
    activity = first_activity
    pages = {
        "association dashboard, all years": f"/statistik/forbund/{association.pk}/",
        "association dashboard, 2024": f"/statistik/forbund/{association.pk}/?year=2024",
        "programme dashboard": f"/statistik/program/{programme.pk}/",
        "programme dashboard, mid-year to mid-year": f"/statistik/program/{within_years.pk}/",
        "activity dashboard": f"/statistik/insats/{activity.pk}/",
        "FK follow-up 2024": f"/rapporter/forbund/{association.pk}/uppfoljning/2024/",
        "money page 2024 (cost per outcome)": f"/ekonomi/{association.pk}/2024/",
    }
    print(f"  {'':46} {'p50 ms':>8} {'p95 ms':>8} {'p95/SQL':>8}")
    for name, url in pages.items():
        assert client.get(url).status_code == 200, url
        p50, p95 = percentiles(lambda url=url: client.get(url), REQUESTS)
        print(f"  {name:46} {p50:8.1f} {p95:8.1f} {p95 / floor:8.2f}")
    year = 2024

    def annual_figures() -> None:
        annual_report_context(association, year)

    p50, p95 = percentiles(annual_figures, 5)
    print(f"  {'annual report 2024, its figures':46} {p50:8.1f} {p95:8.1f} {p95 / floor:8.2f}")
