"""What a participation can be counted by: each dimension is a SQL expression that gives every
participation (a started referral) one key, and the categories those keys are shown under. The
rollup (``rollups.py``) keeps each referral's key in a column of its own, which the figures
group by.

Every dimension is disjoint, so that a table's cells add up to its margins, which is what the
statistics layer's secondary suppression relies on. A person in several target groups therefore
counts under "Flera målgrupper", not once in each; a participation with no value for a dimension
(an anonymous participant has no home municipality or birth date, R5) counts under "Okänd".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import (
    Cast,
    Coalesce,
    Concat,
    ExtractQuarter,
    ExtractYear,
    NullIf,
    TruncDate,
)
from django.db.models.lookups import LessThan
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samla.activities.models import Activity
from samla.measurements.models import (
    IncomeSourceKind,
    Occasion,
    Occupation,
    main_income_at,
    measured_at,
)
from samla.organisations.models import Association, Municipality, Organisation
from samla.people.models import Participant, Sex, TargetGroup
from samla.referrals.models import ExitReason, Referral
from samla.statistics.tables import Category

UNKNOWN = "unknown"
SEVERAL = "several"

Expression = Combinable


@dataclass(frozen=True)
class Context:
    """What the categories of a dimension depend on."""

    association: Association
    activity_ids: Sequence[int]
    quarters: Sequence[tuple[int, int]]


@dataclass(frozen=True)
class Dimension:
    slug: str
    heading: str | Promise
    expression: Callable[[], Expression]
    categories: Callable[[Context], list[Category]]

    @property
    def column(self) -> str:
        """Where the rollup (``models.Rollup``) keeps each referral's key, computed by
        ``expression`` (``rollups.py``)."""
        return f"by_{self.slug}"


def _choices(choices: Sequence[tuple[object, object]], *extra: Category) -> list[Category]:
    return [Category(str(value), str(label)) for value, label in choices] + list(extra)


def _unknown(label: str | Promise | None = None) -> Category:
    return Category(UNKNOWN, str(label or _("Okänd")))


def _text(expression: Expression) -> Expression:
    """The key as text, NULL as "unknown": one shape for every dimension's GROUP BY."""
    return Coalesce(Cast(expression, CharField()), Value(UNKNOWN), output_field=CharField())


def _bands(value: Expression, bands: Sequence[tuple[object, str]], last: str) -> Expression:
    """The first band whose upper bound (exclusive) the value is under; NULL stays unknown."""
    return Case(
        *[When(LessThan(value, bound), then=Value(key)) for bound, key in bands],
        default=Value(last),
        output_field=CharField(),
    )


# --- the person ---

SEX = Dimension(
    "sex",
    _("Kön"),
    lambda: _text(F("participant__sex")),
    lambda context: _choices(Sex.choices),
)

AGE_BANDS = (
    (20, "16–19"),
    (25, "20–24"),
    (30, "25–29"),
    (40, "30–39"),
    (50, "40–49"),
    (65, "50–64"),
)


def _age_band() -> Expression:
    """Age in whole years the year the participation started (birth year to start year)."""
    age = ExtractYear("started_on") - ExtractYear("participant__birth_date")
    return Case(
        When(participant__birth_date__isnull=True, then=Value(UNKNOWN)),
        default=_bands(age, AGE_BANDS, "65–"),
        output_field=CharField(),
    )


AGE = Dimension(
    "age",
    _("Ålder"),
    _age_band,
    lambda context: (
        [Category(key, key) for _bound, key in AGE_BANDS] + [Category("65–", "65–"), _unknown()]
    ),
)


def _target_group() -> Expression:
    memberships = Participant.target_groups.through.objects.filter(
        participant_id=OuterRef("participant_id")
    ).order_by()
    how_many = Subquery(
        memberships.values("participant_id").annotate(n=Count("pk")).values("n")[:1],  # type: ignore[misc]
        output_field=IntegerField(),
    )
    which = Subquery(memberships.order_by("targetgroup_id").values("targetgroup_id")[:1])
    return Case(
        When(LessThan(Value(1), how_many), then=Value(SEVERAL)),
        default=_text(which),
        output_field=CharField(),
    )


TARGET_GROUP = Dimension(
    "target_group",
    _("Målgrupp"),
    _target_group,
    lambda context: (
        [
            Category(str(pk), name)
            for pk, name in TargetGroup.objects.filter(association=context.association).values_list(
                "pk", "name"
            )
        ]
        + [Category(SEVERAL, str(_("Flera målgrupper"))), _unknown(_("Ingen målgrupp angiven"))]
    ),
)

MUNICIPALITY = Dimension(
    "municipality",
    _("Kommun"),
    lambda: _text(F("participant__home_municipality_id")),
    lambda context: (
        [Category(str(m.pk), m.name) for m in municipalities_of(context.association)]
        + [_unknown(_("Okänd eller annan kommun"))]
    ),
)


def municipalities_of(association: Association) -> list[Municipality]:
    return list(
        Municipality.objects.filter(organisation__association_memberships__association=association)
        .distinct()
        .order_by("name")
    )


# --- the participation ---

