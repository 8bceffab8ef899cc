from __future__ import annotations

from collections import Counter
from datetime import time, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.db.models import F, Max, Sum
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.se import orgnr

from samla import idnumbers
from samla.accounts.models import Role, User
from samla.audit.models import AuditEvent
from samla.demo.activities import SAMS
from samla.demo.data import municipal_shares
from samla.demo.logins import DEMO_PASSWORD, DEMO_PEOPLE, DEMO_USERS, demo_logins
from samla.demo.persons import demo_participants
from samla.demo.workdays import is_working_day
from samla.meetings.access import upcoming_for
from samla.meetings.actions import check_invitable, check_invitee
from samla.meetings.models import Invitation, Meeting
from samla.notifications.models import Notice
from samla.organisations.models import Association, AssociationMember, Organisation
from samla.people.models import Consent, InformationCategory, Participant, TeamMember
from samla.plans.actions import check_responsible, missing_confirmations
from samla.plans.models import Plan, PlanAction, PlanApproval, PlanConfirmation, PlanVersion
from samla.plans.worklists import worklist_for
from samla.stories.access import get_story_for_user
from samla.stories.models import Story, StorySection, StoryVersion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

COORDINATORS = [u.username for u in DEMO_USERS if u.role == Role.COORDINATOR]
# The handler logins of Försäkringskassan, Arbetsförmedlingen and the regions.
HANDLERS = [
    u.username
    for u in DEMO_USERS
    if u.role == Role.CASE_HANDLER
    and u.organisation
    in ("Försäkringskassan", "Arbetsförmedlingen", "Region Örebro län", "Region Stockholm")
]


def load() -> str:
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "participants": Participant.objects.count(),
        "team": TeamMember.objects.count(),
        "consents": Consent.objects.count(),
        "stories": Story.objects.count(),
        "story_versions": StoryVersion.objects.count(),
        "story_sections": StorySection.objects.count(),
        "plans": Plan.objects.count(),
        "plan_actions": PlanAction.objects.count(),
        "confirmations": PlanConfirmation.objects.count(),
        "approvals": PlanApproval.objects.count(),
        "plan_versions": PlanVersion.objects.count(),
        "meetings": Meeting.objects.count(),
        "invitations": Invitation.objects.count(),
        "notices": Notice.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def test_builds_both_associations_with_their_members():
    associations = {a.short_name: a for a in Association.objects.select_related("organisation")}
    assert set(associations) == {"Sofint", "Östra Södertörn"}
    assert associations["Sofint"].name == "Samordningsförbundet Sofint"
    assert all(a.organisation.kind == Organisation.Kind.ASSOCIATION for a in associations.values())
    codes = dict(
        Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).values_list(
            "name", "municipality__code"
        )
    )
    assert codes == {
        "Hällefors kommun": "1863",
        "Lindesbergs kommun": "1885",
        "Ljusnarsbergs kommun": "1864",
        "Nora kommun": "1884",
        "Tyresö kommun": "0138",
        "Haninge kommun": "0136",
        "Nynäshamns kommun": "0192",
    }
    numbers = Organisation.objects.values_list("organisation_number", flat=True)
    assert all(orgnr.is_valid(number) for number in numbers)
    assert Organisation.objects.get(name="Försäkringskassan").organisation_number == "202100-5521"
    sofint_members = set(
        associations["Sofint"].memberships.values_list("organisation__name", "kind")
    )
    assert ("Stiftelsen Activa", AssociationMember.Kind.PARTNER) in sofint_members
    assert ("Arbetsförmedlingen", AssociationMember.Kind.MEMBER) in sofint_members
    assert associations["Sofint"].target_groups.count() == 7


def test_member_shares_sum_to_exactly_one_hundred_per_association():
    for association in Association.objects.all():
        members = association.memberships.filter(kind=AssociationMember.Kind.MEMBER)
        assert members.aggregate(total=Sum("financing_share"))["total"] == Decimal(100)
        assert members.get(organisation__name="Försäkringskassan").financing_share == 50
        assert members.get(organisation__name="Arbetsförmedlingen").financing_share == 0
        partners = association.memberships.filter(kind=AssociationMember.Kind.PARTNER)
        assert partners.exists()
        assert all(p.financing_share == 0 for p in partners)


def test_municipal_shares_are_thousandths_that_add_up_exactly():
    shares = municipal_shares({"a": 1, "b": 1, "c": 1}, Decimal(25))

    assert sum(shares.values()) == Decimal("25.000")
    assert sorted(shares.values()) == [Decimal("8.333"), Decimal("8.333"), Decimal("8.334")]


