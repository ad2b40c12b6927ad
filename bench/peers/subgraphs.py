"""Thin Strawberry federation subgraphs for the peer gateways of judgment-360 (bench/README.md).

Four subgraphs, each its own uvicorn process on a loopback port, that the peers (Apollo
Gateway, Hive Gateway) federate into the same answer as the hub's ``judgments`` query:

- ``registry``: ``judgments(filter, first, after)`` from the hub's ledger database with the
  hub's registry code (``ledger.judgments.JudgmentRegistry``: same conditions, keyset order
  and cursors), the ``Judgment`` entity's registry fields, and the ``Agency`` entity
  (``@key(fields: "code")``) read through the hub's agency DataLoader;
- ``court``, ``enforcement``, ``procuracy``: the ``Judgment`` entity (``@key(fields: "id")``)
  extended with what that agency's system says, resolved through the project's HTTP adapter
  for the agency and a per-request DataLoader over it (``resolvers.dataloaders.agency_systems``),
  so one ``_entities`` call for 50 judgments is one batch call to the agency, as in the hub.
  The procuracy's records name their procuracy by ``code`` only; the gateway asks the
  registry for its name (one more hop, as federation does it).

Types the hub defines without context (parties, obligations, court details, decisions) are
imported from ``schema.types.judgment``; the others are restated thinly here, because the
hub's own ``Agency`` type (parent, successor, …) is not the federated one.

What they leave out, as the limit does: no token check, no access policy (everything is
answered as to the ministry, whose view of parties is unmasked), no audit of personal reads,
no error masking.

Run: ``python -m bench.peers.subgraphs registry --port P --database /path/hub.db`` or
``python -m bench.peers.subgraphs court --port P --agency URL API_KEY`` (loopback only).
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import strawberry
import uvicorn
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.dataloader import DataLoader
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet
from strawberry.schema.config import StrawberryConfig

from adapters.base import AgencyAdapter
from adapters.config import HttpAgencyConfig
from adapters.court import HttpCourtAdapter
from adapters.enforcement import HttpEnforcementAdapter
from adapters.procuracy import HttpProcuracyAdapter
from domain import types as d
from domain.access import Role
from domain.clock import Clock
from ledger.agencies import AgencyRepository
from ledger.db import create_engine, session_factory
from ledger.judgments import JudgmentRegistry
from resolvers.dataloaders.agency_systems import adapter_loader
from resolvers.judgments import MAX_PAGE, registry_filter
from schema.enums import CaseStatus, CaseType, Instance, SupervisionKind
from schema.inputs import JudgmentFilter
from schema.scalars import SCALARS, VND
from schema.types.judgment import CourtDetails, EnforcementDecision, Obligation, Party

ROLES = ("registry", "court", "enforcement", "procuracy")
ADAPTERS: dict[str, Callable[..., AgencyAdapter[Any, Any]]] = {
    "court": HttpCourtAdapter,
    "enforcement": HttpEnforcementAdapter,
    "procuracy": HttpProcuracyAdapter,
}
MINISTRY = frozenset({Role.MINISTRY})  # the bench's principal: what the hub shows it, the peers show everyone


@dataclass(slots=True)
class PeerContext:
    """Per request: fresh DataLoaders (a loader's cache must not outlive its request)."""

    agencies: Mapping[str, d.Agency] | None = None  # registry: the organisation, loaded at start as the hub does
    records: DataLoader[d.JudgmentKey, Any] | None = None  # an agency's system
    sessions: async_sessionmaker[AsyncSession] | None = None
    request: Any = None
    response: Any = None


Info = strawberry.Info[PeerContext, None]


def judgment_key(judgment_id: str) -> d.JudgmentKey:
    """``<court code>:<number>`` → the key the agencies know the judgment by."""
    court_code, _, number = judgment_id.partition(":")
    return d.JudgmentKey(court_code, number)


# --- registry -------------------------------------------------------------------------------


@strawberry.federation.type(keys=["code"], name="Agency")
class AgencyEntity:
    code: strawberry.ID
    name: str
    valid_to: strawberry.Private[date | None]

    @strawberry.field
    def active(self) -> bool:
        return self.valid_to is None or self.valid_to >= Clock().today()

    @classmethod
    def resolve_reference(cls, info: Info, code: strawberry.ID) -> AgencyEntity | None:
        return load_agency(info, str(code))


def load_agency(info: Info, code: str | None) -> AgencyEntity | None:
    organisation = info.context.agencies
    assert organisation is not None
    found = None if code is None else organisation.get(code)
    return (
        None
        if found is None
        else AgencyEntity(code=strawberry.ID(found.code), name=found.name, valid_to=found.valid_to)
    )


@strawberry.federation.type(keys=["id"], name="Judgment")
class RegistryJudgment:
    id: strawberry.ID
    number: str
    case_type: CaseType
    instance: Instance
    effective_on: date
    status: str
    court_code: strawberry.Private[str]
    enforcement_agency_code: strawberry.Private[str]
    enforcement_office_code: strawberry.Private[str | None]
    procuracy_code: strawberry.Private[str]

    @strawberry.field
    def court(self, info: Info) -> AgencyEntity | None:
        return load_agency(info, self.court_code)

    @strawberry.field
    def enforcement_agency(self, info: Info) -> AgencyEntity | None:
        return load_agency(info, self.enforcement_agency_code)

    @strawberry.field
    def enforcement_office(self, info: Info) -> AgencyEntity | None:
        return load_agency(info, self.enforcement_office_code)

    @strawberry.field
    def procuracy(self, info: Info) -> AgencyEntity | None:
        return load_agency(info, self.procuracy_code)


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class JudgmentEdge:
    cursor: str
    node: RegistryJudgment


@strawberry.type
class JudgmentConnection:
    edges: list[JudgmentEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class RegistryQuery:
    @strawberry.field
    async def judgments(
        self, info: Info, filter: JudgmentFilter | None = None, first: int = 20, after: str | None = None
    ) -> JudgmentConnection:
        if not 1 <= first <= MAX_PAGE:
            raise ValueError(f"first must be between 1 and {MAX_PAGE}")
        sessions = info.context.sessions
        assert sessions is not None
        wanted = registry_filter(filter)
        async with sessions() as session:
            registry = JudgmentRegistry(session)
            page = await registry.search(wanted, first=first, after=after)
            total = await registry.count(wanted)
        edges = [
            JudgmentEdge(
                cursor=cursor,
                node=RegistryJudgment(
                    id=strawberry.ID(e.id),
                    number=e.number,
                    case_type=d.CaseType(e.case_type),
                    instance=d.Instance(e.instance),
                    effective_on=e.effective_on,
                    status=e.status,
                    court_code=e.court_code,
                    enforcement_agency_code=e.enforcement_agency_code,
                    enforcement_office_code=e.enforcement_office_code,
                    procuracy_code=e.procuracy_code,
                ),
            )
            for e, cursor in zip(page.items, page.cursors, strict=True)
        ]
        info_ = PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=after is not None,
            start_cursor=page.start_cursor,
            end_cursor=page.end_cursor,
        )
        return JudgmentConnection(edges=edges, page_info=info_, total_count=total)


# --- the agencies' systems ------------------------------------------------------------------


async def load_record(info: Info, judgment_id: str) -> Any:
    loader = info.context.records
    assert loader is not None
    return await loader.load(judgment_key(judgment_id))


@strawberry.federation.type(keys=["id"], name="Judgment")
class CourtJudgment:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> CourtJudgment:
        return cls(id=id)

    @strawberry.field
    async def parties(self, info: Info) -> list[Party] | None:
        found = await load_record(info, self.id)
        return None if found is None else [Party.from_domain(p, MINISTRY) for p in found.parties]

    @strawberry.field
    async def obligations(self, info: Info) -> list[Obligation] | None:
        found = await load_record(info, self.id)
        return None if found is None else [Obligation.from_domain(o) for o in found.obligations]

    @strawberry.field
    async def court_details(self, info: Info) -> CourtDetails | None:
        found = await load_record(info, self.id)
        return None if found is None else CourtDetails.from_domain(found)


@strawberry.type
class EnforcementCase:
    case_number: str
    accepted_on: date
    status: CaseStatus
    amount_due: VND
    amount_collected: VND
    decisions: list[EnforcementDecision]


@strawberry.federation.type(keys=["id"], name="Judgment")
class EnforcementJudgment:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> EnforcementJudgment:
        return cls(id=id)

    @strawberry.field
    async def enforcement_case(self, info: Info) -> EnforcementCase | None:
        c = await load_record(info, self.id)
        if c is None:
            return None
        return EnforcementCase(
            case_number=c.case_number,
            accepted_on=c.accepted_on,
            status=c.status,
            amount_due=VND(c.amount_due),
            amount_collected=VND(c.amount_collected),
            decisions=[EnforcementDecision.from_domain(x) for x in c.decisions],
        )


@strawberry.federation.type(keys=[Key(fields=FieldSet("code"), resolvable=False)], name="Agency")
class AgencyReference:
    code: strawberry.ID


@strawberry.type
class SupervisionRecord:
    number: str
    kind: SupervisionKind
    issued_on: date
    summary: str
    reply_due: date | None
    replied_on: date | None
    procuracy: AgencyReference | None


@strawberry.federation.type(keys=["id"], name="Judgment")
class ProcuracyJudgment:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ProcuracyJudgment:
        return cls(id=id)

    @strawberry.field
    async def supervision(self, info: Info) -> list[SupervisionRecord] | None:
        found = await load_record(info, self.id)
        return [
            SupervisionRecord(
                number=r.number,
                kind=r.kind,
                issued_on=r.issued_on,
                summary=r.summary,
                reply_due=r.reply_due,
                replied_on=r.replied_on,
                procuracy=AgencyReference(code=strawberry.ID(r.procuracy_code)),
            )
            for r in found
        ]


ENTITIES: dict[str, type] = {
    "court": CourtJudgment,
    "enforcement": EnforcementJudgment,
    "procuracy": ProcuracyJudgment,
}


def build_schema(role: str) -> strawberry.federation.Schema:
    config = StrawberryConfig(scalar_map=SCALARS)
    if role == "registry":
        return strawberry.federation.Schema(query=RegistryQuery, types=[AgencyEntity], config=config)
    return strawberry.federation.Schema(types=[ENTITIES[role]], config=config)  # Query: _entities, _service


# --- the apps -------------------------------------------------------------------------------


class SubgraphGraphQL(GraphQL[PeerContext, None]):
    """Strawberry's ASGI view with a fresh :class:`PeerContext` per request."""

    def __init__(self, schema: strawberry.federation.Schema, make_context: Any) -> None:
        super().__init__(schema, graphql_ide=None)
        self._make_context = make_context

    async def get_context(self, request: Any, response: Any) -> PeerContext:
        context: PeerContext = self._make_context()
        context.request, context.response = request, response
        return context


async def healthz(request: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


def create_registry_app(database: Path) -> Starlette:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    sessions = session_factory(engine)
    organisation: dict[str, d.Agency] = {}
    view = SubgraphGraphQL(build_schema("registry"), lambda: PeerContext(agencies=organisation, sessions=sessions))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with sessions() as session:  # the organisation in memory, as the hub holds it
            organisation.update(await AgencyRepository(session).all_by_code())
        try:
            yield
        finally:
            await engine.dispose()

    return Starlette(routes=[Route("/graphql", view), Route("/healthz", healthz)], lifespan=lifespan)


def create_agency_app(role: str, config: HttpAgencyConfig) -> Starlette:
    """The agency's adapter over one ClientSession with the hub's pool settings, built in the lifespan."""
    adapter: dict[str, AgencyAdapter[Any, Any]] = {}
    view = SubgraphGraphQL(build_schema(role), lambda: PeerContext(records=adapter_loader(adapter["one"])))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=200, limit_per_host=64, ttl_dns_cache=300),
            json_serialize=lambda obj: orjson.dumps(obj).decode(),
        ) as http:
            adapter["one"] = ADAPTERS[role](http, config, None)
            yield

    return Starlette(routes=[Route("/graphql", view), Route("/healthz", healthz)], lifespan=lifespan)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peers.subgraphs", description=__doc__.splitlines()[0])
    parser.add_argument("role", choices=ROLES)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database", type=Path, help="registry: the hub's SQLite file")
    parser.add_argument("--agency", nargs=2, metavar=("URL", "API_KEY"), help="court/enforcement/procuracy")
    parser.add_argument("--timeout", type=float, default=2.0, help="adapter timeout in seconds (the hub's default)")
    args = parser.parse_args(argv)
    if args.role == "registry":
        if args.database is None:
            parser.error("registry needs --database")
        app = create_registry_app(args.database)
    else:
        if args.agency is None:
            parser.error(f"{args.role} needs --agency URL API_KEY")
        url, key = args.agency
        app = create_agency_app(args.role, HttpAgencyConfig(url.rstrip("/"), api_key=key, timeout_s=args.timeout))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
