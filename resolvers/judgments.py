"""`judgment`, `judgments`: reads of the registry, stitched with the agencies' systems."""

from __future__ import annotations

import asyncio
import dataclasses

import strawberry

from domain.errors import BadInput
from domain.messages import msg
from domain.provinces import province_slug
from domain.types import CaseType
from ledger.judgments import JudgmentFilter as RegistryFilter
from ledger.judgments import JudgmentRegistry, RegistryEntry
from resolvers.context import Context
from resolvers.lookahead import selected_below
from resolvers.stitching import stitch
from schema.inputs import JudgmentFilter
from schema.types.judgment import Judgment
from schema.types.pagination import JudgmentConnection, JudgmentEdge, PageInfo, check_first

MAX_PAGE = 100


def judgment_codes(entry: RegistryEntry) -> tuple[str, ...]:
    """The agencies a judgment involves, for access checks (as the registry's ``codes_any`` filter)."""
    codes = (entry.court_code, entry.current_court_code, entry.enforcement_agency_code, entry.procuracy_code)
    return (*codes, entry.enforcement_office_code) if entry.enforcement_office_code else codes


def registry_filter(f: JudgmentFilter | None, in_reach: frozenset[str] | None = None) -> RegistryFilter:
    """The registry criteria for ``f``, limited to the agencies in reach (``None``: no limit)."""
    if f is None:
        return RegistryFilter(codes_any=in_reach)
    if f.effective_from and f.effective_to and f.effective_from > f.effective_to:
        raise BadInput(msg("effectiveFrom is after effectiveTo"))
    party = (f.party or "").strip() or None
    if party is not None and len(party) > 200:
        raise BadInput(msg("party search text is longer than {limit} characters", limit=200))
    return RegistryFilter(
        court_code=str(f.court) if f.court else None,
        enforcement_agency_code=str(f.enforcement_agency) if f.enforcement_agency else None,
        procuracy_code=str(f.procuracy) if f.procuracy else None,
        province_code=f.province,
        case_type=CaseType(f.case_type).value if f.case_type else None,
        effective_from=f.effective_from,
        effective_to=f.effective_to,
        party=party,
        codes_any=in_reach,
    )


@strawberry.type
class JudgmentQueries:
    @strawberry.field(description="One judgment by id (<court code>:<number>).")
    async def judgment(self, info: strawberry.Info[Context, None], id: strawberry.ID) -> Judgment | None:
        ctx = info.context
        entry = await ctx.loaders.judgment.load(str(id))
        if entry is None or not ctx.policy.reaches(ctx.principal, "judgment", judgment_codes(entry)):
            return None  # out of reach reads as absent: existence is not revealed
        (found,) = await stitch(info, [entry])
        return found

    @strawberry.field(
        description=f"Judgments matching the filter, newest effective date first; at most {MAX_PAGE} a page."
    )
    async def judgments(
        self,
        info: strawberry.Info[Context, None],
        filter: JudgmentFilter | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> JudgmentConnection:
        check_first(first, MAX_PAGE)
        ctx = info.context
        if filter is not None and filter.province is not None:  # as people write it; unknown: BAD_USER_INPUT
            filter = dataclasses.replace(filter, province=province_slug(filter.province, ctx.policy.provinces))
        wanted = registry_filter(filter, ctx.policy.records_in_reach(ctx.principal, "judgments"))
        # The count does not depend on the page: asked for, it runs meanwhile on its own connection.
        count = asyncio.ensure_future(count_judgments(ctx, wanted)) if "totalCount" in selected_below(info) else None
        try:
            async with ctx.sessions() as session:
                try:
                    page = await JudgmentRegistry(session).search(wanted, first=first, after=after)
                except ValueError as exc:
                    raise BadInput.of(exc) from exc
            for entry in page.items:  # prime the loader: a later judgment(id) in the same request costs nothing
                ctx.loaders.judgment.prime(entry.id, entry)
            nodes = await stitch(info, page.items, "edges", "node")
        except BaseException:
            if count is not None:
                count.cancel()
            raise
        return JudgmentConnection(
            edges=[JudgmentEdge(cursor=c, node=n) for n, c in zip(nodes, page.cursors, strict=True)],
            page_info=PageInfo.of(page, after),
            registry_filter=wanted,
            counting=count,
        )


async def count_judgments(ctx: Context, wanted: RegistryFilter) -> int:
    async with ctx.sessions() as session:
        return await JudgmentRegistry(session).count(wanted)