def test_every_demo_login_exists_and_signs_in_with_the_shared_password():
    logins = demo_logins()
    assert 18 <= len(logins) <= 25
    for username, password, description in logins:
        assert password == DEMO_PASSWORD
        assert description
        user = User.objects.get(username=username)
        assert user.check_password(password), username
        validate_password(password, user)
        assert user.organisation is not None
        assert user.email.endswith("@example.se")
        assert not user.is_superuser
        assert not user.is_staff
        assert user.role_assignments.exists()
    assert not TOTPDevice.objects.exists()
    assert User.objects.filter(role_assignments__role=Role.ORG_ADMIN).count() >= 3


def test_the_sams_programme_has_invented_participants_with_test_numbers():
    sams = list(Participant.objects.filter(referrals__activity__name=SAMS).distinct())
    assert len(sams) == 340
    for p in sams:
        assert 2010 <= p.start_year <= 2012
        if p.is_anonymous:
            assert (p.id_number, p.birth_date, p.home_municipality_id) == ("", None, None)
            continue
        number = idnumbers.parse(p.id_number)
        assert idnumbers.is_test_number(number), p.id_number
        assert number.kind.value == p.id_number_kind and number.legal_sex == p.sex
        assert number.birth_date == p.birth_date


def test_coordinator_and_handler_logins_have_people_to_show():
    for username in [
        "koordinator.tyreso",
        "koordinator.lindesberg",
        "handlaggare.fk.sofint",
        "handlaggare.af.sodertorn",
        "handlaggare.region.stockholm",
    ]:
        user = User.objects.get(username=username)
        assert TeamMember.objects.current().filter(user=user).count() >= 20, username
        assert Participant.objects.visible_to(user).count() >= 10, username
    for username in ["kansli.sofint", "styrelse.sodertorn", "admin.fk"]:
        user = User.objects.get(username=username)
        assert not Participant.objects.visible_to(user).exists(), username


def test_participants_are_invented_with_test_identity_numbers():
    participants = list(Participant.objects.exclude(referrals__activity__name=SAMS))
    assert 280 <= len(participants) <= 320
    anonymous = [p for p in participants if p.is_anonymous]
    identified = [p for p in participants if not p.is_anonymous]
    assert 11 <= len(anonymous) <= 15  # ten registered, three taking part in Mia Vidare
    for p in anonymous:
        assert (p.id_number, p.first_name, p.last_name, p.phone, p.email) == ("",) * 5
        assert p.birth_date is None and p.street_address == ""
    protected = [p for p in participants if p.is_protected]
    assert 5 <= len(protected) <= 8
    assert all((p.street_address, p.postal_code, p.city) == ("", "", "") for p in protected)

    kinds = {kind: 0 for kind in idnumbers.IdNumberKind}
    for p in identified:
        number = idnumbers.parse(p.id_number)
        assert number.value == p.id_number
        assert number.kind.value == p.id_number_kind
        assert number.birth_date == p.birth_date
        kinds[number.kind] += 1
        if number.kind is idnumbers.IdNumberKind.RESERVE:
            assert p.sex in ("F", "M")
        else:
            assert idnumbers.is_test_number(number), p.id_number
            assert number.legal_sex == p.sex
        assert 16 <= (p.age() or 0) <= 64
        assert 2023 <= p.start_year <= timezone.localdate().year
        if p.phone:
            assert p.phone.startswith("070-174 06 ")
            assert 5 <= int(p.phone[-2:]) <= 99
        if p.email:
            assert p.email.endswith("@example.se")
    assert kinds[idnumbers.IdNumberKind.RESERVE] == 2
    assert kinds[idnumbers.IdNumberKind.SAMORDNINGSNUMMER] >= 4
    assert any(p.former_reserve_number for p in identified)
    assert any(p.interpreter_language for p in identified)
    assert any(p.sign_language for p in identified)
    assert any(p.accessibility_needs for p in identified)


def test_every_participant_has_a_coordinator_from_the_controlling_organisation():
    # SAMS 2010–2013 is history for the statistics, like an import: nobody works with them now.
    current = Participant.objects.exclude(referrals__activity__name=SAMS)
    for p in current.prefetch_related("team_members__user"):
        coordinators = [
            m
            for m in p.team_members.all()
            if m.role == TeamMember.Role.COORDINATOR and m.removed_at is None
        ]
        assert len(coordinators) == 1
        assert coordinators[0].user.organisation_id == p.controlling_organisation_id
    assert TeamMember.objects.filter(removed_at__isnull=False).exists()


