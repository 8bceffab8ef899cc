"""Writes to meetings. Each is one transaction with its audit row and the mails it causes.

Every write locks the meeting row first, so that two writers take turns. Edits of what a
coordinator types (the question, the time and place, the minutes) carry the meeting's
``version`` and are refused with ``concurrency.Stale`` when someone else saved in between.

The minutes and their decisions are saved in one step: each decision becomes a plan action
through ``samla.plans.actions.add_plan_action``, and if any of them is refused (a responsible
organisation the consent does not cover), nothing of the step is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samla.accounts.models import PERSON_ROLES, User
from samla.activities.models import Activity
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.concurrency import check_version
from samla.meetings import summons
from samla.meetings.access import may_see_person, reaches_nobody
from samla.meetings.models import Decision, Invitation, Meeting, new_room_url
from samla.notifications.models import Kind
from samla.notifications.notices import notify, notify_person
from samla.organisations.models import Organisation
from samla.people import actions as people_actions
from samla.people.access import OWN_ROLE, basis_of, deciding_consents
from samla.people.models import Participant, TeamMember
from samla.plans import actions as plan_actions
from samla.plans.models import Plan
from samla.referrals import actions as referral_actions


def consent_missing_message(organisation: Organisation) -> str:
    return _(
        "Personens samtycke omfattar inte %(org)s. Registrera ett nytt samtycke som omfattar "
        "organisationen innan du bjuder in den."
    ) % {"org": organisation}


def check_invitable(participant: Participant, organisation: Organisation) -> None:
    """Another organisation than the controlling one may be invited only while a consent in
    force names it (R2); for a protected identity, not at all (R6)."""
    if organisation.pk == participant.controlling_organisation_id:
        return
    if participant.is_protected:
        raise ValidationError(
            _("Personen har skyddade personuppgifter. Bara %(org)s kan bjudas in genom Samla.")
            % {"org": participant.controlling_organisation},
            code="protected",
        )
    if not deciding_consents(organisation.pk, [participant.pk], timezone.localdate()):
        raise ValidationError(consent_missing_message(organisation), code="consent_missing")


def check_invitee(participant: Participant, organisation: Organisation, user: User) -> None:
    """A person invited by name must work for the invited organisation, with a role that
    reaches person data, on the person's team: otherwise they could not open the meeting."""
    if user.organisation_id != organisation.pk:
        raise ValidationError(
            _("%(name)s arbetar inte på %(org)s.") % {"name": user, "org": organisation}
        )
    if not user.has_role(*PERSON_ROLES, association=participant.association):
        raise ValidationError(
            _("%(name)s har ingen roll i förbundet som ger tillgång till personuppgifter.")
            % {"name": user}
        )
    if not TeamMember.objects.current().filter(participant=participant, user=user).exists():
        raise ValidationError(
            _("%(name)s finns inte i personens team. Lägg först till hen i teamet.")
            % {"name": user}
        )


def reaches_nobody_message(invitation: Invitation) -> str:
    if invitation.user_id is not None:
        return _(
            "Kallelsen till %(name)s, %(org)s, kan inte skickas: hen kan inte se personen "
            "längre. Ta bort inbjudan eller bjud in organisationen utan namn."
        ) % {"name": invitation.user, "org": invitation.organisation}
    return _(
        "Kallelsen till %(org)s når ingen: ingen från %(org)s finns i personens team, och "
        "%(org)s har ingen mottagare av kallelser i förbundet. Lägg till någon från %(org)s i "
        "teamet, bjud in en person, eller be organisationsadministratören för %(org)s att ange "
        "mottagare av kallelser."
    ) % {"org": invitation.organisation}


def check_reaches_someone(meeting: Meeting) -> None:
    """Refuse to send a summons or an invitation that no mail would reach (issue 14): every
    invitation not sent yet must reach someone, named, on the team or a receiver."""
    unsent = (
        Invitation.objects.filter(meeting=meeting, sent_sequence__isnull=True)
        .select_related("organisation", "user")
        .order_by("organisation__name", "pk")
    )
    refusals = []
    for invitation in unsent:
        invitation.meeting = meeting
        if reaches_nobody(invitation, meeting.participant):
            refusals.append(reaches_nobody_message(invitation))
    if refusals:
        raise ValidationError(refusals, code="reaches_nobody")


