"""One page of the inbox as the console shows it: the API's pages, optionally kept to a deadline state.

The API filters by status only. To show "có việc quá hạn" (a deadline the hub says is OVERDUE) the
console reads the API's pages in order and keeps the transfers with such a deadline, at most
``SCAN_PAGES`` API pages for one page on screen; "Trang sau" resumes from the cursor of the last
transfer looked at, so nothing is skipped or shown twice. The state is the hub's, on its clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from starlette.requests import Request

from console.pages import inbox_operations as ops
from console.views import SignedIn, console_of

PAGE_SIZE: Final = 20
SCAN_PAGE: Final = 100  # the API's largest inbox page
SCAN_PAGES: Final = 5  # API pages read at most for one page on screen when keeping a deadline state


@dataclass(frozen=True, slots=True)
class InboxPage:
    rows: list[dict[str, Any]] = field(default_factory=list)
    next_after: str | None = None  # where "Trang sau" resumes; None at the end
    incomplete: bool = False  # the hub answered with errors besides the data
    forbidden: bool = False
    bad_cursor: bool = False


async def read_inbox(
    request: Request, who: SignedIn, status: str | None, deadline_state: str | None, after: str | None
) -> InboxPage:
    """The transfers of ``who``'s office to show, in the API's order (oldest first)."""
    first = SCAN_PAGE if deadline_state else PAGE_SIZE
    rows: list[dict[str, Any]] = []
    incomplete = False
    for _ in range(SCAN_PAGES if deadline_state else 1):
        variables = {"office": who.principal.agency_code, "status": status, "first": first, "after": after}
        outcome = await console_of(request).hub.execute(request, who.principal, ops.INBOX, variables)
        if outcome.forbidden or "BAD_USER_INPUT" in outcome.codes:
            return InboxPage(forbidden=outcome.forbidden, bad_cursor=not outcome.forbidden)
        incomplete = incomplete or bool(outcome.errors)
        inbox = (outcome.data or {}).get("inbox") or {}
        edges = inbox.get("edges") or []
        page_info = inbox.get("pageInfo") or {}
        for index, edge in enumerate(edges):
            if deadline_state is None or _has(edge["node"], deadline_state):
                rows.append(edge["node"])
            if len(rows) == PAGE_SIZE and deadline_state is not None:
                more = index < len(edges) - 1 or bool(page_info.get("hasNextPage"))
                return InboxPage(rows, edge["cursor"] if more else None, incomplete)
        after = page_info["endCursor"] if page_info.get("hasNextPage") else None
        if after is None:
            break
    return InboxPage(rows, after, incomplete)


def _has(transfer: Mapping[str, Any], state: str) -> bool:
    return any(deadline["state"] == state for deadline in transfer.get("deadlines") or ())
