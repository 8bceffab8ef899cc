"""The culling run (issue 18 item 3): who is due under the organisation's rule, the preview the
administrator approves, the deletion, one transaction per person, and the protocol."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samla import idnumbers
from samla.accounts.actions import ActionRefused
from samla.accounts.models import User
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.meetings.actions import record_minutes
from samla.meetings.figures import held as held_between
from samla.meetings.models import Invitation, Meeting
from samla.meetings.tests.matrix import build_council
from samla.oversight.references import reference_for
from samla.oversight.tests.test_references import reviewer
from samla.people.actions import update_participant
from samla.people.models import Consent, InformationCategory, Participant, TeamMember
from samla.people.tests.cast import Cast, sign_in
from samla.plans.actions import update_plan
from samla.plans.models import Plan, PlanVersion
from samla.plans.tests.matrix import agree, build_agreed_plan
from samla.retention import actions, culling
from samla.retention.models import (
    CullingRun,
    CullingSettings,
    HoldReason,
    RetentionRule,
    StartsFrom,
)
from samla.retention.tasks import carry_out_run
from samla.stories.actions import save_story
from samla.stories.models import StorySuggestion, StoryVersion
from samla.stories.tests.pias_story import FIRST, SECOND, pia_suggests, write_pias_story

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Counted from the day the tests run, as the cast's records are written then.
NOW = datetime.now(STOCKHOLM).replace(microsecond=0)
YEAR = timedelta(days=366)
SIX_YEARS_ON = NOW + 6 * YEAR
SOON = NOW + timedelta(days=90)  # a few months on: the first versions
TWO_YEARS_ON = NOW + 2 * YEAR
THREE_YEARS_ON = NOW + 3 * YEAR
FIVE_YEARS = culling.Terms(5, StartsFrom.LAST_ENTRY, keeps_research_days=True)


@pytest.fixture
def greta(cast: Cast) -> User:
    return reviewer(cast.tyreso, "greta")


def rule_for(cast: Cast, greta: User, **changes: object) -> RetentionRule:
    values: dict[str, object] = {
        "years": 5,
        "starts_from": StartsFrom.LAST_ENTRY,
        "keeps_research_days": True,
        "decision": "SoL 12 kap. 1 §, SoF 7 kap. 2 §",
        "decided_on": date(2026, 1, 15),
    } | changes
    return RetentionRule.objects.create(
        organisation=cast.tyreso, record_type="participant", updated_by=greta, **values
    )


def another_person(cast: Cast, born: date, first_name: str = "Rut") -> Participant:
    number = idnumbers.test_personnummer(born, "F")
    return Participant.objects.create(
        association=cast.association,
        controlling_organisation=cast.tyreso,
        kind=Participant.Kind.IDENTIFIED,
        id_number=number.value,
        id_number_kind=number.kind.value,
        first_name=first_name,
        last_name="Forskningsdag",
        sex="F",
        birth_date=born,
        start_year=2026,
        created_by=cast.kim,
    )


def today_on(moment: datetime) -> date:
    return moment.date()


def test_nobody_is_due_until_the_period_has_run_from_the_last_entry(cast: Cast) -> None:
    last = max(
        cast.pia.created_at, *Consent.objects.values_list("recorded_at", flat=True)
    ).astimezone(STOCKHOLM)
    before = culling.due(cast.tyreso.pk, FIVE_YEARS, (last + timedelta(days=5 * 365)).date())
    assert cast.pia.pk not in before.people
    on_the_day = last.date().replace(year=last.year + 5)
    assert culling.due(cast.tyreso.pk, FIVE_YEARS, on_the_day).people == [cast.pia.pk]


def test_a_new_entry_starts_the_period_again(cast: Cast) -> None:
    entry = SIX_YEARS_ON - timedelta(days=2 * 366)  # four years on: a member leaves the team
    TeamMember.objects.filter(participant=cast.pia).update(removed_at=entry)
    assert culling.due(cast.tyreso.pk, FIVE_YEARS, SIX_YEARS_ON.date()).people == []
    five_years_after = entry.date() + timedelta(days=5 * 366)
    assert culling.due(cast.tyreso.pk, FIVE_YEARS, five_years_after).people == [cast.pia.pk]


def test_a_hold_and_the_research_days_keep_a_person_and_say_so(cast: Cast, greta: User) -> None:
    born_on_the_15th = another_person(cast, date(1985, 3, 15))
    actions.place_hold(
        actor=greta,
        participant=cast.pia,
        record_type="plan",
        object_id=41,
        reason=HoldReason.COMPLAINT,
        note="Klagomål från personen",
    )
    found = culling.due(cast.tyreso.pk, FIVE_YEARS, SIX_YEARS_ON.date())
    assert (found.people, found.on_hold, found.for_research) == ([], 1, 1)
    without_research = culling.Terms(5, StartsFrom.LAST_ENTRY, keeps_research_days=False)
    assert culling.due(cast.tyreso.pk, without_research, SIX_YEARS_ON.date()).people == [
        born_on_the_15th.pk
    ]


def test_another_organisations_record_of_the_same_person_is_not_theirs_to_cull(
    cast: Cast,
) -> None:
    Participant.objects.create(
        association=cast.association,
        controlling_organisation=cast.fk,
        kind=Participant.Kind.IDENTIFIED,
        id_number=cast.pia.id_number,
        id_number_kind=cast.pia.id_number_kind,
        first_name="Pia",
        last_name="Persson",
        sex="F",
        start_year=2026,
        created_by=cast.fia,
    )
    assert culling.due(cast.fk.pk, FIVE_YEARS, (NOW + 14 * YEAR).date()).people != [cast.pia.pk]
    assert culling.due(cast.tyreso.pk, FIVE_YEARS, (NOW + 14 * YEAR).date()).people == [cast.pia.pk]


def test_the_end_of_consent_waits_for_a_consent_without_an_end(cast: Cast) -> None:
    terms = culling.Terms(2, StartsFrom.CONSENT_END, keeps_research_days=False)
    consents = Consent.objects.filter(participant=cast.pia)
    consents.update(valid_to=None, withdrawn_at=None)
    assert culling.due(cast.tyreso.pk, terms, (NOW + 14 * YEAR).date()).people == []
    end = (NOW + YEAR).date().replace(day=1)  # never a 29 February
    consents.update(valid_to=end)
    two_years_after = end.replace(year=end.year + 2)
    assert culling.due(cast.tyreso.pk, terms, two_years_after - timedelta(days=1)).people == []
    assert culling.due(cast.tyreso.pk, terms, two_years_after).people == [cast.pia.pk]


def test_the_preview_the_approval_and_the_protocol(cast: Cast, greta: User, client: Client) -> None:
    rule_for(cast, greta)
    pia_pk, number = cast.pia.pk, cast.pia.id_number
    person = User.objects.create(username="person-pia", person_number=number, first_name="Pia")
    with time_machine.travel(SIX_YEARS_ON, tick=False):
        sign_in(client, greta)
        response = client.post("/gallring/korningar/", follow=True)
        body = response.content.decode()
        assert "Förhandsgranskning av gallring" in body
        assert "1 person är gallringsbar." in body
        assert reference_for(cast.tyreso.pk, pia_pk) in body
        assert "Pia" not in body and "Persson" not in body
        run = CullingRun.objects.get()
        assert run.counts["participant:participant"] == 1
        assert run.counts["participant:consent"] == 2
        assert Participant.objects.filter(pk=pia_pk).exists()  # nothing before approval

        response = client.post(f"/gallring/korningar/{run.pk}/godkann/")
        assert response.status_code == 302
        carry_out_run.call(run.pk)
        body = client.get(f"/gallring/korningar/{run.pk}/").content.decode()

    assert "Gallringsprotokoll" in body
    assert "1 person gallrades." in body
    assert "SoL 12 kap. 1 §, SoF 7 kap. 2 §" in body
    assert "Greta" in body
    assert not Participant.objects.filter(pk=pia_pk).exists()
    assert not Consent.objects.filter(participant_id=pia_pk).exists()
    assert not TeamMember.objects.filter(participant_id=pia_pk).exists()
    assert not User.objects.filter(pk=person.pk).exists()
    run.refresh_from_db()
    assert (run.state, run.due, run.people_culled, run.approved_by) == ("done", [], 1, greta)
    assert run.culled_counts["participant:consent"] == 2
    assert run.by_association == {str(cast.association.pk): 1}
    culled = AuditEvent.objects.get(summary="Gallrad enligt gallringsregel")
    assert (culled.participant_id, culled.actor_id, culled.role) == (pia_pk, greta.pk, "org_admin")


def test_a_person_with_a_new_entry_since_the_preview_stays(cast: Cast, greta: User) -> None:
    rule_for(cast, greta)
    with time_machine.travel(SIX_YEARS_ON, tick=False):
        run = actions.start_preview(cast.tyreso, actor=greta, today=today_on(SIX_YEARS_ON))
        assert run is not None and run.due == [cast.pia.pk]
        actions.approve_run(run, actor=greta)
        update_participant(
            cast.pia, actor=cast.kim, version=cast.pia.version, changes={"phone": "070-1112233"}
        )
        carry_out_run.call(run.pk)
    run.refresh_from_db()
    assert (run.state, run.people_culled, run.people_skipped) == ("done", 0, 1)
    assert Participant.objects.filter(pk=cast.pia.pk).exists()


def test_a_preview_is_approved_once_and_discarded_only_while_open(cast: Cast, greta: User) -> None:
    rule_for(cast, greta)
    run = actions.start_preview(cast.tyreso, actor=greta, today=today_on(SIX_YEARS_ON))
    assert run is not None
    actions.approve_run(run, actor=greta)
    with pytest.raises(ActionRefused, match="inte längre öppen"):
        actions.approve_run(run, actor=greta)
    with pytest.raises(ActionRefused, match="inte längre öppen"):
        actions.discard_run(run, actor=greta)
    with pytest.raises(ActionRefused, match="godkänd gallring pågår"):
        actions.start_preview(cast.tyreso, actor=greta, today=today_on(SIX_YEARS_ON))


def test_a_new_preview_replaces_the_one_waiting(cast: Cast, greta: User) -> None:
    rule_for(cast, greta)
    first = actions.start_preview(cast.tyreso, actor=greta, today=today_on(SIX_YEARS_ON))
    second = actions.start_preview(cast.tyreso, actor=greta, today=today_on(SIX_YEARS_ON))
    assert first is not None and second is not None
    first.refresh_from_db()
    assert (first.state, first.due, first.discarded_by) == ("discarded", [], greta)
    assert second.state == "preview"


def test_the_database_allows_one_open_run_per_organisation(cast: Cast, greta: User) -> None:
    rule_for(cast, greta)
    run = actions.start_preview(cast.tyreso, actor=greta, today=today_on(SIX_YEARS_ON))
    assert run is not None
    run.pk = None
    with transaction.atomic(), pytest.raises(IntegrityError):
        run.save()


def test_the_nightly_run_previews_and_culls_only_where_automatic(cast: Cast, greta: User) -> None:
    rule_for(cast, greta)
    with time_machine.travel(SIX_YEARS_ON, tick=False):
        actions.preview_every_organisation()
        run = CullingRun.objects.get()
        assert (run.state, run.created_by) == ("preview", None)
        actions.preview_every_organisation()  # one waits already: nothing new
        assert CullingRun.objects.count() == 1
        actions.discard_run(run, actor=greta)
        CullingSettings.objects.create(organisation=cast.tyreso, automatic=True, updated_by=greta)
        actions.preview_every_organisation()
        automatic = CullingRun.objects.get(state="approved")
        assert (automatic.automatic, automatic.approved_by) == (True, None)
        carry_out_run.call(automatic.pk)
    assert not Participant.objects.filter(pk=cast.pia.pk).exists()


def test_a_person_reading_their_own_records_is_not_named_in_the_log(cast: Cast) -> None:
    person = User.objects.create(
        username="person-pia", person_number=cast.pia.id_number, first_name="Pia"
    )
    event = record(
        actor=person,
        action=AuditEvent.Action.VIEW,
        participant_id=cast.pia.pk,
        role="person",
        summary="Min Samla",
    )
    assert event.actor_name == ""


@pytest.mark.parametrize("who", ["kim", "fia", "olle", "bodil"])
def test_runs_are_not_found_by_anyone_but_the_organisations_administrator(
    cast: Cast, greta: User, client: Client, who: str
) -> None:
    rule_for(cast, greta)
    run = actions.start_preview(cast.tyreso, actor=greta, today=today_on(SIX_YEARS_ON))
    assert run is not None
    sign_in(client, cast.everyone()[who])
    assert client.get("/gallring/korningar/").status_code == 404
    assert client.get(f"/gallring/korningar/{run.pk}/").status_code == 404
    assert client.post(f"/gallring/korningar/{run.pk}/godkann/").status_code == 404
    frans = reviewer(cast.fk, "frans")
    sign_in(client, frans)
    assert client.get(f"/gallring/korningar/{run.pk}/").status_code == 404
    assert client.post(f"/gallring/korningar/{run.pk}/godkann/").status_code == 404
    run.refresh_from_db()
    assert run.state == "preview"


def test_without_a_rule_the_page_says_nothing_is_culled(
    cast: Cast, greta: User, client: Client
) -> None:
    sign_in(client, greta)
    body = client.get("/gallring/korningar/").content.decode()
    assert "Det finns ingen regel med en tid som gallrar, så inget gallras." in body
    response = client.post("/gallring/korningar/", follow=True)
    assert "Det finns ingen gallringsregel med en tid" in response.content.decode()
    assert not CullingRun.objects.exists()


def test_the_association_keeps_the_protocol_without_persons_and_small_counts_hidden(
    cast: Cast, greta: User, client: Client
) -> None:
    rule_for(cast, greta)
    with time_machine.travel(SIX_YEARS_ON, tick=False):
        run = actions.start_preview(cast.tyreso, actor=greta, today=today_on(SIX_YEARS_ON))
        assert run is not None
        actions.approve_run(run, actor=greta)
        carry_out_run.call(run.pk)
    url = f"/gallring/forbund/{cast.association.pk}/"
    sign_in(client, cast.olle)
    assert (
        "Visa gallringsprotokollen"
        in client.get(f"/rapporter/forbund/{cast.association.pk}/").content.decode()
    )
    body = client.get(url).content.decode()
    assert "Gallringsprotokoll för" in body
    assert "Tyresö kommun" in body and "SoL 12 kap. 1 §, SoF 7 kap. 2 §" in body
    assert "Greta Granskare" in body
    assert 'aria-label="färre än 5">–<' in body  # one person: under k
    CullingRun.objects.filter(pk=run.pk).update(by_association={str(cast.association.pk): 7})
    assert '<td class="number">7</td>' in client.get(url).content.decode()
    for who in (cast.kim, cast.fia, greta):
        sign_in(client, who)
        assert client.get(url).status_code == 404


def type_rule(cast: Cast, greta: User, record_type: str, years: int, starts_from: str) -> None:
    RetentionRule.objects.create(
        organisation=cast.tyreso,
        record_type=record_type,
        years=years,
        starts_from=starts_from,
        keeps_research_days=False,
        decision="Informationshanteringsplanen 2026",
        decided_on=date(2026, 1, 15),
        updated_by=greta,
    )


def test_old_story_versions_go_and_the_newest_stays_with_the_person(
    cast: Cast, greta: User
) -> None:
    with time_machine.travel(SOON):
        write_pias_story(cast)
        suggestion = pia_suggests(cast)
        save_story(
            cast.pia,
            actor=cast.kim,
            base_version=2,
            sections=FIRST,
            written="in_their_words",
            suggestion=suggestion,
        )
    with time_machine.travel(TWO_YEARS_ON):
        fourth = save_story(
            cast.pia, actor=cast.kim, base_version=3, sections=SECOND, written="with_person"
        )
    type_rule(cast, greta, "story", 2, StartsFrom.WRITTEN)
    with time_machine.travel(THREE_YEARS_ON, tick=False):
        run = actions.start_preview(cast.tyreso, actor=greta, today=THREE_YEARS_ON.date())
        assert run is not None
        assert (run.people_due, run.counts, run.records_due_count) == (0, {"story:story": 3}, 3)
        actions.approve_run(run, actor=greta)
        carry_out_run.call(run.pk)
    assert list(StoryVersion.objects.values_list("pk", flat=True)) == [fourth.pk]
    assert Participant.objects.filter(pk=cast.pia.pk).exists()
    # The suggestion taken in a version that went is part of the story's history: it goes too.
    assert not StorySuggestion.objects.filter(pk=suggestion.pk).exists()
    run.refresh_from_db()
    assert (run.state, run.culled_counts, run.records_due) == ("done", {"story:story": 3}, {})
    event = AuditEvent.objects.get(summary__startswith="Gallrat enligt gallringsregel")
    assert (event.participant_id, event.summary) == (
        cast.pia.pk,
        "Gallrat enligt gallringsregel: Berättelsen (3)",
    )


def test_an_ended_consent_goes_a_year_after_its_end_and_one_in_force_stays(
    cast: Cast, greta: User
) -> None:
    withdrawn = cast.consent_af
    assert withdrawn.withdrawn_at is not None
    Consent.objects.filter(pk=cast.consent_fk.pk).update(valid_to=None, replaces=withdrawn)
    type_rule(cast, greta, "consent", 1, StartsFrom.CONSENT_END)
    end = withdrawn.withdrawn_at.astimezone(STOCKHOLM).date()
    day_before = end.replace(year=end.year + 1) - timedelta(days=1)
    early = actions.start_preview(cast.tyreso, actor=greta, today=day_before)
    assert early is not None and early.records_due == {}
    run = actions.start_preview(cast.tyreso, actor=greta, today=end.replace(year=end.year + 1))
    assert run is not None and run.records_due == {"consent": [withdrawn.pk]}
    actions.approve_run(run, actor=greta)
    with time_machine.travel(datetime(end.year + 1, 12, 31, 12, 0, tzinfo=STOCKHOLM)):
        carry_out_run.call(run.pk)
    assert list(Consent.objects.values_list("pk", flat=True)) == [cast.consent_fk.pk]
    cast.consent_fk.refresh_from_db()
    assert cast.consent_fk.replaces is None


def test_a_hold_placed_after_the_preview_keeps_the_records(cast: Cast, greta: User) -> None:
    with time_machine.travel(SOON):
        write_pias_story(cast)
    type_rule(cast, greta, "story", 1, StartsFrom.WRITTEN)
    run = actions.start_preview(cast.tyreso, actor=greta, today=THREE_YEARS_ON.date())
    assert run is not None and run.records_due_count == 1
    actions.approve_run(run, actor=greta)
    actions.place_hold(
        actor=greta,
        participant=cast.pia,
        record_type="story",
        object_id=None,
        reason=HoldReason.PUBLIC_ACCESS,
        note="Begäran om allmän handling",
    )
    with time_machine.travel(THREE_YEARS_ON, tick=False):
        carry_out_run.call(run.pk)
    assert StoryVersion.objects.count() == 2
    run.refresh_from_db()
    assert (run.state, run.culled_counts) == ("done", {})


def test_old_plan_versions_go_and_the_agreed_plan_stays(cast: Cast, greta: User) -> None:
    Consent.objects.filter(pk=cast.consent_fk.pk).update(
        valid_to=None
    )  # FK still plans two years on
    with time_machine.travel(SOON):
        plan = build_agreed_plan(cast).plan
    with time_machine.travel(TWO_YEARS_ON):
        plan = update_plan(
            plan,
            actor=cast.kim,
            version=plan.version,
            goals="Jag vill arbeta heltid.",
            lead_organisation=cast.tyreso,
            follow_up_date=(TWO_YEARS_ON + timedelta(days=90)).date(),
        )
        newest = agree(plan, cast).versions.order_by("-agreed_at").first()
    assert PlanVersion.objects.count() == 2
    type_rule(cast, greta, "plan", 1, StartsFrom.WRITTEN)
    run = actions.start_preview(cast.tyreso, actor=greta, today=THREE_YEARS_ON.date())
    assert run is not None and run.counts == {"plan:plan": 1}
    actions.approve_run(run, actor=greta)
    with time_machine.travel(THREE_YEARS_ON, tick=False):
        carry_out_run.call(run.pk)
    assert list(PlanVersion.objects.all()) == [newest]
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_a_held_meeting_goes_with_its_preparatory_meeting_and_still_counts(
    cast: Cast, greta: User, time_machine
) -> None:
    pias = build_council(cast)
    council = pias.council
    assert council.starts_at is not None
    time_machine.move_to(council.starts_at + timedelta(minutes=10))
    record_minutes(
        council,
        actor=cast.kim,
        version=council.version,
        minutes="Pia berättade om sina mål.",
        minutes_category=InformationCategory.PLANS_MEETINGS,
        person_present=True,
        attended={i.pk: True for i in Invitation.objects.filter(meeting=council)},
        decisions=[],
    )
    day = timezone.localdate(council.starts_at)
    assert held_between(cast.association, day, day) == [(Meeting.Kind.RESOURCE_COUNCIL, council.pk)]
    type_rule(cast, greta, "meeting", 1, StartsFrom.WRITTEN)
    later = day.replace(year=day.year + 2)
    run = actions.start_preview(cast.tyreso, actor=greta, today=later)
    assert run is not None and run.records_due == {"meeting": [council.pk]}
    actions.approve_run(run, actor=greta)
    time_machine.move_to(datetime(later.year, later.month, later.day, 9, tzinfo=STOCKHOLM))
    carry_out_run.call(run.pk)
    assert not Meeting.objects.filter(pk__in=[council.pk, pias.preparatory.pk]).exists()
    assert not Invitation.objects.filter(meeting_id=council.pk).exists()
    # The association still counts the meeting held that day, under its own id.
    assert held_between(cast.association, day, day) == [(Meeting.Kind.RESOURCE_COUNCIL, council.pk)]
    run.refresh_from_db()
    assert run.culled_counts == {"meeting:meeting": 2}


def test_the_nightly_run_takes_up_an_approved_run_whose_task_stopped(
    cast: Cast, greta: User
) -> None:
    rule_for(cast, greta)
    run = actions.start_preview(cast.tyreso, actor=greta, today=SIX_YEARS_ON.date())
    assert run is not None
    actions.approve_run(run, actor=greta)  # its task never ran (a worker restarted)
    with time_machine.travel(SIX_YEARS_ON, tick=False):
        actions.preview_every_organisation()
    queued = DBTaskResult.objects.filter(task_path="samla.retention.tasks.carry_out_run")
    assert [task.args_kwargs["args"] for task in queued] == [[run.pk]]
