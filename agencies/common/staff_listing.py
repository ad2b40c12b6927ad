"""A roster's staff in one order, for the personnel listings of the court and procuracy services.

The listing is ordered by (unit code, staff code) and built the first time a
page is asked for (a few thousand people; the batch lookups never need it)::

    listing = StaffListing(StaffRoster(seed, reference, plan=COURT_STAFF))
    listing.total, listing.page(offset=200, limit=100)
"""

from __future__ import annotations

from agencies.common.staff import StaffRoster
from domain.types import Officer


class StaffListing:
    def __init__(self, roster: StaffRoster) -> None:
        self.roster = roster
        self._ordered: tuple[Officer, ...] | None = None

    @property
    def total(self) -> int:
        return len(self._everyone())

    def page(self, offset: int, limit: int) -> tuple[Officer, ...]:
        """Up to ``limit`` people from the ``offset``-th on (nothing past the end)."""
        return self._everyone()[offset : offset + limit]

    def _everyone(self) -> tuple[Officer, ...]:
        if self._ordered is None:
            units = sorted(self.roster.units(), key=lambda u: u.agency.code)
            self._ordered = tuple(o for u in units for o in sorted(u.officers, key=lambda o: o.code))
        return self._ordered