ACTIVITY = Dimension(
    "activity",
    _("Insats"),
    lambda: _text(F("activity_id")),
    lambda context: [
        Category(str(pk), name)
        for pk, name in Activity.objects.filter(pk__in=context.activity_ids)
        .order_by("name")
        .values_list("pk", "name")
    ],
)

ORGANISATION = Dimension(
    "organisation",
    _("Remitterande organisation"),
    lambda: _text(F("referring_organisation_id")),
    lambda context: (
        [
            Category(str(pk), name)
            for pk, name in Organisation.objects.filter(
                association_memberships__association=context.association
            )
            .order_by("name")
            .values_list("pk", "name")
        ]
        + [_unknown(_("Annan organisation"))]
    ),
)

QUARTER = Dimension(
    "quarter",
    _("Kvartal"),
    lambda: Concat(
        Cast(ExtractYear("started_on"), CharField()),
        Value("-K"),
        Cast(ExtractQuarter("started_on"), CharField()),
        output_field=CharField(),
    ),
    lambda context: [Category(f"{y}-K{q}", f"{y} K{q}") for y, q in context.quarters],
)

EXIT_REASON = Dimension(
    "exit_reason",
    _("Avslutsorsak"),
    lambda: _text(F("exit_reason")),
    # Registered in error never was a participation (ReferralQuerySet.participations): a row of
    # it would always say 0, so the dashboard says how many were left out below the table.
    lambda context: _choices([c for c in ExitReason.choices if c[0] != ExitReason.IN_ERROR]),
)

STATE = Dimension(
    "state",
    _("Status"),
    lambda: _text(F("state")),
    lambda context: _choices(Referral.State.choices),
)

TIME_IN_ACTIVITY = (
    (timedelta(days=91), "under_3"),
    (timedelta(days=183), "3_6"),
    (timedelta(days=365), "6_12"),
)
TIME_IN_ACTIVITY_LABELS = {
    "under_3": _("Kortare än 3 månader"),
    "3_6": _("3–6 månader"),
    "6_12": _("6–12 månader"),
    "over_12": _("Längre än 12 månader"),
}


def _after(start: Expression, days: timedelta) -> Expression:
    return ExpressionWrapper(start + Value(days), output_field=DateField())


def _duration_band(
    start: Expression, end: str, bands: Sequence[tuple[timedelta, str]], last: str
) -> Expression:
    return Case(
        *[When(LessThan(F(end), _after(start, length)), then=Value(key)) for length, key in bands],
        default=Value(last),
        output_field=CharField(),
    )


DURATION = Dimension(
    "duration",
    _("Tid i insatsen"),
    lambda: _duration_band(F("started_on"), "ended_on", TIME_IN_ACTIVITY, "over_12"),
    lambda context: [Category(k, str(v)) for k, v in TIME_IN_ACTIVITY_LABELS.items()],
)

WAITING_TIME = (
    (timedelta(days=15), "under_2w"),
    (timedelta(days=29), "2_4w"),
    (timedelta(days=92), "1_3m"),
)
WAITING_TIME_LABELS = {
    "under_2w": _("Högst 2 veckor"),
    "2_4w": _("2–4 veckor"),
    "1_3m": _("1–3 månader"),
    "over_3m": _("Längre än 3 månader"),
}

WAITING = Dimension(
    "waiting",
    _("Väntetid från remiss till start"),
    lambda: _duration_band(TruncDate("sent_at"), "started_on", WAITING_TIME, "over_3m"),
    lambda context: [Category(k, str(v)) for k, v in WAITING_TIME_LABELS.items()],
)


# --- what was measured at entry and at exit ---


def _occupation(occasion: str, heading: str | Promise) -> Dimension:
    return Dimension(
        f"occupation_{occasion}",
        heading,
        lambda: _text(NullIf(measured_at(occasion, "occupation"), Value(""))),
        lambda context: _choices(Occupation.choices, _unknown(_("Inte angiven"))),
    )


def _income(occasion: str, heading: str | Promise) -> Dimension:
    return Dimension(
        f"income_{occasion}",
        heading,
        lambda: _text(main_income_at(occasion)),
        # The code list has its own "unknown", which also holds a measurement with no source.
        lambda context: _choices(IncomeSourceKind.choices),
    )


OCCUPATION_BEFORE = _occupation(Occasion.ENTRY, _("Sysselsättning vid start"))
OCCUPATION_AFTER = _occupation(Occasion.EXIT, _("Sysselsättning vid avslut"))
INCOME_BEFORE = _income(Occasion.ENTRY, _("Huvudsaklig försörjning vid start"))
INCOME_AFTER = _income(Occasion.EXIT, _("Huvudsaklig försörjning vid avslut"))

EVERY = (
    SEX,
    AGE,
    TARGET_GROUP,
    MUNICIPALITY,
    ACTIVITY,
    ORGANISATION,
    QUARTER,
    EXIT_REASON,
    STATE,
    DURATION,
    WAITING,
    OCCUPATION_BEFORE,
    OCCUPATION_AFTER,
    INCOME_BEFORE,
    INCOME_AFTER,
)
