"""Figures that must add up the way a reader expects (issue 14 item 8).

A target for a target group counts everyone in the group, also those in other groups too (the
tables keep counting them once, under "Flera målgrupper"); the exit-reason table has no row for
referrals registered in error, and says below it how many were left out of every count.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from samla.activities.models import Activity
from samla.activities.tests.builders import individual
from samla.demo.outcomes import Row, write_rows
from samla.indicators import actions
from samla.indicators import dimensions as d
from samla.indicators.dashboards import Dashboard, Targets
from samla.indicators.figures import Filters, Scope
from samla.indicators.models import Programme
from samla.indicators.recording import Recorder
from samla.indicators.tests.builders import release_now
from samla.organisations.models import Municipality
from samla.people.models import TargetGroup
from samla.people.tests.cast import Cast, sign_in

pytestmark = pytest.mark.django_db

BOTH_GROUPS = "En person som hör till flera målgrupper räknas i utfallet för var och en av dem"


@pytest.fixture
def activity(cast: Cast) -> Activity:
    TargetGroup.objects.create(
        association=cast.association, code="long_term_sick", name="Långtidssjukskrivna"
    )
    return individual(cast, capacity=100)


@pytest.fixture
def groups(cast: Cast, activity: Activity) -> tuple[TargetGroup, TargetGroup]:
    young = TargetGroup.objects.get(association=cast.association, code="young_unemployed")
    sick = TargetGroup.objects.get(association=cast.association, code="long_term_sick")
    return young, sick


@pytest.fixture
def programme(cast: Cast, activity: Activity) -> Programme:
    return actions.save_programme(
        cast.association,
        actor=cast.olle,
        name="Unga till arbete 2024–2025",
        description="",
        starts_on=date(2024, 1, 1),
        ends_on=date(2025, 12, 31),
        activities=[activity],
    )


def suppress_under(cast: Cast, k: int) -> None:
    cast.association.suppression_k = k
    cast.association.save(update_fields=["suppression_k"])


def take_part(
    cast: Cast,
    activity: Activity,
    *,
    groups: tuple[TargetGroup, ...] = (),
    sex: str = "F",
    people: int = 1,
    ended_on: date | None = None,
    exit_reason: str = "",
) -> None:
    """``people`` participations started in 2025, each by a person of its own."""
    tyreso = Municipality.objects.get(code="0138")
    row = Row(
        sex=sex,
        birth_date=date(1998, 4, 2),
        municipality_id=tyreso.pk,
        target_group_ids=tuple(sorted(g.pk for g in groups)),
        activity_id=activity.pk,
        sent_on=date(2025, 2, 20),
        started_on=date(2025, 3, 3),
        ended_on=ended_on,
        exit_reason=exit_reason,
        entry=None,
        exit=None,
    )
    write_rows(
        [row] * people, association_id=cast.association.pk, organisation=cast.tyreso, actor=cast.kim
    )


def targets_of(programme: Programme, filters: Filters | None = None) -> Targets:
    dashboard = Dashboard(Scope.of_programme(programme), filters or Filters(), publisher=Recorder())
    item = dashboard.item("targets")
    assert item is not None and isinstance(item.content, Targets)
    return item.content


def actuals(targets: Targets) -> dict[str, str]:
    return {row.target.breakdown_label: row.actual for row in targets.rows}


def test_a_person_in_two_groups_counts_toward_both_targets(
    client: Client,
    cast: Cast,
    activity: Activity,
    groups: tuple[TargetGroup, TargetGroup],
    programme: Programme,
) -> None:
    young, sick = groups
    suppress_under(cast, 1)
    take_part(cast, activity, groups=(young, sick))
    for group in groups:
        actions.add_target(
            actor=cast.olle, programme=programme, kind="participants", value=2, target_group=group
        )

    assert actuals(targets_of(programme)) == {young.name: "1", sick.name: "1"}
    release_now(cast.association)
    sign_in(client, cast.bodil)
    page = client.get(f"/statistik/program/{programme.pk}/").content.decode()
    assert BOTH_GROUPS in page
    assert page.count('<td class="number">50\u00a0%</td>') == 2  # 1 of 2, for each group


def test_the_target_group_table_still_counts_the_person_once(
    cast: Cast, activity: Activity, groups: tuple[TargetGroup, TargetGroup], programme: Programme
) -> None:
    """The tables stay disjoint, so that they add up: the person is under "Flera målgrupper"."""
    young, sick = groups
    suppress_under(cast, 1)
    take_part(cast, activity, groups=(young, sick))
    take_part(cast, activity, groups=(young,))
    dashboard = Dashboard(Scope.of_programme(programme), Filters(), publisher=Recorder())
    f = dashboard.figures
    table = f.table(f.started(), "t", d.TARGET_GROUP)
    assert table.row_total(d.SEVERAL).value == 1
    assert table.row_total(str(young.pk)).value == 1
    assert table.row_total(str(sick.pk)).value == 0
    assert table.total.value == 2
    assert f.by_target_group[str(young.pk)].total.value == 2
    assert f.by_target_group[str(sick.pk)].total.value == 1


def test_group_targets_by_sex_and_year_count_everyone_in_the_group(
    cast: Cast, activity: Activity, groups: tuple[TargetGroup, TargetGroup], programme: Programme
) -> None:
    young, sick = groups
    take_part(cast, activity, groups=(young, sick), sex="F", people=6)
    take_part(cast, activity, groups=(young,), sex="F", people=6)
    take_part(cast, activity, groups=(young,), sex="M", people=7)
    take_part(cast, activity, groups=(), sex="M", people=5)  # in no group: counts in none
    add = actions.add_target
    add(actor=cast.olle, programme=programme, kind="participants", value=40, target_group=young)
    add(actor=cast.olle, programme=programme, kind="participants", value=10, target_group=sick)
    add(
        actor=cast.olle,
        programme=programme,
        kind="participants",
        value=10,
        year=2025,
        sex="F",
        target_group=young,
    )

    assert actuals(targets_of(programme)) == {
        young.name: "19",
        sick.name: "6",
        f"2025, {young.name}, kvinna": "12",
    }
    # Filtered to women in 2025, only the target for women in 2025 applies.
    assert actuals(targets_of(programme, Filters(year=2025, sex="F"))) == {
        f"2025, {young.name}, kvinna": "12"
    }


def test_a_small_group_target_is_hidden(
    cast: Cast, activity: Activity, groups: tuple[TargetGroup, TargetGroup], programme: Programme
) -> None:
    """Each group is suppressed as a table by sex: 3 women in both groups are under k = 5, and
    so are the 6 men of the young beside them, since the group's total (shown) would give the
    women away."""
    young, sick = groups
    take_part(cast, activity, groups=(young, sick), sex="F", people=3)
    take_part(cast, activity, groups=(young,), sex="M", people=6)
    add = actions.add_target
    add(actor=cast.olle, programme=programme, kind="participants", value=20, target_group=sick)
    add(
        actor=cast.olle,
        programme=programme,
        kind="participants",
        value=10,
        sex="F",
        target_group=young,
    )
    add(
        actor=cast.olle,
        programme=programme,
        kind="participants",
        value=10,
        sex="M",
        target_group=young,
    )
    add(actor=cast.olle, programme=programme, kind="participants", value=20, target_group=young)

    targets = targets_of(programme)
    assert actuals(targets) == {
        sick.name: "–",
        f"{young.name}, kvinna": "–",
        f"{young.name}, man": "–",
        young.name: "9",
    }
    assert targets.any_hidden and targets.any_target_group


def test_no_note_about_groups_without_a_group_target(
    client: Client, cast: Cast, activity: Activity, programme: Programme
) -> None:
    suppress_under(cast, 1)
    take_part(cast, activity)
    actions.add_target(actor=cast.olle, programme=programme, kind="participants", value=2)
    sign_in(client, cast.bodil)
    page = client.get(f"/statistik/program/{programme.pk}/").content.decode()
    assert "Antal deltagare" in page and BOTH_GROUPS not in page


def test_the_audit_sees_each_group_with_everyone_in_it(
    cast: Cast, activity: Activity, groups: tuple[TargetGroup, TargetGroup], programme: Programme
) -> None:
    young, sick = groups
    take_part(cast, activity, groups=(young, sick), people=2)
    take_part(cast, activity, groups=(young,), people=3)
    actions.add_target(
        actor=cast.olle, programme=programme, kind="participants", value=9, target_group=young
    )
    recorder = Recorder(place="test")
    Dashboard(Scope.of_programme(programme), Filters(), publisher=recorder).sections()
    totals = {
        figure.where: figure
        for figure in recorder.figures
        if "i målgruppen" in figure.where and figure.where.endswith("totalt")
    }
    young_total = next(f for where, f in totals.items() if young.name in where)
    sick_total = next(f for where, f in totals.items() if sick.name in where)
    assert (young_total.true, young_total.shown) == (5, 5)
    assert (sick_total.true, sick_total.shown) == (2, None)


# --- registered in error ---


def exit_reasons_page(client: Client, cast: Cast, programme: Programme) -> str:
    release_now(cast.association)
    sign_in(client, cast.bodil)
    page = client.get(f"/statistik/program/{programme.pk}/").content.decode()
    start = page.index('id="item-exit_reasons"')
    return page[start : page.index("</article>", start)]


def test_the_exit_reasons_say_how_many_were_registered_in_error(
    client: Client, cast: Cast, activity: Activity, programme: Programme
) -> None:
    suppress_under(cast, 1)
    take_part(cast, activity, ended_on=date(2025, 3, 10), exit_reason="in_error", people=2)
    take_part(cast, activity, ended_on=date(2025, 6, 10), exit_reason="studies")
    section = exit_reasons_page(client, cast, programme)
    assert "Studier" in section and "Felaktigt registrerad<" not in section
    assert (
        "2 remisser som avslutades under perioden var felaktigt registrerade. "
        "De räknas inte med i någon siffra." in section
    )


def test_few_registered_in_error_are_not_told_exactly(
    client: Client, cast: Cast, activity: Activity, programme: Programme
) -> None:
    take_part(cast, activity, ended_on=date(2025, 3, 10), exit_reason="in_error", people=3)
    section = exit_reasons_page(client, cast, programme)
    assert "Färre än 5 remisser som avslutades under perioden var felaktigt registrerade" in section
    assert "3 remisser" not in section


def test_no_note_when_none_was_registered_in_error(
    client: Client, cast: Cast, activity: Activity, programme: Programme
) -> None:
    take_part(cast, activity, ended_on=date(2025, 6, 10), exit_reason="studies", people=6)
    section = exit_reasons_page(client, cast, programme)
    assert "felaktigt registrerad" not in section.lower()
