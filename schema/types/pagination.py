"""Relay-style connections."""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry

from domain.errors import BadInput
from domain.messages import msg
from ledger.judgments import JudgmentFilter as RegistryFilter
from ledger.judgments import JudgmentRegistry
from ledger.paging import Page
from schema.context import Info
from schema.types.judgment import Judgment


def check_first(first: int, limit: int) -> None:
    """BAD_USER_INPUT unless ``first`` is a page size of 1..``limit`` (never silently clamped)."""
    if not 1 <= first <= limit:
        raise BadInput(msg("first must be between 1 and {limit}", limit=limit))


@strawberry.type(description="Relay page information; cursors are opaque.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None

    @classmethod
    def of(cls, page: Page[Any], after: str | None) -> PageInfo:
        """The page info of a ledger page read after the cursor ``after``."""
        return cls(
            has_next_page=page.has_next_page,
            has_previous_page=after is not None,
            start_cursor=page.start_cursor,
            end_cursor=page.end_cursor,
        )


@strawberry.type
class JudgmentEdge:
    cursor: str
    node: Judgment


@strawberry.type(description="A page of judgments, newest effective date first.")
class JudgmentConnection:
    edges: list[JudgmentEdge]
    page_info: PageInfo
    registry_filter: strawberry.Private[RegistryFilter]
    counting: strawberry.Private[asyncio.Future[int] | None] = None  # started with the page when asked for

    @strawberry.field(description="Number of judgments matching the filter (all pages).")
    async def total_count(self, info: Info) -> int:
        if self.counting is not None:
            return await self.counting
        async with info.context.sessions() as session:
            return await JudgmentRegistry(session).count(self.registry_filter)