def test_consents_come_in_every_state():
    consents = list(Consent.objects.prefetch_related("organisations"))
    assert {c.state() for c in consents} == set(Consent.State)
    categories = set(InformationCategory.values)
    for consent in consents:
        assert consent.organisations.all(), consent.pk
        assert set(consent.categories_included) <= categories
        assert set(consent.categories_excluded) <= categories
        if consent.given_by != Consent.GivenBy.PERSON:
            assert consent.given_by_name
    assert any(c.given_by == Consent.GivenBy.GUARDIAN for c in consents)
    assert any("health" in c.categories_excluded for c in consents)
    assert any(c.replaces_id for c in consents)
    assert Participant.objects.filter(
        kind=Participant.Kind.IDENTIFIED, consents__isnull=True
    ).exists()


def test_the_first_load_says_what_it_wrote(demo):
    assert "Demodata inläst" in demo
    assert "samordnade planer" in demo
    assert "koordinator.tyreso" in demo


def test_loading_again_changes_nothing():
    before = row_counts()

    out = load()

    assert row_counts() == before
    assert "Demodata finns redan." in out
    assert "koordinator.tyreso" in out


def test_generate_data_adds_exactly_the_participants_asked_for():
    out = StringIO()
    plans = Plan.objects.count()
    call_command("generate_data", "--participants", "200", stdout=out)

    assert Association.objects.count() == 2
    after_first = Participant.objects.count()
    # 3: the demo's anonymous participations in Mia Vidare; 340: SAMS 2010–2013, in Sofint;
    # 4: the records of the three demo people of Min Samla (samla.demo.persons)
    assert after_first == 300 + 3 + 340 + 4 + 200
    last_pk = Participant.objects.aggregate(last=Max("pk"))["last"]

    call_command(
        "generate_data", "--participants", "200", "--association", "Östra Södertörn", stdout=out
    )

    assert Participant.objects.count() == after_first + 200
    assert Participant.objects.filter(association__short_name="Östra Södertörn").count() == 355
    added = Participant.objects.filter(pk__gt=last_pk)
    assert added.count() == 200
    assert Consent.objects.filter(participant__in=added).exists()
    assert TeamMember.objects.filter(participant__in=added).count() >= 200
    assert Plan.objects.count() == plans  # casework is for the first load only


# --- Stories and plans ----------------------------------------------------------------------


def test_some_forty_people_with_consent_have_a_story_and_a_plan():
    today = timezone.localdate()
    plans = list(Plan.objects.select_related("participant__association"))
    assert 35 <= len(plans) <= 45
    people = {plan.participant for plan in plans}
    assert len(people) == len(plans)
    assert set(Story.objects.values_list("participant_id", flat=True)) == {p.pk for p in people}
    for person in people:
        assert not person.is_anonymous and not person.is_protected
        assert Consent.objects.in_force(today).filter(participant=person).exists()
    by_association = Counter(p.association.short_name for p in people)
    assert by_association["Sofint"] >= 15 and by_association["Östra Södertörn"] >= 15
    for username in [*COORDINATORS, *HANDLERS]:
        visible = Participant.objects.visible_to(User.objects.get(username=username))
        assert Plan.objects.filter(participant__in=visible).count() >= 5, username
    assert not Notice.objects.exists()  # nobody assigned the demo's actions to anyone


def test_stories_are_written_by_the_coordinator_in_versions_with_categories():
    versions = list(
        StoryVersion.objects.select_related("story__participant").prefetch_related("sections")
    )
    assert {v.number for v in versions} == {1, 2, 3}
    for version in versions:
        coordinator = version.story.participant.team_members.current().get(
            role=TeamMember.Role.COORDINATOR
        )
        assert version.author_id == coordinator.user_id
        kinds = {s.kind for s in version.sections.all()}
        assert {StorySection.Kind.LIFE_SITUATION, StorySection.Kind.WHAT_MATTERS} <= kinds
        assert all(len(s.text) > 20 for s in version.sections.all())
    latest = StorySection.objects.filter(version__number=F("version__story__version"))
    categories = set(latest.values_list("category", flat=True))
    assert {InformationCategory.HEALTH, InformationCategory.LIFE_SITUATION, ""} <= categories
    life = latest.filter(kind=StorySection.Kind.LIFE_SITUATION)
    texts = list(life.values_list("text", flat=True))
    assert len(set(texts)) == len(texts)