def _lock(meeting: Meeting, version: int | None = None) -> Meeting:
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    locked.participant = meeting.participant
    if version is not None:
        check_version(locked, version)
    return locked


def _must_be_open(meeting: Meeting) -> None:
    if not meeting.is_open:
        raise ValidationError(
            _("Mötet är %(state)s och kan inte ändras.")
            % {"state": meeting.get_state_display().lower()}
        )


def _open(participant: Participant, *, organiser: User, created_by: User, **fields: Any) -> Meeting:
    """A new meeting about the participant, with its organiser invited, obliged and coming."""
    meeting = Meeting.objects.create(
        participant=participant, organiser=organiser, created_by=created_by, **fields
    )
    meeting.participant = participant
    assert organiser.organisation is not None
    Invitation.objects.create(
        meeting=meeting,
        organisation=organiser.organisation,
        user=organiser,
        obliged=True,
        response=Invitation.Response.ACCEPTED,
        responded_at=timezone.now(),
    )
    return meeting


def _create(
    participant: Participant,
    *,
    actor: User,
    kind: str,
    requested_by: str,
    request_note: str = "",
    question: str = "",
    prepares: Meeting | None = None,
    follow_up_of: Meeting | None = None,
) -> Meeting:
    meeting = _open(
        participant,
        organiser=actor,
        created_by=actor,
        kind=kind,
        requested_by=requested_by,
        request_note=request_note,
        question=question,
        prepares=prepares,
        follow_up_of=follow_up_of,
    )
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=meeting,
        participant_id=participant.pk,
        summary=f"Begärde möte: {meeting.get_kind_display()}",
        **basis_of(actor, participant),
    )
    return meeting


@transaction.atomic
def request_meeting(
    participant: Participant,
    *,
    actor: User,
    kind: str,
    requested_by: str,
    request_note: str,
    question: str,
) -> Meeting:
    """Record a request for a meeting, from the person (R10: they may gather all their
    handlers) or from a handler. The organiser takes part and is the first invitee."""
    if kind == Meeting.Kind.PREPARATORY:
        raise ValidationError(_("Ett förmöte bokas från mötet det förbereder."))
    return _create(
        participant,
        actor=actor,
        kind=kind,
        requested_by=requested_by,
        request_note=request_note,
        question=question,
    )


def person_consent_missing_message(organisation: Organisation) -> str:
    return _(
        "Du kan inte bjuda in %(org)s. Ditt samtycke gäller inte för %(org)s just nu. Fråga din "
        "koordinator om du vill att %(org)s ska vara med."
    ) % {"org": organisation}


def callable_organisations(participant: Participant) -> list[Organisation]:
    """The organisations the person may call to a meeting themselves: the controlling one, and
    those a consent in force names (R2), each passing ``check_invitable``, so a protected
    identity gets the controlling one only (R6)."""
    named = Organisation.objects.filter(
        consents_received__in=participant.consents.in_force(timezone.localdate())
    ).distinct()
    others = [] if participant.is_protected else sorted(named, key=lambda o: (o.name, o.pk))
    controller = participant.controlling_organisation
    return [controller, *(o for o in others if o.pk != controller.pk)]


def coordinator_of(participant: Participant) -> User:
    """The person's coordinator, who prepares and summons the meeting the person asks for."""
    membership = (
        TeamMember.objects.current()
        .filter(participant=participant, role=TeamMember.Role.COORDINATOR, user__is_active=True)
        .select_related("user__organisation")
        .first()
    )
    if membership is None or membership.user.organisation_id is None:
        raise ValidationError(
            _(
                "Du har ingen koordinator i Samla just nu, så ingen kan ta emot din begäran. "
                "Kontakta %(org)s."
            )
            % {"org": participant.controlling_organisation},
            code="no_coordinator",
        )
    return membership.user


