"""A plan's content as plain data: frozen into each agreed version, shown, printed and compared.

The working plan and every agreed version go through the same ``PlanView``, and so through
the same consent filter (``PlanView.of(snapshot, allows=...)``): what one organisation may not
see is left out in one place for the page, the version history, the comparison and the PDF.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from samla.organisations.models import Organisation
from samla.people.models import InformationCategory
from samla.plans.models import (
    Plan,
    PlanAction,
    PlanApproval,
    PlanConfirmation,
    assurance_level,
)

Snapshot = dict[str, Any]

GOALS_CATEGORY = InformationCategory.LIFE_SITUATION
KIND_GROUPS: list[tuple[str, StrOrPromise, frozenset[str]]] = [
    ("municipality", _("Det här gör kommunen"), frozenset({Organisation.Kind.MUNICIPALITY})),
    ("region", _("Det här gör regionen"), frozenset({Organisation.Kind.REGION})),
]
OTHERS_HEADING = _("Det här gör andra (Arbetsförmedlingen, Försäkringskassan, skola, utförare)")


def snapshot_of(
    plan: Plan,
    actions: list[PlanAction],
    *,
    approval: PlanApproval | None = None,
    confirmations: list[PlanConfirmation] | None = None,
) -> Snapshot:
    """The plan's content now. ``actions`` come with their organisation and person."""
    return {
        "revision": plan.revision,
        "goals": plan.goals,
        "lead_organisation_id": plan.lead_organisation_id,
        "lead_organisation": plan.lead_organisation.name,
        "follow_up_date": plan.follow_up_date.isoformat() if plan.follow_up_date else None,
        "actions": [
            {
                "id": a.pk,
                "need": a.need,
                "action": a.action,
                "organisation_id": a.responsible_organisation_id,
                "organisation": a.responsible_organisation.name,
                "organisation_kind": a.responsible_organisation.kind,
                "person_id": a.responsible_person_id,
                "person": str(a.responsible_person) if a.responsible_person else "",
                "due_date": a.due_date.isoformat() if a.due_date else None,
                "status": a.status,
                "follow_up_note": a.follow_up_note,
                "category": a.category,
            }
            for a in actions
        ],
        "approval": None
        if approval is None
        else {
            "method": approval.method,
            "note": approval.note,
            "recorded_by": str(approval.recorded_by),
            "recorded_at": approval.recorded_at.isoformat(),
            "acr": approval.acr,
            "provider": approval.provider,
        },
        "confirmations": [
            {
                "organisation": c.organisation.name,
                "confirmed_by": str(c.confirmed_by),
                "confirmed_at": c.confirmed_at.isoformat(),
            }
            for c in confirmations or []
        ],
    }


def _date(value: str | None) -> date | None:
    return parse_date(value) if value else None


