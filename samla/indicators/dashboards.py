"""A dashboard: the sections the association office and the board read (issue 6 part 3), each a
list of published tables with a chart beside them. The same objects feed the page, the CSV and
XLSX exports and the annual report, so every one of them shows the same suppressed figures.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samla.activities.models import Activity
from samla.indicators import dimensions as d
from samla.indicators.figures import Figures, Filters, Scope, percent
from samla.indicators.models import Target
from samla.indicators.recording import Publisher
from samla.indicators.year_counts import ENDED, IN_ERROR, SENT, STARTED, UNDER_WAY
from samla.organisations.models import Municipality
from samla.people.models import Sex
from samla.statistics.charts import Chart, bar_chart, line_chart, share_chart
from samla.statistics.tables import Category, Figure, ShareTable, Table, percent_text

# A record for CSV and XLSX: counts as int, shares as a Fraction of one (samla.spreadsheets).
Row = list[str | int | Fraction | None]


@dataclass(frozen=True)
class Change:
    """One category before and after: counts, shares of all, and the change."""

    category: Category
    before: Figure
    after: Figure
    share_before: str
    share_after: str

    @property
    def change(self) -> str:
        if self.before.value is None or self.after.value is None:
            return "–"
        difference = self.after.value - self.before.value
        return f"{difference:+d}".replace("-", "−") if difference else "0"


@dataclass(frozen=True)
class BeforeAfter:
    """A before→after cross-tabulation and, from its margins, the change per category (the
    tables FK's national follow-up showed). The change table uses only the cross-tabulation's
    published margins, so it hides exactly what the cross-tabulation hides."""

    title: str
    crosstab: Table

    @property
    def changes(self) -> list[Change]:
        total = self.crosstab.total
        return [
            Change(
                category=category,
                before=self.crosstab.row_total(category.key),
                after=self.crosstab.column_total(category.key),
                share_before=_share(self.crosstab.row_total(category.key), total),
                share_after=_share(self.crosstab.column_total(category.key), total),
            )
            for category in self.crosstab.rows
        ]

    @property
    def any_hidden(self) -> bool:
        return self.crosstab.any_hidden

    def records(self) -> list[Row]:
        rows: list[Row] = [
            [
                self.crosstab.row_heading,
                _("Antal vid start"),
                _("Antal vid avslut"),
                _("Förändring"),
                _("Andel vid start"),
                _("Andel vid avslut"),
            ]
        ]
        total = self.crosstab.total
        for c in self.changes:
            before, after = c.before.value, c.after.value
            rows.append(
                [
                    c.category.label,
                    _value(c.before),
                    _value(c.after),
                    "–" if before is None or after is None else after - before,
                    _share_cell(c.before, total),
                    _share_cell(c.after, total),
                ]
            )
        return rows


def _share(part: Figure, whole: Figure) -> str:
    if part.value is None or whole.value is None or whole.value == 0:
        return "–"
    return percent_text(percent(part.value, whole.value))


def _share_cell(part: Figure, whole: Figure) -> Fraction | str:
    """The share ``_share`` shows, as a number for a spreadsheet."""
    if part.value is None or whole.value is None or whole.value == 0:
        return "–"
    return Fraction(percent(part.value, whole.value)) / 100


def _value(figure: Figure) -> str | int:
    return figure.value if figure.value is not None else "–"


def _in_error_note(figure: Figure, k: int) -> str:
    """Below the exit reasons: how many referrals were registered in error and so left out of
    every count, rather than a row that always says 0 (issue 14 item 8)."""
    if figure.value is None:
        return _(
            "Färre än %(k)s remisser som avslutades under perioden var felaktigt registrerade. "
            "De räknas inte med i någon siffra."
        ) % {"k": k}
    if figure.value == 0:
        return ""
    return ngettext(
        "%(n)s remiss som avslutades under perioden var felaktigt registrerad. "
        "Den räknas inte med i någon siffra.",
        "%(n)s remisser som avslutades under perioden var felaktigt registrerade. "
        "De räknas inte med i någon siffra.",
        figure.value,
    ) % {"n": figure}


@dataclass(frozen=True)
class TargetRow:
    target: Target
    goal: str
    actual: str
    attained: Decimal | None  # the actual as a percentage of the goal, when it can be shown
    measured: int | Fraction | None = None  # the actual as a number for exports, when shown

    @property
    def reached(self) -> bool | None:
        return None if self.attained is None else self.attained >= 100


@dataclass(frozen=True)
class Targets:
    title: str
    rows: tuple[TargetRow, ...]
    progress: Chart | None

    @property
    def any_hidden(self) -> bool:
        return any(row.actual == "–" for row in self.rows)

    @property
    def any_target_group(self) -> bool:
        """Whether a target is for a target group, whose actual counts a person in several
        groups in each of them (``Figures.by_target_group``)."""
        return any(row.target.target_group_id for row in self.rows)

    def records(self) -> list[Row]:
        rows: list[Row] = [[_("Mål"), _("Avser"), _("Målvärde"), _("Utfall"), _("Andel av målet")]]
        for r in self.rows:
            goal = Fraction(r.target.value, 100) if r.target.is_share else r.target.value
            rows.append(
                [
                    r.target.get_kind_display(),
                    r.target.breakdown_label or _("Hela perioden"),
                    goal,
                    "–" if r.measured is None else r.measured,
                    "–" if r.attained is None else Fraction(r.attained) / 100,
                ]
            )
        return rows


Published = Table | ShareTable | BeforeAfter | Targets


@dataclass(frozen=True)
class Item:
    slug: str
    content: Published
    chart: Chart | None = None
    note: str = ""  # said below the table, after what "–" means

    @property
    def kind(self) -> str:
        return type(self.content).__name__.lower()

    @property
    def title(self) -> str:
        return self.content.title


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    items: tuple[Item, ...]


class Dashboard:
    def __init__(
        self, scope: Scope, filters: Filters, *, publisher: Publisher | None = None
    ) -> None:
        self.scope, self.filters = scope, filters
        self.figures = Figures(scope, filters, publisher=publisher)
        self.publisher = self.figures.publisher
        self._by_year: dict[int | None, Figures] = {}
        self._target_tables: dict[tuple[int | None, str], Table] = {}

    def describe_filters(self) -> str:
        """The selection in words: "2011, Nora, kvinnor" or the whole period."""
        f, first, last = self.filters, self.figures.first, self.figures.last
        parts = [str(f.year) if f.year else f"{first:%Y-%m-%d}–{last:%Y-%m-%d}"]
        if f.activity:
            parts.append(str(Activity.objects.get(pk=f.activity)))
        if f.municipality:
            parts.append(str(Municipality.objects.get(pk=f.municipality)))
        if f.sex:
            parts.append(str(Sex(f.sex).label).lower())
        return ", ".join(parts)

    def sections(self) -> list[Section]:
        self._count_ahead()
        return [
            section
            for section in (
                self.targets_section(),
                self.participants_section(),
                self.outcomes_section(),
                self.before_after_section(),
                self.time_section(),
                self.referrals_section(),
            )
            if section.items
        ]

    def items(self) -> Iterator[Item]:
        for section in self.sections():
            yield from section.items

    def item(self, slug: str) -> Item | None:
        return next((item for item in self.items() if item.slug == slug), None)

    def _count_ahead(self) -> None:
        """The tables below, counted ahead: each event's tables in one go (``count_ahead``)."""
        f = self.figures
        f.count_ahead(
            STARTED,
            [
                (d.MUNICIPALITY, d.SEX),
                (d.AGE, d.SEX),
                (d.TARGET_GROUP, d.SEX),
                (d.WAITING, d.SEX),
                (d.QUARTER, None),
                (d.SEX, None),
            ],
        )
        f.count_ahead(
            ENDED,
            [
                (d.EXIT_REASON, d.SEX),
                (d.OCCUPATION_BEFORE, d.OCCUPATION_AFTER),
                (d.INCOME_BEFORE, d.INCOME_AFTER),
                (d.DURATION, d.SEX),
            ],
            flagged=[(d.SEX, "wellbeing_better"), (d.SEX, "closeness_better")],
        )
        f.count_ahead(SENT, [(d.STATE, d.ACTIVITY), (d.ORGANISATION, None)])
        f.count_ahead(UNDER_WAY, [(d.ACTIVITY, d.SEX)], flagged=[(d.SEX, "learned")])
        f.count_ahead(IN_ERROR, [(d.SEX, None)])

    # --- sections ---

    def targets_section(self) -> Section:
        targets = [t for t in self.scope.targets() if self._applies(t)]
        if not targets and self.scope.programme is None and self.scope.activity is None:
            return Section("targets", _("Mål och utfall"), ())
        content = Targets(
            title=_("Mål och utfall"),
            rows=tuple(self._target_row(t) for t in targets),
            progress=self._progress(targets),
        )
        return Section(
            "targets", _("Mål och utfall"), (Item("targets", content, content.progress),)
        )

    def participants_section(self) -> Section:
        f = self.figures
        started = f.table(
            f.started(), _("Påbörjade deltaganden per kommun och kön"), d.MUNICIPALITY, d.SEX
        )
        active = f.table(
            f.active(),
            _("Pågående deltaganden under perioden, per insats och kön"),
            d.ACTIVITY,
            d.SEX,
        )
        ended = f.table(
            f.ended(), _("Avslutade deltaganden per avslutsorsak och kön"), d.EXIT_REASON, d.SEX
        )
        age = f.table(f.started(), _("Påbörjade deltaganden per ålder och kön"), d.AGE, d.SEX)
        groups = f.table(
            f.started(), _("Påbörjade deltaganden per målgrupp och kön"), d.TARGET_GROUP, d.SEX
        )
        in_error = _in_error_note(f.registered_in_error(), f.k)
        return Section(
            "participants",
            _("Deltagare"),
            tuple(
                Item(slug, table, bar_chart(table), in_error if slug == "exit_reasons" else "")
                for slug, table in (
                    ("started", started),
                    ("active", active),
                    ("exit_reasons", ended),
                    ("age", age),
                    ("target_groups", groups),
                )
            ),
        )

    def outcomes_section(self) -> Section:
        f = self.figures
        shares = (
            ("feel_better", f.feel_better()),
            ("closer", f.closer()),
            ("work_or_studies", f.work_or_studies()),
        )
        learning = f.learning_goals()
        return Section(
            "outcomes",
            _("Resultat"),
            (
                *(Item(slug, table, share_chart(table)) for slug, table in shares),
                Item("learning_goals", learning, bar_chart(learning)),
            ),
        )

    def before_after_section(self) -> Section:
        f = self.figures
        occupation = BeforeAfter(
            _("Sysselsättning vid start och vid avslut"),
            f.table(
                f.ended(),
                _("Sysselsättning vid start (rader) och vid avslut (kolumner)"),
                d.OCCUPATION_BEFORE,
                d.OCCUPATION_AFTER,
            ),
        )
        income = BeforeAfter(
            _("Huvudsaklig försörjning vid start och vid avslut"),
            f.table(
                f.ended(),
                _("Huvudsaklig försörjning vid start (rader) och vid avslut (kolumner)"),
                d.INCOME_BEFORE,
                d.INCOME_AFTER,
            ),
        )
        return Section(
            "before_after",
            _("Före och efter"),
            (Item("occupation", occupation), Item("income", income)),
        )

    def time_section(self) -> Section:
        f = self.figures
        duration = f.table(
            f.ended(), _("Tid i insatsen för avslutade deltaganden"), d.DURATION, d.SEX
        )
        waiting = f.table(f.started(), _("Väntetid från remiss till start"), d.WAITING, d.SEX)
        return Section(
            "time",
            _("Tid"),
            (
                Item("duration", duration, bar_chart(duration)),
                Item("waiting", waiting, bar_chart(waiting)),
            ),
        )

    def referrals_section(self) -> Section:
        f = self.figures
        states = f.table(
            f.referrals_sent(),
            _("Remisser skickade under perioden, per status och insats"),
            d.STATE,
            d.ACTIVITY,
        )
        organisations = f.table(
            f.referrals_sent(),
            _("Remisser skickade under perioden, per remitterande organisation"),
            d.ORGANISATION,
        )
        items = [
            Item("referral_states", states, bar_chart(states)),
            Item("referring_organisations", organisations),
        ]
        if self.scope.programme is None and self.scope.activity is None:
            meetings = f.meetings_held()
            items.append(Item("meetings", meetings, bar_chart(meetings)))
        return Section("referrals", _("Remisser och möten"), tuple(items))

    # --- targets ---

    def _applies(self, target: Target) -> bool:
        """A target is shown when the filters do not cut across it: filtered to women in 2011,
        the target for women in Nora 2011 is shown, the target of 330 for the whole period not."""
        f = self.filters
        return (
            (not f.year or target.year == f.year)
            and (not f.sex or target.sex == f.sex)
            and (not f.municipality or target.municipality_id == f.municipality)
        )

    def _figures_for(self, target: Target) -> Figures:
        if target.year == self.filters.year:
            return self.figures
        if target.year not in self._by_year:
            figures = Figures(
                self.scope, replace(self.filters, year=target.year), publisher=self.publisher
            )
            # What a target's actual is counted from (``_target_row``).
            figures.count_ahead(STARTED, [(d.MUNICIPALITY, d.SEX), (d.SEX, None)])
            figures.count_ahead(
                ENDED,
                [(d.EXIT_REASON, d.SEX)],
                flagged=[(d.SEX, "wellbeing_better"), (d.SEX, "closeness_better")],
            )
            figures.count_ahead(UNDER_WAY, [], flagged=[(d.SEX, "learned")])
            self._by_year[target.year] = figures
        return self._by_year[target.year]

    def _target_row(self, target: Target) -> TargetRow:
        figures = self._figures_for(target)
        if target.is_share:
            share = {
                Target.Kind.FEEL_BETTER: figures.feel_better,
                Target.Kind.CLOSER: figures.closer,
                Target.Kind.WORK_OR_STUDIES: figures.work_or_studies,
            }[Target.Kind(target.kind)]().total
            attained = (
                None
                if share.percent is None
                else (share.percent * 100 / target.value).quantize(Decimal("0.1"))
            )
            measured = None if share.percent is None else Fraction(share.percent) / 100
            return TargetRow(target, f"{target.value} %", str(share), attained, measured)
        figure = self._count_for(figures, target)
        attained = (
            percent(figure.value, target.value)
            if figure.value is not None and target.value
            else None
        )
        return TargetRow(target, str(Figure(target.value)), str(figure), attained, figure.value)

    def _count_for(self, figures: Figures, target: Target) -> Figure:
        if target.kind == Target.Kind.LEARNING_GOALS:
            return figures.learning_goals().total
        if target.target_group_id:  # everyone in the group, also those in other groups too
            group = figures.by_target_group[str(target.target_group_id)]
            return group.row_total(target.sex) if target.sex else group.total
        row = d.MUNICIPALITY if target.municipality_id else None
        table = self._cached_table(figures, row)
        key = str(target.municipality_id or "")
        if row is None:  # the one-way table by sex
            return table.row_total(target.sex) if target.sex else table.total
        return table.cell(key, target.sex) if target.sex else table.row_total(key)

    def _cached_table(self, figures: Figures, row: d.Dimension | None) -> Table:
        key = (figures.filters.year, row.slug if row else "all")
        if key not in self._target_tables:
            title = _("Påbörjade deltaganden")
            by = (row, d.SEX) if row else (d.SEX,)  # by sex alone: a one-way table
            self._target_tables[key] = figures.table(figures.started(), title, *by)
        return self._target_tables[key]

    def _progress(self, targets: list[Target]) -> Chart | None:
        goal = next(
            (
                t
                for t in targets
                if t.kind == Target.Kind.PARTICIPANTS
                and not (t.year or t.sex or t.municipality_id or t.target_group_id)
            ),
            None,
        )
        f = self.figures
        by_quarter = f.table(f.started(), _("Påbörjade deltaganden per kvartal"), d.QUARTER)
        points: list[tuple[str, int | None]] = []
        running: int | None = 0
        for category in by_quarter.rows:
            figure = by_quarter.row_total(category.key)
            running = None if running is None or figure.value is None else running + figure.value
            points.append((category.label, running))
        return line_chart(
            [(_("Påbörjade deltaganden, sammanlagt"), points)],
            title=_("Påbörjade deltaganden över tid"),
            target=goal.value if goal else None,
        )