@transaction.atomic
def request_meeting_as_person(
    participant: Participant,
    *,
    actor: User,
    kind: str,
    organisations: list[Organisation],
    request_note: str,
    question: str,
    preferred_times: str,
) -> Meeting:
    """The person calls a meeting themselves in Min Samla (R10: they may gather all their
    handlers). It lands with their coordinator as a request: the coordinator organises it,
    prepares it and summons it as any other. The organisations the person chose are invited,
    none of them told yet; each must be one the person may call (``callable_organisations``),
    or nothing is saved."""
    if kind not in (Meeting.Kind.MULTI_PARTY, Meeting.Kind.RESOURCE_COUNCIL):
        raise ValidationError(_("Välj vilket sorts möte du vill ha."))
    if not organisations:
        raise ValidationError(_("Välj minst en organisation som ska vara med."))
    allowed = {o.pk for o in callable_organisations(participant)}
    for organisation in organisations:
        if organisation.pk not in allowed:
            raise ValidationError(
                person_consent_missing_message(organisation), code="consent_missing"
            )
    organiser = coordinator_of(participant)
    meeting = _open(
        participant,
        organiser=organiser,
        created_by=actor,
        kind=kind,
        requested_by=Meeting.RequestedBy.PERSON,
        requested_by_user=actor,
        request_note=request_note,
        question=question,
        preferred_times=preferred_times,
    )
    for organisation in organisations:
        if organisation.pk != organiser.organisation_id:
            Invitation.objects.create(meeting=meeting, organisation=organisation)
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=meeting,
        participant_id=participant.pk,
        role=OWN_ROLE,
        flagged=participant.is_protected,
        summary=f"Begärde möte i Min Samla: {meeting.get_kind_display()}",
    )
    return meeting


def _copy_invitations(source: Meeting, target: Meeting, *, skip_user: User) -> None:
    for invitation in Invitation.objects.filter(meeting=source).select_related("organisation"):
        if invitation.user_id == skip_user.pk:
            continue
        try:
            check_invitable(target.participant, invitation.organisation)
        except ValidationError:
            continue  # a consent that lapsed since: the organiser sees who is missing
        Invitation.objects.create(
            meeting=target,
            organisation=invitation.organisation,
            user=invitation.user,
            obliged=invitation.obliged,
            need_to_know=invitation.need_to_know,
        )


@transaction.atomic
def book_preparatory(meeting: Meeting, *, actor: User) -> Meeting:
    """A short meeting among the staff before the main one (seed 004), with the same
    organisations invited and what each needs to know."""
    locked = _lock(meeting)
    _must_be_open(locked)
    if locked.is_preparatory:
        raise ValidationError(_("Ett förmöte kan inte ha ett eget förmöte."))
    preparatory = _create(
        locked.participant,
        actor=actor,
        kind=Meeting.Kind.PREPARATORY,
        requested_by=Meeting.RequestedBy.HANDLER,
        question=_("Vad behöver vi veta från varje part inför mötet?"),
        prepares=locked,
    )
    _copy_invitations(locked, preparatory, skip_user=actor)
    return preparatory


@transaction.atomic
def book_follow_up(meeting: Meeting, *, actor: User, question: str) -> Meeting:
    """A follow-up meeting booked from the minutes, with the same parties invited."""
    locked = _lock(meeting)
    if locked.is_preparatory:
        raise ValidationError(_("Ett förmöte följs upp på mötet det förbereder."))
    follow_up = _create(
        locked.participant,
        actor=actor,
        kind=Meeting.Kind.FOLLOW_UP,
        requested_by=Meeting.RequestedBy.HANDLER,
        question=question,
        follow_up_of=locked,
    )
    _copy_invitations(locked, follow_up, skip_user=actor)
    return follow_up