def _datetime(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


@dataclass(frozen=True)
class ActionView:
    id: int
    need: str
    action: str
    organisation_id: int
    organisation: str
    organisation_kind: str
    person_id: int | None
    person: str
    due_date: date | None
    status: str
    follow_up_note: str
    category: str
    # The action's version now, for the follow-up form of the live plan; None in an agreed
    # version, which is frozen.
    version: int | None = None

    @property
    def status_label(self) -> StrOrPromise:
        return PlanAction.Status(self.status).label

    @property
    def category_label(self) -> StrOrPromise:
        return InformationCategory(self.category).label

    @property
    def is_open(self) -> bool:
        return self.status in (PlanAction.Status.PLANNED, PlanAction.Status.ONGOING)

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < today


@dataclass(frozen=True)
class ActionGroup:
    key: str
    heading: StrOrPromise
    actions: list[ActionView]


@dataclass(frozen=True)
class PlanView:
    """What one viewer may see of a plan's content. ``goals`` is None when their consent does
    not cover the person's life situation."""

    revision: int
    goals: str | None
    lead_organisation: str
    follow_up_date: date | None
    actions: list[ActionView]
    approval_method: StrOrPromise
    approval_note: str
    approved_by: str
    approved_at: datetime | None
    confirmations: list[tuple[str, str, datetime | None]]
    # The assurance level's number when the person approved it themself with e-ID, else "".
    approval_level: str = ""

    @classmethod
    def of(
        cls,
        snapshot: Snapshot,
        *,
        allows: Callable[[str], bool],
        versions: Mapping[int, int] | None = None,
    ) -> PlanView:
        """``versions``: each action's version now, by id, when ``snapshot`` is the live plan."""
        versions = versions or {}
        approval = snapshot.get("approval") or {}
        return cls(
            revision=snapshot["revision"],
            goals=snapshot["goals"] if allows(GOALS_CATEGORY) else None,
            lead_organisation=snapshot["lead_organisation"],
            follow_up_date=_date(snapshot["follow_up_date"]),
            actions=[
                ActionView(
                    id=a["id"],
                    need=a["need"],
                    action=a["action"],
                    organisation_id=a["organisation_id"],
                    organisation=a["organisation"],
                    organisation_kind=a["organisation_kind"],
                    person_id=a["person_id"],
                    person=a["person"],
                    due_date=_date(a["due_date"]),
                    status=a["status"],
                    follow_up_note=a.get("follow_up_note", ""),
                    category=a["category"],
                    version=versions.get(a["id"]),
                )
                for a in snapshot["actions"]
                if allows(a["category"])
            ],
            approval_method=PlanApproval.Method(approval["method"]).label if approval else "",
            approval_note=approval.get("note", ""),
            approved_by=approval.get("recorded_by", ""),
            approved_at=_datetime(approval.get("recorded_at")),
            confirmations=[
                (c["organisation"], c["confirmed_by"], _datetime(c["confirmed_at"]))
                for c in snapshot.get("confirmations", [])
            ],
            approval_level=assurance_level(approval["acr"]) if approval.get("acr") else "",
        )

    def groups(self) -> list[ActionGroup]:
        """The actions under "what the municipality does", "what the region does" and "what
        others do" (docs/domain.md §5C); empty groups are left out."""
        groups = []
        placed: set[int] = set()
        for key, heading, kinds in KIND_GROUPS:
            members = [a for a in self.actions if a.organisation_kind in kinds]
            placed |= {a.id for a in members}
            groups.append(ActionGroup(key, heading, members))
        groups.append(
            ActionGroup("others", OTHERS_HEADING, [a for a in self.actions if a.id not in placed])
        )
        return [g for g in groups if g.actions]


@dataclass(frozen=True)
class Row:
    label: StrOrPromise
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class ActionComparison:
    title: str
    change: str  # "added", "removed", "changed" or "same"
    rows: list[Row]

    @property
    def change_label(self) -> StrOrPromise:
        return {
            "added": _("Ny"),
            "removed": _("Borttagen"),
            "changed": _("Ändrad"),
            "same": _("Oförändrad"),
        }[self.change]


def _text(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, date):
        return value.isoformat()
    return str(value) or "–"


def _action_rows(a: ActionView | None) -> list[tuple[StrOrPromise, str]]:
    return [
        (_("Behov"), _text(a.need if a else "")),
        (pgettext_lazy("plan", "Insats/åtgärd"), _text(a.action if a else "")),
        (_("Ansvarig organisation"), _text(a.organisation if a else "")),
        (_("Ansvarig person"), _text(a.person if a else "")),
        (_("Klart senast"), _text(a.due_date if a else None)),
        (_("Status"), _text(a.status_label if a else "")),
        (_("Sorts uppgift"), _text(a.category_label if a else "")),
    ]


def compare(before: PlanView, after: PlanView) -> tuple[list[Row], list[ActionComparison]]:
    """Field by field and action by action (matched by identity), before and after."""
    plan_rows = [
        Row(_("Huvudansvarig organisation"), before.lead_organisation, after.lead_organisation),
        Row(_("Uppföljningsdatum"), _text(before.follow_up_date), _text(after.follow_up_date)),
    ]
    if before.goals is not None and after.goals is not None:
        plan_rows.insert(0, Row(_("Mina mål"), before.goals, after.goals))
    old = {a.id: a for a in before.actions}
    new = {a.id: a for a in after.actions}
    comparisons = []
    for action_id in [*old, *(i for i in new if i not in old)]:
        a, b = old.get(action_id), new.get(action_id)
        rows = [
            Row(label, x, y)
            for (label, x), (_label, y) in zip(_action_rows(a), _action_rows(b), strict=True)
        ]
        if a is None:
            change = "added"
        elif b is None:
            change = "removed"
        else:
            change = "changed" if any(r.changed for r in rows) else "same"
        shown = b or a
        assert shown is not None
        title = shown.action
        comparisons.append(ActionComparison(title=title, change=change, rows=rows))
    return plan_rows, comparisons
