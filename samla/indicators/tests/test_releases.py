"""Releases of the statistics (ADR 0012): what the pages show once one is built gives no hidden
small group away, a change after it shows "–" until the next, and the office asks for one and
sees it move."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from samla.indicators import actions
from samla.indicators.approval import Approval, ShownRecorder
from samla.indicators.dashboards import Dashboard
from samla.indicators.figures import Filters, Scope
from samla.indicators.models import Release
from samla.indicators.releases import collect
from samla.indicators.tests.builders import TODAY, data_set, more_rows, release_now
from samla.people.tests.cast import Cast, sign_in
from samla.statistics.audit import audit
from samla.statistics.tables import Table

pytestmark = pytest.mark.django_db


def test_what_the_pages_show_after_a_release_gives_no_small_group_away(cast: Cast) -> None:
    data = data_set(cast, count=40, seed=14)
    k = cast.association.suppression_k
    release = release_now(cast.association)
    # Everything Samla publishes of the association: every dashboard view, report and cost page.
    shown = collect(cast.association, ShownRecorder(Approval(release)))
    assert {f.where.split(" · ")[0] for f in shown} >= {
        "Verksamhetsberättelse 2025",
        data.activities[0].name,
    }
    assert len(shown) > 1000
    assert audit(shown, k=k) == []
    assert any(f.shown for f in shown)  # not everything is hidden
    assert release.shown <= release.shown_before <= release.figures
    assert release.groups.exists()

    # The same audit on demand: nothing through the release, leaks table by table.
    out = io.StringIO()
    call_command("audit_statistics", str(cast.association.pk), stdout=out)
    assert ", 0 findings (" in out.getvalue()
    with pytest.raises(CommandError, match="hidden small groups can be narrowed down"):
        call_command("audit_statistics", str(cast.association.pk), "--per-table", stdout=out)


def test_before_any_release_every_figure_is_a_dash(client: Client, cast: Cast) -> None:
    data = data_set(cast, count=40, seed=14)
    sign_in(client, cast.bodil)
    page = client.get(f"/statistik/insats/{data.activities[0].pk}/").content.decode()
    assert "Statistiken har inte sammanställts ännu" in page
    table = started(Scope.of_activity(data.activities[0], today=TODAY))
    assert not any(table.figure(p).shown for p in table.positions())


def test_a_change_after_the_release_shows_a_dash_until_the_next(cast: Cast) -> None:
    data = data_set(cast, count=60, seed=3)
    scope = Scope.of_association(cast.association, today=TODAY)
    release_now(cast.association)
    before = started(scope).total.value
    assert before is not None

    more = more_rows(data, 20, seed=77)
    extra = len([r for r in more if r.started_on and r.exit_reason != "in_error"])
    assert not started(scope).total.shown  # its people changed since the release

    release_now(cast.association)
    assert started(scope).total.value in (None, before + extra)
    assert Release.objects.filter(association=cast.association).count() == 1  # the old one went


def started(scope: Scope) -> Table:
    """The dashboard's table of started participations, as the page shows it."""
    item = Dashboard(scope, Filters()).item("started")
    assert item is not None and isinstance(item.content, Table)
    return item.content


def test_the_office_asks_for_a_release_and_the_board_may_not(
    client: Client, cast: Cast, django_capture_on_commit_callbacks
) -> None:
    url = f"/statistik/forbund/{cast.association.pk}/sammanstallning/"
    sign_in(client, cast.bodil)
    assert client.post(url).status_code == 403
    assert "Sammanställ statistiken nu" not in client.get(url).content.decode()
    assert not Release.objects.exists()

    sign_in(client, cast.olle)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    release = Release.objects.get()
    assert release.state == Release.State.QUEUED and release.requested_by == cast.olle
    assert len(queued) == 1  # the task, once the request's transaction commits
    page = client.get(url).content.decode()
    assert "I kö: Väntar på att börja (0 %)" in page and 'hx-trigger="every 3s"' in page
    # Asking again while one is under way gives the same one.
    client.post(url)
    assert Release.objects.count() == 1
    partial = client.post(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.strip().startswith('<div id="release-status"')  # the part, not a page


def test_the_daily_run_queues_a_release_for_each_association_with_activities(
    cast: Cast,
) -> None:
    data_set(cast, count=5, seed=2)
    assert actions.release_every_association() == 1
    assert actions.release_every_association() == 1  # the first is still queued: no second
    assert Release.objects.get().association == cast.association
    assert Release.objects.get().requested_by is None


def test_a_failed_release_is_told_to_the_office(client: Client, cast: Cast) -> None:
    data_set(cast, count=5, seed=2)
    Release.objects.create(association=cast.association, state=Release.State.FAILED)
    sign_in(client, cast.olle)
    page = client.get(f"/statistik/forbund/{cast.association.pk}/").content.decode()
    assert "misslyckades, så sidorna visar fortfarande den förra" in page
    assert "Sammanställ statistiken nu" in page  # and may try again