@transaction.atomic
def update_preparation(
    meeting: Meeting, *, actor: User, version: int, question: str, request_note: str
) -> Meeting:
    locked = _lock(meeting, version)
    _must_be_open(locked)
    changes = {"question": question, "request_note": request_note}
    changed = sorted(f for f, value in changes.items() if getattr(locked, f) != value)
    if not changed:
        return locked
    for field in changed:
        setattr(locked, field, changes[field])
    locked.version += 1
    locked.save(update_fields=[*changed, "version"])
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        participant_id=locked.participant_id,
        summary="Förberedde mötet: " + ", ".join(changed),
        **basis_of(actor, locked.participant),
    )
    return locked


@transaction.atomic
def invite(
    meeting: Meeting,
    *,
    actor: User,
    organisation: Organisation,
    user: User | None,
    obliged: bool,
    need_to_know: str,
) -> Invitation:
    """Invite an organisation, or one person of it. If the meeting is already summoned, the
    new invitee is told at once."""
    locked = _lock(meeting)
    _must_be_open(locked)
    check_invitable(locked.participant, organisation)
    if user is not None:
        check_invitee(locked.participant, organisation, user)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                meeting=locked,
                organisation=organisation,
                user=user,
                obliged=obliged,
                need_to_know=need_to_know,
            )
    except IntegrityError as error:
        raise ValidationError(
            _("%(who)s är redan inbjuden.") % {"who": user or organisation}
        ) from error
    invitation.meeting = locked
    if locked.state == Meeting.State.PLANNED and reaches_nobody(invitation, locked.participant):
        raise ValidationError(reaches_nobody_message(invitation), code="reaches_nobody")
    locked.version += 1
    locked.save(update_fields=["version"])
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=invitation,
        participant_id=locked.participant_id,
        summary=f"Bjöd in {organisation} till mötet",
        **basis_of(actor, locked.participant),
    )
    if locked.state == Meeting.State.PLANNED:
        summons.send_summons(locked)
    return invitation


@transaction.atomic
def remove_invitation(invitation: Invitation, *, actor: User) -> None:
    """Take back an invitation that has not been sent yet."""
    locked = _lock(invitation.meeting)
    _must_be_open(locked)
    if invitation.user_id == locked.organiser_id:
        raise ValidationError(_("Den som kallar till mötet är alltid med."))
    if invitation.sent_sequence is not None:
        raise ValidationError(
            _("Kallelsen är redan skickad. Ställ in mötet och boka ett nytt om det behövs.")
        )
    record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=invitation,
        participant_id=locked.participant_id,
        summary=f"Tog bort inbjudan till {invitation.organisation}",
        **basis_of(actor, locked.participant),
    )
    invitation.delete()
    locked.version += 1
    locked.save(update_fields=["version"])


@transaction.atomic
def summon(
    meeting: Meeting,
    *,
    actor: User,
    version: int,
    starts_at: datetime,
    duration_minutes: int,
    mode: str,
    place: str,
) -> tuple[Meeting, int]:
    """Set the time and the place and send the summons and invitations with a calendar file.
    A change to a meeting already summoned raises its SEQUENCE and is sent again; if the time
    moved, everyone's answer is asked for again. Returns the meeting and the mails queued."""
    locked = _lock(meeting, version)
    _must_be_open(locked)
    if starts_at <= timezone.now():
        raise ValidationError(_("Tiden har redan passerat. Välj en tid framåt."))
    check_reaches_someone(locked)
    video_url = ""
    if mode == Meeting.Mode.DIGITAL:
        video_url = locked.video_url or new_room_url()
    was_summoned = locked.state == Meeting.State.PLANNED
    changed = locked.schedule(
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        place=place,
        video_url=video_url,
    )
    if changed or not was_summoned:
        if was_summoned:
            locked.sequence += 1
        locked.state = Meeting.State.PLANNED
        locked.version += 1
        locked.save(update_fields=[*changed, "state", "sequence", "version"])
        record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            participant_id=locked.participant_id,
            summary=("Ändrade mötet: " + ", ".join(changed))
            if was_summoned
            else "Kallade till mötet",
            **basis_of(actor, locked.participant),
        )
    if was_summoned and {"starts_at", "duration_minutes"} & set(changed):
        Invitation.objects.filter(meeting=locked).exclude(user=locked.organiser).update(
            response=Invitation.Response.PENDING, responded_at=None, answered_by=None
        )
    if (changed or not was_summoned) and locked.kind != Meeting.Kind.PREPARATORY:
        # The person sees the summons in Min Samla; told only if they chose it, and neutrally.
        notify_person(
            locked.participant.id_number, about=locked, occasion=f"kallelse-{locked.sequence}"
        )
    return locked, summons.send_summons(locked)


