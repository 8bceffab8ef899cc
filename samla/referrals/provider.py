"""The provider's side of its activities: one board per activity (new referrals, offered places,
the waitlist in line order, who takes part) and the attendance register.

Everything here starts from ``access.provided_activities(user)``: the activities the user's
organisation provides in associations where the user is activity staff. The provider sees the
people referred to those activities by name and nothing else of them (R2), and the name only while
the referral shares it (``Referral.shown_to_provider``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samla.accounts.models import User
from samla.activities.models import Activity
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.people.access import log_list_read
from samla.referrals.access import PROVIDER_ROLE, incoming_referrals, provided_activities
from samla.referrals.models import Attendance, Referral

State = Referral.State


@dataclass
class Board:
    activity: Activity
    new: list[Referral] = field(default_factory=list)
    offered: list[Referral] = field(default_factory=list)
    waiting: list[Referral] = field(default_factory=list)
    taking_part: list[Referral] = field(default_factory=list)
    ended: list[Referral] = field(default_factory=list)  # recently: their follow-ups are due

    @property
    def places_taken(self) -> int:
        return len(self.offered) + len(self.taking_part)


# Ended participations stay on the board this long, for the follow-up six months after exit.
ENDED_SHOWN_DAYS = 240


def boards_for(user: User, today: date | None = None) -> list[Board]:
    """Two queries and one audit row, however many activities and referrals."""
    today = today or timezone.localdate()
    boards = {a.pk: Board(a) for a in provided_activities(user).order_by("name")}
    with transaction.atomic():
        referrals = list(
            incoming_referrals(user)
            .exclude(state__in=[State.DECLINED, State.WITHDRAWN])
            .exclude(state=State.ENDED, ended_on__lt=today - timedelta(days=ENDED_SHOWN_DAYS))
            .with_sharing(today)
            .select_related("participant", "referring_organisation")
            .order_by("-priority", "waitlisted_at", "sent_at", "pk")
        )
        log_list_read(user, len(referrals), purpose="Inkomna remisser", role=PROVIDER_ROLE)
    for referral in referrals:
        board = boards[referral.activity_id]
        referral.activity = board.activity
        if referral.state in (State.SENT, State.RECEIVED):
            board.new.append(referral)
        elif referral.state == State.OFFERED:
            board.offered.append(referral)
        elif referral.state == State.WAITLISTED:
            board.waiting.append(referral)  # already in line: priority, then time on the list
        elif referral.state == State.ENDED:
            board.ended.append(referral)
        else:
            board.taking_part.append(referral)
    return list(boards.values())


def taking_part_on(activity: Activity, day: date) -> QuerySet[Referral]:
    """Who took part in the activity on the day: started by then and not ended before it."""
    return (
        Referral.objects.filter(
            activity=activity, state__in=[State.STARTED, State.ENDED], started_on__lte=day
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .with_sharing()
        .select_related("participant")
        .order_by("participant__last_name", "participant__first_name", "pk")
    )


def read_register(user: User, activity: Activity, day: date) -> list[tuple[Referral, str]]:
    """The day's register: each participant with what is recorded for them (or "")."""
    with transaction.atomic():
        referrals = list(taking_part_on(activity, day))
        recorded = dict(
            Attendance.objects.filter(referral__in=referrals, on=day).values_list(
                "referral_id", "status"
            )
        )
        log_list_read(user, len(referrals), purpose="Närvaro", role=PROVIDER_ROLE)
    return [(referral, recorded.get(referral.pk, "")) for referral in referrals]


@transaction.atomic
def record_attendance(
    activity: Activity, *, actor: User, day: date, statuses: dict[int, str]
) -> int:
    """Record the day's attendance (referral pk → status) for those taking part that day, each
    with its audit row. Returns how many changed."""
    allowed = {r.pk: r for r in taking_part_on(activity, day)}
    unknown = set(statuses) - set(allowed)
    if unknown:
        raise ValueError(_("Någon i listan deltog inte i insatsen den dagen."))
    current = dict(
        Attendance.objects.filter(referral_id__in=list(statuses), on=day).values_list(
            "referral_id", "status"
        )
    )
    changed = 0
    for referral_id, status in statuses.items():
        if not status or current.get(referral_id) == status:
            continue
        attendance, _created = Attendance.objects.update_or_create(
            referral_id=referral_id,
            on=day,
            defaults={"status": status, "recorded_by": actor},
        )
        record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=attendance,
            participant_id=allowed[referral_id].participant_id,
            referral_id=referral_id,
            role=PROVIDER_ROLE,
            flagged=allowed[referral_id].participant.is_protected,
            summary="Närvaro",
        )
        changed += 1
    return changed