def test_a_handler_whose_consent_excludes_health_sees_the_story_without_it():
    shown = 0
    for story in Story.objects.select_related("participant"):
        person = story.participant
        consent = Consent.objects.in_force(timezone.localdate()).filter(participant=person).first()
        latest = story.versions.get(number=story.version)
        health = latest.sections.filter(category=InformationCategory.HEALTH)
        if consent is None or "health" not in consent.categories_excluded or not health:
            continue
        for member in person.team_members.current().select_related("user"):
            user = member.user
            if (
                user.username not in HANDLERS
                or not Participant.objects.visible_to(user).filter(pk=person.pk).exists()
            ):
                continue
            seen = {s.kind for s in get_story_for_user(user, person.pk).sections}
            assert health.get().kind not in seen
            shown += 1
    assert shown >= 2


def test_plans_come_in_every_state():
    # The demo people's plans wait for nobody but the person (test_demo_people).
    plans = list(Plan.objects.exclude(participant__in=demo_participants()))
    states = Counter(plan.state for plan in plans)
    assert set(states) == set(Plan.State)
    assert states[Plan.State.DRAFT] >= 3
    assert states[Plan.State.INVITED] >= 5
    assert states[Plan.State.AGREED] >= 15
    assert states[Plan.State.REVISED] >= 2
    closed = [plan for plan in plans if plan.state == Plan.State.CLOSED]
    assert len(closed) == 2
    assert {plan.close_reason for plan in closed} >= {Plan.CloseReason.PERSON}
    assert all(plan.close_note for plan in closed)
    for plan in plans:
        if plan.state == Plan.State.DRAFT:
            assert not plan.versions.exists()
        elif plan.state == Plan.State.INVITED:
            assert missing_confirmations(plan), plan.pk
        elif plan.state == Plan.State.AGREED:
            assert plan.revision == 1
            assert not missing_confirmations(plan)
            assert plan.versions.get().number == 1
            assert plan.approvals.current().filter(revision=1).exists()
        elif plan.state == Plan.State.REVISED:
            assert plan.revision == 2
            assert plan.versions.get().number == 1
    assert Plan.objects.filter(state=Plan.State.INVITED, revision=2).exists()
    assert len(set(PlanApproval.objects.values_list("method", flat=True))) >= 2
    assert Plan.objects.exclude(lead_organisation=F("participant__controlling_organisation"))
    today = timezone.localdate()
    assert Plan.objects.active().filter(follow_up_date__lte=today).exists()


def test_actions_are_spread_over_organisations_statuses_and_due_dates():
    actions = list(PlanAction.objects.select_related("responsible_organisation"))
    kinds = {a.responsible_organisation.kind for a in actions}
    Kind = Organisation.Kind
    assert {Kind.MUNICIPALITY, Kind.SOCIAL_INSURANCE, Kind.EMPLOYMENT_SERVICE, Kind.REGION} <= kinds
    assert {a.status for a in actions} == set(PlanAction.Status)
    today = timezone.localdate()
    open_dates = [a.due_date for a in PlanAction.objects.open() if a.due_date]
    assert any(due < today for due in open_dates)
    assert any(today <= due <= today + timedelta(days=7) for due in open_dates)
    assert any(due > today + timedelta(days=7) for due in open_dates)


def test_every_action_is_one_the_consent_lets_its_organisation_take():
    for action in PlanAction.objects.select_related(
        "plan__participant__association", "responsible_organisation", "responsible_person"
    ):
        check_responsible(
            action.plan.participant,
            organisation=action.responsible_organisation,
            person=action.responsible_person,
            category=action.category,
        )


def test_coordinators_and_handlers_have_work_in_their_worklists():
    for username in COORDINATORS:
        worklist = worklist_for(User.objects.get(username=username))
        assert worklist.actions, username
        assert worklist.actions[0].is_overdue, username
    for username in HANDLERS:
        worklist = worklist_for(User.objects.get(username=username))
        assert worklist.actions, username
        assert worklist.actions[0].is_overdue, username
        assert worklist.awaiting_confirmation, username
    follow_ups = [
        worklist_for(User.objects.get(username=username)).follow_ups for username in COORDINATORS
    ]
    assert any(follow_ups)


# --- Meetings -------------------------------------------------------------------------------


