"""The culling run over the loaded demo, ten years on (issue 18 item 3, how it is proven): the
municipalities cull people five years after the last entry and keep the research days, one
person is on hold, the state agencies have no rule; within the people who stay, old story and
plan versions, meetings and ended consents go under their own rules. Afterwards every culled
person's name and number is gone from every table of the database, the held person and those
born on the 5th, 15th and 25th remain with what is current, and every dashboard table, FK
follow-up and figure of the annual report of every past year is what it was before the run."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from samla.accounts.models import Role, RoleAssignment, User
from samla.indicators.dashboards import Dashboard
from samla.indicators.figures import Filters
from samla.indicators.models import Rollup
from samla.meetings.models import CulledMeeting, Meeting
from samla.organisations.models import Association, Municipality, Organisation
from samla.people.models import Participant
from samla.plans.models import PlanVersion
from samla.reports.followup import Followup
from samla.reports.yearly import ReportingYear
from samla.retention import actions
from samla.retention.models import RESEARCH_DAYS, CullingRun, HoldReason, RetentionRule
from samla.retention.presets import presets_for
from samla.retention.tasks import carry_out_run
from samla.stories.models import StoryVersion

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LOADED = datetime(2026, 12, 8, 14, 0, tzinfo=STOCKHOLM)
TEN_YEARS_ON = datetime(2036, 12, 10, 9, 0, tzinfo=STOCKHOLM)


def figures() -> list[Any]:
    """Every table of every dashboard, follow-up and annual report's year, for each association
    and year, whole and for the women of each municipality."""
    found: list[Any] = []
    for association in Association.objects.order_by("pk"):
        for municipality in Municipality.objects.order_by("pk").values_list("pk", flat=True):
            for year in range(2018, 2027):
                filters = Filters(year=year, sex="F", municipality=municipality)
                dashboard = Dashboard(ReportingYear(association, year).scope, filters)
                found += [
                    (year, section.slug, [(item.slug, item.content) for item in section.items])
                    for section in dashboard.sections()
                ]
        for year in range(2018, 2027):
            reporting = ReportingYear(association, year)
            found += [
                reporting.participants,
                reporting.by_sex,
                Followup(association, year).records(),
            ]
            dashboard = Dashboard(reporting.scope, Filters(year=year))
            found += [
                (year, section.slug, [(item.slug, item.content) for item in section.items])
                for section in dashboard.sections()
            ]
    return found


WITHIN_RULES = [
    ("story", 2, "written"),
    ("plan", 2, "written"),
    ("meeting", 2, "written"),
    ("consent", 1, "consent_end"),
]


def newest_versions() -> set[tuple[str, int, int]]:
    """(kind, id, participant) of each story's and each plan's newest version."""
    newest: dict[tuple[str, int], tuple[str, int, int]] = {}
    for story, pk, participant in StoryVersion.objects.order_by("story", "number").values_list(
        "story", "pk", "story__participant"
    ):
        newest[("story", story)] = ("story", pk, participant)
    for plan, pk, participant in PlanVersion.objects.order_by(
        "plan", "agreed_at", "pk"
    ).values_list("plan", "pk", "plan__participant"):
        newest[("plan", plan)] = ("plan", pk, participant)
    return set(newest.values())


def whole_database() -> str:
    """Every row of every table, as text: what a dump of the database would show."""
    rows: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from the database)
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        rows.append(bytes(value).decode("latin-1"))
                    elif value is not None:
                        rows.append(str(value))
    return "\n".join(rows)


def test_culling_the_demo_ten_years_on_leaves_no_trace_and_every_figure_as_it_was() -> None:
    with time_machine.travel(LOADED, tick=True):
        call_command("load_demo_data", stdout=StringIO())
    if connection.vendor == "postgresql":
        # As a server would have, once autovacuum has seen the load (samla/demo/tests/loaded/).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    with time_machine.travel(TEN_YEARS_ON, tick=False):
        municipalities = list(Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY))
        admins = {}
        for organisation in municipalities:
            admin = User.objects.create_user(
                username=f"arkiv-{organisation.pk}",
                first_name="Arkiv",
                last_name="Ansvarig",
                organisation=organisation,
            )
            RoleAssignment.objects.create(user=admin, role=Role.ORG_ADMIN)
            admins[organisation.pk] = admin
            [preset] = presets_for(organisation)
            actions.apply_preset(actor=admin, organisation=organisation, preset=preset)
        # Records culled within people who stay: the demo's other controllers have no story,
        # plan or meeting, so the municipalities' own rules for those types cull them two years
        # after they were written, and consents a year after their end, without the research
        # exception. The people born on the 5th, 15th and 25th stay, with what is current.
        for organisation in municipalities:
            for kind, years, start in WITHIN_RULES:
                RetentionRule.objects.filter(organisation=organisation, record_type=kind).update(
                    years=years, starts_from=start, keeps_research_days=False
                )
        newest_before = newest_versions()
        controlled = Participant.objects.filter(
            controlling_organisation__in=municipalities
        ).order_by("pk")
        held = controlled.exclude(birth_date__day__in=RESEARCH_DAYS).first()
        assert held is not None
        actions.place_hold(
            actor=admins[held.controlling_organisation_id],
            participant=held,
            record_type="",
            object_id=None,
            reason=HoldReason.SUPERVISION,
            note="IVO:s tillsyn",
        )
        research = set(
            controlled.filter(birth_date__day__in=RESEARCH_DAYS).values_list("pk", flat=True)
        )
        others = set(
            Participant.objects.exclude(controlling_organisation__in=municipalities).values_list(
                "pk", flat=True
            )
        )
        before = figures()

        runs = []
        for organisation in municipalities:
            run = actions.start_preview(
                organisation, actor=admins[organisation.pk], today=TEN_YEARS_ON.date()
            )
            assert run is not None
            runs.append(run)
        due = {pk for run in runs for pk in run.due}
        traces = {
            pk: (f"{first} {last}", number)
            for pk, first, last, number in Participant.objects.filter(pk__in=due).values_list(
                "pk", "first_name", "last_name", "id_number"
            )
        }
        for run in runs:
            actions.approve_run(run, actor=admins[run.organisation_id])
            carry_out_run.call(run.pk)

        after = figures()

    assert len(due) >= 10, "the demo's municipalities have people to cull"
    assert held.pk not in due and not research & due and not others & due
    assert CullingRun.objects.filter(state="done").count() == len(municipalities)
    culled_counts = [run.culled_counts for run in CullingRun.objects.all()]
    # Within the people who stay, the demo has old story versions to cull (its research-day
    # people's plans have one version each and their meetings are still to come; test_culling.py
    # covers those).
    assert sum(counts.get("story:story", 0) for counts in culled_counts) > 0
    # What is current stays: each story's and plan's newest version of everyone left.
    newest_after = newest_versions()
    assert {v for v in newest_before if v[2] in research | others | {held.pk}} == newest_after
    two_years_before = date(2034, 12, 10)
    theirs = Participant.objects.filter(pk__in=research)
    old_versions = StoryVersion.objects.filter(
        story__participant__in=theirs, created_at__date__lt=two_years_before
    )
    assert not old_versions.exclude(pk__in=[pk for kind, pk, _p in newest_after if kind == "story"])
    assert not Meeting.objects.filter(
        participant__in=theirs, state="held", starts_at__date__lt=two_years_before
    )
    remaining = set(Participant.objects.values_list("pk", flat=True))
    assert not remaining & due
    assert {held.pk} | research | others <= remaining
    dump = whole_database()
    for pk, (name, number) in traces.items():
        assert not name.strip() or name not in dump, f"{pk}: name left"
        assert not number or number not in dump, f"{pk}: number left"
    assert Rollup.objects.filter(culled=True).exists(), "referrals were culled"
    assert Rollup.culled_target_groups.through.objects.exists()
    assert CulledMeeting.objects.exists(), "held meetings were culled"
    assert after == before
