"""What the ``lienthong`` subcommands do (the parsing lives in ``gateway.cli``)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import aiohttp

from adapters.config import HttpAgencyConfig
from adapters.court import HttpCourtAdapter
from domain.access import Role
from gateway.identity import TokenIssuer, ensure_keypair
from gateway.registry_sync import SyncReport, sync_judgments
from gateway.settings import Settings, SettingsError
from ledger.db import create_engine, session_factory
from ledger.migrate import upgrade_sync
from ledger.reference import load_organisation, seed_agencies

log = logging.getLogger("lienthong")


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def serve(settings: Settings, workers: int = 1) -> int:
    import uvicorn

    configure_logging(settings.log_level)
    uvicorn.run(
        "gateway.asgi:app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_level=settings.log_level,
        timeout_graceful_shutdown=10,
        proxy_headers=False,
    )
    return 0


def migrate(settings: Settings) -> int:
    upgrade_sync(settings.database_url)
    print("database is at the latest migration")
    return 0


async def seed(settings: Settings) -> int:
    agencies = load_organisation(settings.data_dir)
    engine = create_engine(settings.database_url)
    try:
        await seed_agencies(session_factory(engine), agencies)
    finally:
        await engine.dispose()
    print(f"{len(agencies)} agencies in the registry")
    return 0


def _progress(report: SyncReport) -> None:
    print(f"\r  judgments registered: {report.registered:>9,}", end="", file=sys.stderr, flush=True)


async def sync(settings: Settings) -> int:
    if settings.court is None:
        raise SettingsError("LIENTHONG_COURT_URL and LIENTHONG_COURT_API_KEY must be set")
    engine = create_engine(settings.database_url)
    try:
        async with aiohttp.ClientSession() as http:
            court = HttpCourtAdapter(
                http,
                HttpAgencyConfig(
                    settings.court.base_url, settings.court.api_key, timeout_s=max(settings.adapter_timeout_s, 30.0)
                ),
            )
            report = await sync_judgments(court, session_factory(engine), progress=_progress)
    finally:
        await engine.dispose()
    print(file=sys.stderr)
    print(f"registered {report.registered}, malformed {report.malformed}, unroutable {report.unroutable}")
    return 0


def token(
    settings: Settings, agency: str, roles: Sequence[Role], *, person: str | None = None, ttl_s: int = 12 * 3600
) -> str:
    if settings.demo:
        ensure_keypair(settings.issuer_private_key, settings.issuer_public_key)
    if not settings.issuer_private_key.exists():
        raise SettingsError(
            f"no issuer key at {settings.issuer_private_key}; tokens are issued only with the demo issuer key"
        )
    issuer = TokenIssuer.from_file(settings.issuer_private_key, settings.token_issuer, settings.token_audience)
    return issuer.issue(agency, roles, person=person, ttl_s=ttl_s)


def schema(check: str | None = None) -> int:
    from schema.build import schema_sdl

    sdl = schema_sdl()
    if check is None:
        sys.stdout.write(sdl)
        return 0
    current = Path(check).read_text(encoding="utf-8") if Path(check).exists() else ""
    if current != sdl:
        print(f"{check} is out of date: run `lienthong schema > {check}`", file=sys.stderr)
        return 1
    return 0


DEMO_PRINCIPALS: tuple[tuple[str, str, tuple[Role, ...]], ...] = (
    ("court clerk", "court.ha-noi.kv01", (Role.COURT_CLERK,)),
    ("enforcement agency", "enforcement.ha-noi", (Role.ENFORCEMENT_CLERK,)),
    ("procuracy", "procuracy.ha-noi.kv01", (Role.PROCURACY,)),
    ("ministry", "ministry.justice", (Role.MINISTRY, Role.OPERATOR, Role.AUDITOR)),
)

EXAMPLE_QUERIES = (
    "{ me { agencyCode roles agency { name } } }",
    '{ judgments(first: 5, filter: {party: "nguyen van"}) { totalCount edges { node { id number court { name } '
    "enforcementAgency { name } } } } }",
    '{ judgment(id: "%s") { number court { name active successor { name } } enforcementAgency { name } '
    "parties { name role } obligations { kind amount } enforcementCase { status amountDue amountCollected "
    "decisions { number officer } } supervision { kind number summary } } }",
)


async def demo(*, port: int, judgments: int, world_seed: int, var: Path) -> int:
    """Reference agencies as local processes, the hub in this process, all on 127.0.0.1."""
    import uvicorn

    from agencies.topology import Topology
    from gateway.app import create_app
    from gateway.settings import AgencyEndpoint
    from ledger.judgments import JudgmentFilter, JudgmentRegistry
    from ledger.migrate import upgrade

    configure_logging("warning")
    print(f"Starting the reference agency services ({judgments:,} judgments, seed {world_seed}) …", flush=True)
    async with Topology(
        judgments=judgments, seed=world_seed, log_dir=var / "log", personnel_db=var / "personnel.db"
    ) as topo:
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{var / 'lienthong.db'}",
            mode="demo",
            port=port,
            keys_dir=var / "keys",
            court=AgencyEndpoint(topo.court.base_url, topo.court.api_key),
            enforcement=AgencyEndpoint(topo.enforcement.base_url, topo.enforcement.api_key),
            procuracy=AgencyEndpoint(topo.procuracy.base_url, topo.procuracy.api_key),
            personnel_database_url=topo.personnel_url,
        )
        print("Migrating the hub's database and seeding the organisation …", flush=True)
        await upgrade(settings.database_url)
        await seed(settings)
        print("Importing the court system's judgments into the registry …", flush=True)
        await sync(settings)
        engine = create_engine(settings.database_url)
        try:
            async with session_factory(engine)() as session:
                page = await JudgmentRegistry(session).search(JudgmentFilter(court_code="court.ha-noi.kv01"), first=1)
        finally:
            await engine.dispose()
        example_id = page.items[0].id if page.items else "court.ha-noi.kv01:1/2026/DS-ST"
        _print_welcome(settings, example_id)
        server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
        await server.serve()
        if not server.started:
            print(f"lienthong: could not listen on 127.0.0.1:{port}; try `lienthong demo --port 8080`", file=sys.stderr)
            return 1
    return 0


def _print_welcome(settings: Settings, example_id: str) -> None:
    url = f"http://127.0.0.1:{settings.port}"
    print(f"\nLiên thông is running.\n  GraphiQL: {url}/graphql\n  Health:   {url}/healthz   Ready: {url}/readyz\n")
    print('Demo tokens (paste into GraphiQL\'s Headers tab as {"Authorization": "Bearer <token>"}):')
    for label, agency, roles in DEMO_PRINCIPALS:
        print(f"\n  {label} — {agency} ({', '.join(r.value for r in roles)}):\n  {token(settings, agency, roles)}")
    print("\nExample queries:")
    for q in EXAMPLE_QUERIES:
        print(f"\n  {q.replace('%s', example_id) if '%s' in q else q}")
    print(
        f"\nWith curl:\n  curl -s {url}/graphql -H \"Authorization: Bearer $TOKEN\" -H 'content-type: application/json' "
        '-d \'{"query":"{ me { agencyCode roles } }"}\'\n\nCtrl-C stops the hub and the agency services.\n',
        flush=True,
    )