def test_meetings_ahead_are_summoned_prepared_or_requested():
    # The demo people's meetings (one held) are samla.demo.persons's, tested with them.
    meetings = list(
        Meeting.objects.exclude(participant__in=demo_participants()).select_related(
            "participant", "organiser", "prepares"
        )
    )
    assert 12 <= len(meetings) <= 20
    people = {m.participant_id for m in meetings}
    assert 10 <= len(people) <= 14
    active = set(Plan.objects.active().values_list("participant_id", flat=True))
    assert people <= active
    Kind, State = Meeting.Kind, Meeting.State
    kinds = Counter(m.kind for m in meetings)
    assert kinds[Kind.RESOURCE_COUNCIL] >= 3 and kinds[Kind.SIP] >= 3
    assert kinds[Kind.PREPARATORY] == 2
    requested = [m for m in meetings if m.state == State.REQUESTED]
    assert [(m.kind, m.requested_by) for m in requested] == [
        (Kind.MULTI_PARTY, Meeting.RequestedBy.PERSON)
    ]
    assert requested[0].request_note and requested[0].starts_at is None
    now = timezone.now()
    summoned = [m for m in meetings if m.state == State.PLANNED]
    assert len(summoned) == len(meetings) - 1
    for meeting in summoned:
        assert meeting.starts_at is not None and meeting.starts_at > now
        assert meeting.ends_at is not None
        begins = timezone.localtime(meeting.starts_at)
        assert is_working_day(begins.date()), begins
        assert time(8) <= begins.time() < timezone.localtime(meeting.ends_at).time() <= time(17)
        assert meeting.question
        if meeting.kind == Kind.PREPARATORY:
            prepared = meeting.prepares
            assert prepared is not None and prepared.starts_at is not None
            assert prepared.kind == Kind.RESOURCE_COUNCIL
            assert meeting.starts_at < prepared.starts_at
    assert not [m for m in meetings if m.state in (State.HELD, State.CANCELLED)]
    for meeting in meetings:
        organiser = meeting.organiser
        assert organiser.organisation_id == meeting.participant.controlling_organisation_id
        assert meeting.invitations.filter(user=organiser, response="accepted").exists()
    # No organiser has two of their meetings at the same time.
    booked = [(m.organiser_id, m.starts_at, m.ends_at, m.pk) for m in summoned]
    for organiser_id, starts, ends, pk in booked:
        for other, other_starts, other_ends, other_pk in booked:
            if pk < other_pk and organiser_id == other:
                assert starts and ends and other_starts and other_ends
                assert ends <= other_starts or other_ends <= starts, (pk, other_pk)


def test_every_invited_organisation_is_allowed_by_consent():
    invitations = list(
        Invitation.objects.select_related("meeting__participant", "organisation", "user")
    )
    assert len(invitations) >= 30
    for invitation in invitations:
        participant = invitation.meeting.participant
        check_invitable(participant, invitation.organisation)
        if invitation.user is not None and invitation.user_id != invitation.meeting.organiser_id:
            check_invitee(participant, invitation.organisation, invitation.user)
    answers = Counter(i.response for i in invitations if i.user_id != i.meeting.organiser_id)
    assert answers[Invitation.Response.PENDING] >= 3
    assert answers[Invitation.Response.ACCEPTED] >= 3
    summoned = [i for i in invitations if i.meeting.state == Meeting.State.PLANNED]
    assert all(i.sent_sequence == i.meeting.sequence for i in summoned)
    assert not [i for i in invitations if i.meeting.state == "requested" and i.sent_at]
    assert any(i.obliged and i.user_id != i.meeting.organiser_id for i in invitations)
    assert not Notice.objects.exists()  # the loader summoned nobody by mail
    # Held since: the demo people's councils (samla.demo.persons).
    held = Meeting.objects.filter(state=Meeting.State.HELD).count()
    assert held == len(DEMO_PEOPLE)
    assert AuditEvent.objects.filter(summary="Kallade till mötet").count() == held + len(
        {i.meeting_id for i in summoned}
    )


def test_demo_logins_have_meetings_ahead_to_answer():
    for username in ["koordinator.tyreso", "koordinator.lindesberg"]:
        upcoming = upcoming_for(User.objects.get(username=username))
        assert any(m.organiser.username == username for m in upcoming.mine), username
    for username in ["handlaggare.fk.sofint", "handlaggare.fk.sodertorn"]:
        user = User.objects.get(username=username)
        upcoming = upcoming_for(user)
        assert upcoming.mine, username
        pending = Invitation.objects.filter(
            user=user, response="pending", meeting__state=Meeting.State.PLANNED
        )
        assert pending.exists(), username
