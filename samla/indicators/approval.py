"""What a page may show of the association's figures: only what its current release approved
(ADR 0012).

A release (``releases.py``) protected every figure any user of the association can obtain, all
together, and kept the digest of each group of people it showed. Here, at the page, a figure is
shown only if the group it counts now is one of them: a figure whose people changed since (a new
participation) is "–" until the next release, and so is every figure when there is no release
yet. Hiding more than the release did never reveals anything, because a "–" says nothing, not
even that the group is not empty (``statistics.tables`` hides the zeros of any table with a "–").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property

from samla.indicators.models import Release
from samla.indicators.recording import Cells, Group, Recorder, digest, placed, placed_shares
from samla.organisations.models import Association
from samla.statistics.tables import Position, ShareTable, Table


class Approval:
    """The publisher of every page: hides what ``release`` did not approve."""

    records = False  # a tally of each cell tells whether the release approved its group

    def __init__(self, release: Release | None) -> None:
        self.release = release

    @classmethod
    def current(cls, association: Association) -> Approval:
        return cls(Release.objects.current(association))

    @cached_property
    def approved(self) -> frozenset[str]:
        """The digests of the groups the release showed: one query, on first use."""
        if self.release is None:
            return frozenset()
        return frozenset(self.release.groups.values_list("digest", flat=True))

    def _unapproved(self, placed: Iterable[tuple[Position, str, Group]]) -> set[Position]:
        return {
            position
            for position, _where, records in placed
            if records and digest(records) not in self.approved
        }

    def table(self, table: Table, cells: Cells, *, meetings: bool = False) -> Table:
        return table.hiding(self._unapproved(placed(table, cells, meetings=meetings)))

    def shares(self, table: ShareTable, achieved: Mapping[str, Group], base: Cells) -> ShareTable:
        return table.hiding(self._unapproved(placed_shares(table, achieved, base)))


class ShownRecorder(Recorder):
    """Records what the pages show through ``approval``: the figures to audit after a release."""

    def __init__(self, approval: Approval) -> None:
        super().__init__()
        self.approval = approval

    def table(self, table: Table, cells: Cells, *, meetings: bool = False) -> Table:
        shown = self.approval.table(table, cells, meetings=meetings)
        return super().table(shown, cells, meetings=meetings)

    def shares(self, table: ShareTable, achieved: Mapping[str, Group], base: Cells) -> ShareTable:
        return super().shares(self.approval.shares(table, achieved, base), achieved, base)