@transaction.atomic
def cancel_meeting(meeting: Meeting, *, actor: User) -> tuple[Meeting, int]:
    """Call the meeting off. Everyone who had it in their calendar gets METHOD:CANCEL with the
    same UID and a higher SEQUENCE."""
    locked = _lock(meeting)
    _must_be_open(locked)
    was_summoned = locked.state == Meeting.State.PLANNED
    if was_summoned:
        locked.sequence += 1
    locked.state = Meeting.State.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["state", "sequence", "cancelled_at", "version"])
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        participant_id=locked.participant_id,
        summary="Ställde in mötet",
        **basis_of(actor, locked.participant),
    )
    return locked, summons.send_cancellations(locked) if was_summoned else 0


@transaction.atomic
def answer(invitation: Invitation, *, actor: User, response: str) -> Invitation:
    locked = _lock(invitation.meeting)
    if locked.state != Meeting.State.PLANNED:
        raise ValidationError(
            _("Mötet är %(state)s.") % {"state": locked.get_state_display().lower()}
        )
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    current.response = Invitation.Response(response)
    current.responded_at = timezone.now()
    current.answered_by = actor
    current.save(update_fields=["response", "responded_at", "answered_by"])
    current.meeting = locked
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=current,
        participant_id=locked.participant_id,
        summary=f"Svarade på kallelse: {current.get_response_display()}",
        **basis_of(actor, locked.participant),
    )
    if current.response == Invitation.Response.ACCEPTED and current.user_id is None:
        _join(current, actor)
    return current


def _join(invitation: Invitation, actor: User) -> None:
    """One who accepts an invitation addressed to their organisation comes to the meeting: they
    join the person's team if the consent permits (``people.actions.team_candidates``) and the
    invitation becomes theirs; if it does not, their answer stands, they see nothing of the
    person, and the organiser is told."""
    meeting = invitation.meeting
    participant = meeting.participant
    if may_see_person(actor, participant):
        return  # already on the team
    if actor in people_actions.team_candidates(participant):
        people_actions.add_team_member(participant, actor=actor, user=actor)
        if not Invitation.objects.filter(meeting=meeting, user=actor).exists():
            invitation.user = actor
            invitation.save(update_fields=["user"])
        return
    notify(
        meeting.organiser,
        Kind.OUTSIDE_TEAM,
        about=invitation,
        path=meeting.get_absolute_url(),
        occasion=str(actor.pk),
    )


@dataclass(frozen=True)
class DecisionInput:
    """One decision as the meeting took it: what is to be done, by whom, by when."""

    text: str
    need: str
    responsible_organisation: Organisation
    responsible_person: User | None
    due_date: date | None
    category: str
    activity: Activity | None = None  # the meeting decided to refer the person to it


@dataclass(frozen=True)
class NewPlan:
    """The plan the decisions start, when the person has none: their goals, said in the
    meeting in their own words (R10), and when to follow it up."""

    goals: str
    follow_up_date: date


@dataclass(frozen=True)
class ReferralOption:
    """An activity a meeting could refer the person to, and why it cannot now (empty if it
    can): the consent is checked for each provider before anything is typed (issue 14)."""

    activity: Activity
    refused: str = ""


