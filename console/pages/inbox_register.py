"""Sổ nhận bản án: the office's receipt register of one statistical year (1 October – 30 September), printable.

The API has no register query: the register is the office's inbox read through GraphQL, one status at a
time among those a registered transfer can have (ACKNOWLEDGED, DECIDED, and RETURNED — a registered
judgment returned as unclear or incomplete keeps its number), keeping the transfers of the year asked for
and ordering them by register number. At most ``MAX_API_PAGES`` API pages of ``API_PAGE`` transfers are
read for one register; beyond that the page says the list is incomplete rather than read on.
Without ``nam`` the register shown is the statistical year running on the hub's clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from starlette.requests import Request

from console.format import VIETNAM
from console.pages import inbox_operations as ops
from console.views import SignedIn, console_of
from domain.clock import Clock
from domain.registers import statistical_year

REGISTERED: Final = ("ACKNOWLEDGED", "DECIDED", "RETURNED")  # the statuses a register entry can have
API_PAGE: Final = 200  # the API's largest inbox page
MAX_API_PAGES: Final = 10  # API pages read at most for one register, over all statuses
YEARS_OFFERED: Final = 5  # statistical years in the picker, the running one first
FIRST_YEAR: Final = 2000  # a year asked for before this (or after the running one) is not a register year


@dataclass(frozen=True, slots=True)
class Register:
    year: int
    entries: list[dict[str, Any]] = field(default_factory=list)
    incomplete: bool = False  # more pages than read, or the hub answered with errors besides the data
    forbidden: bool = False


def running_year(request: Request) -> int:
    """The statistical year on the hub's clock (the machine's time for a console wired without one)."""
    clock = console_of(request).clock or Clock()
    return statistical_year(clock.today())


def asked_year(text: str | None, running: int) -> int | None:
    """The year of ``?nam=``: ``running`` when not given, None when it is not a register year."""
    if text is None or text == "":
        return running
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= running:
        return None
    return int(text)


def years_offered(running: int, shown: int) -> list[int]:
    years = list(range(running, running - YEARS_OFFERED, -1))
    return years if shown in years else [*years, shown]


async def read_register(request: Request, who: SignedIn, year: int) -> Register:
    hub = console_of(request).hub
    entries: list[dict[str, Any]] = []
    incomplete, pages = False, 0
    for status in REGISTERED:
        after: str | None = None
        while True:
            if pages == MAX_API_PAGES:
                return Register(year, _ordered(entries), incomplete=True)
            variables = {"office": who.principal.agency_code, "status": status, "first": API_PAGE, "after": after}
            outcome = await hub.execute(request, who.principal, ops.REGISTER, variables)
            pages += 1
            if outcome.forbidden:
                return Register(year, forbidden=True)
            incomplete = incomplete or bool(outcome.errors)
            inbox = (outcome.data or {}).get("inbox") or {}
            page_info = inbox.get("pageInfo") or {}
            entries += [
                _entry(edge["node"])
                for edge in inbox.get("edges") or []
                if edge["node"]["registerYear"] == year and edge["node"]["registerNumber"] is not None
            ]
            after = page_info["endCursor"] if page_info.get("hasNextPage") else None
            if after is None:
                break
    return Register(year, _ordered(entries), incomplete)


def _entry(transfer: dict[str, Any]) -> dict[str, Any]:
    return {**transfer, "registeredOn": _local_day(transfer.get("acknowledgedAt"))}


def _local_day(moment: str | None) -> date | None:
    """The Việt Nam day of an API moment: the register records the day of entry, not the hour."""
    if not moment:
        return None
    return datetime.fromisoformat(moment).astimezone(VIETNAM).date()


def _ordered(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entries, key=lambda entry: int(entry["registerNumber"]))
