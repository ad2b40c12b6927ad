"""One page of a court's submissions as the console shows it, read from the court's judgments.

The API lists a court's judgments (newest effective date first), not its transfers; a judgment
transferred through the hub carries its transfer's status in lower case, the others ``registered``.
The console reads the API's pages in order and keeps the transferred judgments (of one status when
asked), at most ``SCAN_PAGES`` API pages for one page on screen; "Trang sau" resumes from the cursor
of the last judgment looked at, so nothing is skipped or shown twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from starlette.requests import Request

from console.pages import court_labels as labels
from console.pages import court_operations as ops
from console.views import SignedIn, console_of

PAGE_SIZE: Final = 20
SCAN_PAGE: Final = 100  # the API's largest page of judgments
SCAN_PAGES: Final = 5  # API pages read at most for one page on screen


@dataclass(frozen=True, slots=True)
class SubmissionsPage:
    rows: list[dict[str, Any]] = field(default_factory=list)  # judgments, ``status`` as a TransferStatus
    next_after: str | None = None  # where "Trang sau" resumes; None at the end
    incomplete: bool = False  # the hub answered with errors besides the data
    forbidden: bool = False
    bad_cursor: bool = False


async def read_submissions(request: Request, who: SignedIn, status: str | None, after: str | None) -> SubmissionsPage:
    """The judgments ``who``'s court transferred through the hub, of ``status`` when given, newest first."""
    rows: list[dict[str, Any]] = []
    incomplete = False
    for _ in range(SCAN_PAGES):
        variables = {"court": who.principal.agency_code, "first": SCAN_PAGE, "after": after}
        outcome = await console_of(request).hub.execute(request, who.principal, ops.SUBMISSIONS, variables)
        if outcome.forbidden or "BAD_USER_INPUT" in outcome.codes:
            return SubmissionsPage(forbidden=outcome.forbidden, bad_cursor=not outcome.forbidden)
        incomplete = incomplete or bool(outcome.errors)
        found = (outcome.data or {}).get("judgments") or {"edges": [], "pageInfo": {"hasNextPage": False}}
        edges = found["edges"]
        for index, edge in enumerate(edges):
            kept = _kept(edge["node"], status)
            if kept is not None:
                rows.append(kept)
            if len(rows) == PAGE_SIZE:
                more = index < len(edges) - 1 or found["pageInfo"]["hasNextPage"]
                return SubmissionsPage(rows, edge["cursor"] if more else None, incomplete)
        after = found["pageInfo"]["endCursor"] if found["pageInfo"]["hasNextPage"] else None
        if after is None:
            break
    return SubmissionsPage(rows, after, incomplete)


def _kept(judgment: Mapping[str, Any], status: str | None) -> dict[str, Any] | None:
    """The judgment with its transfer's status, if it was transferred (and is of ``status`` when given)."""
    transfer_status = str(judgment.get("status") or "").upper()
    if transfer_status not in labels.STATUS or (status is not None and transfer_status != status):
        return None
    return {**judgment, "status": transfer_status}