def referral_options(participant: Participant) -> list[ReferralOption]:
    """The individual activities of the person's association, each checked as sending the
    referral would check it (``referrals.actions.check_can_refer``)."""
    options = []
    for activity in referral_actions.referable_activities(participant).order_by("name", "pk"):
        try:
            referral_actions.check_can_refer(participant, activity)
        except ValidationError as error:
            options.append(ReferralOption(activity, " ".join(error.messages)))
        else:
            options.append(ReferralOption(activity))
    return options


def no_plan_message() -> str:
    return _(
        "Personen har ingen öppen plan. Skriv personens mål med egna ord och ett "
        "uppföljningsdatum, så skapas planen med besluten."
    )


@transaction.atomic
def record_minutes(
    meeting: Meeting,
    *,
    actor: User,
    version: int,
    minutes: str,
    minutes_category: str,
    person_present: bool | None,
    attended: dict[int, bool],
    decisions: list[DecisionInput],
    new_plan: NewPlan | None = None,
) -> tuple[Meeting, list[Decision]]:
    """Save the minutes, who came and the decisions, and make each decision a plan action, all
    in one transaction: a decision that cannot become an action leaves nothing saved."""
    locked = _lock(meeting, version)
    if locked.state not in (Meeting.State.PLANNED, Meeting.State.HELD):
        raise ValidationError(_("Protokoll skrivs för ett möte som är kallat eller hållet."))
    if not locked.has_begun():
        raise ValidationError(_("Mötet har inte börjat än. Protokollet skrivs när mötet hålls."))
    if decisions and locked.is_preparatory:
        raise ValidationError(
            _("Ett förmöte fattar inga beslut om personen: det gör mötet där personen är med.")
        )
    locked.minutes = minutes
    locked.minutes_category = minutes_category
    locked.person_present = None if locked.is_preparatory else person_present
    locked.state = Meeting.State.HELD
    locked.version += 1
    locked.save(update_fields=["minutes", "minutes_category", "person_present", "state", "version"])
    for invitation in Invitation.objects.filter(meeting=locked, pk__in=attended):
        invitation.attended = attended[invitation.pk]
        invitation.save(update_fields=["attended"])
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        participant_id=locked.participant_id,
        summary="Skrev protokoll och närvaro",
        **basis_of(actor, locked.participant),
    )
    saved = [_decide(locked, actor, d, new_plan) for d in decisions]
    return locked, saved


def _decide(
    meeting: Meeting, actor: User, decision: DecisionInput, new_plan: NewPlan | None
) -> Decision:
    plan = _open_plan(meeting, actor, new_plan)
    when = timezone.localtime(meeting.starts_at).date().isoformat() if meeting.starts_at else ""
    need = decision.need or _("Beslut på %(kind)s %(date)s") % {
        "kind": meeting.get_kind_display().lower(),
        "date": when,
    }
    plan_action = plan_actions.add_plan_action(
        plan,
        actor=actor,
        need=need,
        action=decision.text,
        responsible_organisation=decision.responsible_organisation,
        responsible_person=decision.responsible_person,
        due_date=decision.due_date,
        category=decision.category,
    )
    referral = None
    if decision.activity is not None:
        referral = referral_actions.send_referral(
            meeting.participant, actor=actor, activity=decision.activity, note=decision.text
        )
    saved = Decision.objects.create(
        meeting=meeting,
        text=decision.text,
        category=decision.category,
        plan_action=plan_action,
        referral=referral,
        created_by=actor,
    )
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=saved,
        participant_id=meeting.participant_id,
        summary="Beslut på mötet blev insats i planen",
        **basis_of(actor, meeting.participant),
    )
    return saved


def _open_plan(meeting: Meeting, actor: User, new_plan: NewPlan | None) -> Plan:
    participant = meeting.participant
    plan = Plan.objects.active().filter(participant=participant).first()
    if plan is not None:
        plan.participant = participant
        return plan
    if new_plan is None:
        raise ValidationError(no_plan_message(), code="no_plan")
    return plan_actions.create_plan(
        participant,
        actor=actor,
        goals=new_plan.goals,
        lead_organisation=participant.controlling_organisation,
        follow_up_date=new_plan.follow_up_date,
    )
