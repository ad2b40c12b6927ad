"""The "judgment-360" workload: one GraphQL query, many variables (filters × pages).

Every request asks for a page of judgments with everything the hub stitches: the
registry entry, the agencies it names (court, enforcement agency and office,
procuracy), the court system's details, parties and obligations, the enforcement
case with its decisions, and the procuracy's supervision records.

The variables come from a pool of filters (each province, each case type, some
province × case type pairs, some party-name searches) and up to ``pages`` pages of
each, so successive requests ask for different judgments. Cursors for pages 2…n
are computed before the run from the hub's own database with the hub's registry
code, so both targets receive byte-identical request bodies.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import select

from domain.types import CaseType
from ledger.db import create_engine, session_factory
from ledger.judgments import JUDGMENTS, JudgmentRegistry
from ledger.judgments import JudgmentFilter as RegistryFilter

SCENARIO = "judgment-360"

QUERY = """
query Judgment360($filter: JudgmentFilter, $first: Int!, $after: String) {
  judgments(first: $first, filter: $filter, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id number caseType instance effectiveOn status
        court { code name active }
        enforcementAgency { code name }
        enforcementOffice { code name }
        procuracy { code name }
        courtDetails { courtName judge summary adjudicatedOn document { name sha256 } }
        parties { name role kind address citizenId taxCode }
        obligations { kind description exOfficio amount beneficiary }
        enforcementCase {
          caseNumber acceptedOn status amountDue amountCollected
          decisions { number issuedOn kind officer }
        }
        supervision { number kind issuedOn summary replyDue repliedOn procuracy { code name } }
      }
    }
  }
}
""".strip()

PARTY_SEARCHES = ("nguyen van", "tran thi", "cong ty", "le hoang", "pham")


def registry_filter(graphql_filter: dict[str, Any]) -> RegistryFilter:
    """The registry filter the hub derives from a GraphQL ``JudgmentFilter`` (the subset used here)."""
    case_type = graphql_filter.get("caseType")
    return RegistryFilter(
        province_code=graphql_filter.get("province"),
        case_type=CaseType[case_type] if case_type else None,
        party=graphql_filter.get("party"),
    )


def _filters(provinces: Sequence[str], rng: random.Random) -> list[dict[str, Any]]:
    case_types = [kind.name for kind in CaseType]
    filters: list[dict[str, Any]] = [{"province": p} for p in provinces]
    filters += [{"caseType": t} for t in case_types]
    filters += [{"province": p, "caseType": rng.choice(case_types)} for p in rng.sample(list(provinces), 12)]
    filters += [{"party": text} for text in PARTY_SEARCHES]
    filters += [{"party": text, "province": rng.choice(provinces)} for text in PARTY_SEARCHES[:3]]
    return filters


async def build_variables(database_url: str, *, first: int, pages: int, seed: int) -> list[dict[str, Any]]:
    """The pool of GraphQL variables, shuffled with ``seed``; empty answers are left out."""
    rng = random.Random(seed)
    engine = create_engine(database_url)
    pool: list[dict[str, Any]] = []
    try:
        async with session_factory(engine)() as session:
            rows = await session.execute(
                select(JUDGMENTS.c.province_code).distinct().order_by(JUDGMENTS.c.province_code)
            )
            provinces = [row[0] for row in rows]
            if not provinces:
                raise RuntimeError("the registry is empty: did the sync run?")
            registry = JudgmentRegistry(session)
            for graphql_filter in _filters(provinces, rng):
                after: str | None = None
                for _ in range(pages):
                    page = await registry.search(registry_filter(graphql_filter), first=first, after=after)
                    if not page.items:
                        break
                    pool.append({"filter": graphql_filter, "first": first, "after": after})
                    if not page.has_next_page:
                        break
                    after = page.end_cursor
    finally:
        await engine.dispose()
    rng.shuffle(pool)
    return pool


def request_bodies(pool: Sequence[dict[str, Any]]) -> list[bytes]:
    """Pre-encoded POST bodies (the load generator should not spend its CPU on encoding)."""
    return [orjson.dumps({"query": QUERY, "variables": variables}) for variables in pool]


JUDGMENT_MARKER = b'"cursor"'
"""Occurs once per judgment in an answer (each edge's cursor; pageInfo's is ``endCursor``): what wrk counts."""


def check_answer(body: bytes) -> tuple[str | None, int]:
    """``(error, judgments)``: an error description (None when fine) and how many judgments came back."""
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        return "answer is not JSON", 0
    if not isinstance(doc, dict):
        return "answer is not a JSON object", 0
    errors = doc.get("errors")
    edges = ((doc.get("data") or {}).get("judgments") or {}).get("edges")
    count = len(edges) if isinstance(edges, list) else 0
    if errors:
        first = errors[0] if isinstance(errors, list) and errors else {}
        code = (first.get("extensions") or {}).get("code") if isinstance(first, dict) else None
        message = first.get("message") if isinstance(first, dict) else str(first)
        return f"GraphQL error {code or ''}: {message}".strip(), count
    if not isinstance(edges, list):
        return "no data.judgments.edges in the answer", 0
    if not edges:
        return "empty page", 0
    return None, count
