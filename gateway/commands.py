"""What the ``lienthong`` subcommands do (the parsing lives in ``gateway.cli``)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import secrets
import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import orjson

from adapters.config import HttpAgencyConfig
from adapters.court import HttpCourtAdapter
from domain.access import Role
from domain.organisation import MINISTRY_OF_JUSTICE
from domain.people import HolderKind
from domain.receipts import verify_receipt
from domain.signatures import KeyFormatError, public_key_from_b64
from domain.signatures import public_key_b64 as encode_public_key
from gateway import demo_settings
from gateway.identity import TokenIssuer, ensure_keypair, load_private_key
from gateway.registry_sync import SyncReport, sync_judgments
from gateway.settings import DEFAULT_OIDC_CLIENT_ID, OidcSettings, Settings, SettingsError
from ledger.db import create_engine, session_factory, write_transaction
from ledger.grants import Actor, Grants
from ledger.keys import CourtKeys
from ledger.migrate import upgrade_sync
from ledger.reference import load_organisation, seed_agencies

log = logging.getLogger("lienthong")


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")


# Longer than any client's idle keep-alive (aiohttp keeps idle connections 15 s, browsers and load balancers
# up to 60 s): a client must never reuse a connection the hub closed a moment before (ECONNRESET on the next request).
KEEP_ALIVE_S = 75


def serve(settings: Settings, workers: int = 1) -> int:
    """The hub on ``settings.host:port``; several workers each accept on a socket of their own (gateway/workers.py)."""
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    from gateway.workers import reuse_port_available, supervise

    configure_logging(settings.log_level)
    config = uvicorn.Config(
        "gateway.asgi:app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        timeout_graceful_shutdown=10,
        timeout_keep_alive=KEEP_ALIVE_S,
        proxy_headers=False,
    )
    if workers > 1 and reuse_port_available():
        return supervise(config, workers, functools.partial(configure_logging, settings.log_level))
    # One process, or uvicorn's own supervisor where the kernel does not balance SO_REUSEPORT sockets.
    config.workers = workers
    if workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
        return 0
    server = uvicorn.Server(config)
    server.run()
    return 0 if server.started else STARTUP_FAILURE


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
            report = await sync_judgments(court, session_factory(engine), settings.clock(), progress=_progress)
    finally:
        await engine.dispose()
    print(file=sys.stderr)
    print(f"registered {report.registered}, malformed {report.malformed}, unroutable {report.unroutable}")
    return 0


def token(
    settings: Settings,
    agency: str,
    roles: Sequence[Role],
    *,
    person: str | None = None,
    client: str | None = None,
    ttl_s: int = 12 * 3600,
) -> str:
    """A token signed with the demo issuer key (``lienthong token`` checks the registry first)."""
    if settings.demo:
        ensure_keypair(settings.issuer_private_key, settings.issuer_public_key)
    if not settings.issuer_private_key.exists():
        raise SettingsError(
            f"no issuer key at {settings.issuer_private_key}; tokens are issued only with the demo issuer key"
        )
    issuer = TokenIssuer.from_file(settings.issuer_private_key, settings.token_issuer, settings.token_audience)
    return issuer.issue(agency, roles, person=person, client=client, ttl_s=ttl_s)


def schema(check: str | None = None) -> int:
    from resolvers.build import schema_sdl

    sdl = schema_sdl()
    if check is None:
        sys.stdout.write(sdl)
        return 0
    current = Path(check).read_text(encoding="utf-8") if Path(check).exists() else ""
    if current != sdl:
        print(f"{check} is out of date: run `lienthong schema > {check}`", file=sys.stderr)
        return 1
    return 0


FEED_COURT = "court.ha-noi.kv01"
FEED_OFFICE = "enforcement.ha-noi.kv01"

FEED_CLIENT = f"{FEED_COURT}.submitter"  # the reference court's system, a registered client


@dataclass(frozen=True, slots=True)
class DemoPerson:
    label: str
    person: str  # id in the registry, the token's ``person`` claim
    name: str
    agency: str
    roles: tuple[Role, ...]


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("court clerk", "nguyen.thi.lan", "Nguyễn Thị Lan", "court.ha-noi.kv01", (Role.COURT_CLERK,)),
    DemoPerson("enforcement office", "tran.van.minh", "Trần Văn Minh", FEED_OFFICE, (Role.ENFORCEMENT_CLERK,)),
    DemoPerson("procuracy", "le.thu.ha", "Lê Thu Hà", "procuracy.ha-noi.kv01", (Role.PROCURACY,)),
    DemoPerson("personnel department", "vu.thi.hanh", "Vũ Thị Hạnh", "enforcement.ha-noi", (Role.PERSONNEL,)),
    DemoPerson("steering committee", "hoang.minh.duc", "Hoàng Minh Đức", "committee.ha-noi", (Role.COMMITTEE,)),
    DemoPerson(
        "ministry", "pham.quoc.bao", "Phạm Quốc Bảo", "ministry.justice", (Role.MINISTRY, Role.OPERATOR, Role.AUDITOR)
    ),
)


async def seed_demo_people(settings: Settings) -> None:
    """The demo's people and the reference court's system client, with their grants (idempotent: a restarted
    demo finds them registered), as an operator would with ``lienthong people``."""
    engine = create_engine(settings.database_url)
    by, now = Actor("demo setup", MINISTRY_OF_JUSTICE), settings.clock().now()
    holders = [(p.person, p.name, p.agency, HolderKind.PERSON, p.roles) for p in DEMO_PEOPLE]
    holders.append((FEED_CLIENT, "Hệ thống gửi bản án (demo)", FEED_COURT, HolderKind.CLIENT, (Role.COURT_CLERK,)))
    try:
        async with write_transaction(session_factory(engine)) as session:
            registry = Grants(session)
            for holder_id, name, agency, kind, roles in holders:
                await registry.add(holder_id, name, agency, kind, by, now)
                for role in roles:
                    await registry.grant(holder_id, role, agency, by, now)
    finally:
        await engine.dispose()


EXAMPLE_QUERIES = (
    "{ me { agencyCode roles agency { name } } }",
    '{ judgments(first: 5, filter: {party: "nguyen van"}) { totalCount edges { node { id number court { name } '
    "enforcementAgency { name } } } } }",
    '{ judgment(id: "%s") { number court { name active successor { name } } enforcementAgency { name } '
    "parties { name role } obligations { kind amount } enforcementCase { status amountDue amountCollected "
    "decisions { number officer } } supervision { kind number summary } } }",
)


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could listen on ``host:port`` now (checked before minutes of seeding, not after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME_WAIT is no obstacle
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


async def demo(*, port: int, judgments: int, world_seed: int, var: Path, feed_every_s: float = 5.0) -> int:
    """Reference agencies as local processes, the hub in this process, all on 127.0.0.1."""
    import uvicorn
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from agencies.court.submitter import FeedSettings, run_feed
    from agencies.topology import Topology
    from gateway.app import create_app
    from gateway.settings import AgencyEndpoint
    from ledger.judgments import JudgmentFilter, JudgmentRegistry
    from ledger.migrate import upgrade

    configure_logging("warning")
    if not port_is_free("127.0.0.1", port):
        print(
            f"Port {port} on 127.0.0.1 is already in use (another demo or hub still running?).\n"
            f"Stop it, or start the demo on another port: lienthong demo --port {port + 1}",
            file=sys.stderr,
            flush=True,
        )
        return 2
    print(f"Starting the reference agency services ({judgments:,} judgments, seed {world_seed}) …", flush=True)
    async with (
        Topology(judgments=judgments, seed=world_seed, log_dir=var / "log", personnel_db=var / "personnel.db") as topo,
        contextlib.AsyncExitStack() as processes,
    ):
        sign_in = await _demo_sign_in(processes, port, var / "log")
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{var / 'lienthong.db'}",
            mode="demo",
            port=port,
            keys_dir=var / "keys",
            court=AgencyEndpoint(topo.court.base_url, topo.court.api_key),
            enforcement=AgencyEndpoint(topo.enforcement.base_url, topo.enforcement.api_key),
            procuracy=AgencyEndpoint(topo.procuracy.base_url, topo.procuracy.api_key),
            personnel_database_url=topo.personnel_url,
            oidc=OidcSettings(issuer=sign_in[0] if sign_in else None),
        )
        demo_settings.write(var / demo_settings.FILE_NAME, settings)  # for `lienthong report` & co. next to it
        processes.callback((var / demo_settings.FILE_NAME).unlink, missing_ok=True)
        print("Migrating the hub's database and seeding the organisation …", flush=True)
        await upgrade(settings.database_url)
        await seed(settings)
        await seed_demo_people(settings)
        print("Importing the court system's judgments into the registry …", flush=True)
        await sync(settings)
        engine = create_engine(settings.database_url)
        try:
            async with session_factory(engine)() as session:
                page = await JudgmentRegistry(session).search(JudgmentFilter(court_code="court.ha-noi.kv01"), first=1)
        finally:
            await engine.dispose()
        example_id = page.items[0].id if page.items else "court.ha-noi.kv01:1/2026/DS-ST"
        feed_key = Ed25519PrivateKey.generate()
        await keys_add(settings, FEED_COURT, encode_public_key(feed_key.public_key()))
        clock = settings.clock()  # one clock for the hub and the demo court's feed
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(settings, clock),
                host="127.0.0.1",
                port=port,
                log_level="warning",
                timeout_keep_alive=KEEP_ALIVE_S,
            )
        )
        stop_feed = asyncio.Event()
        feed = FeedSettings(
            hub_url=f"http://127.0.0.1:{port}",
            token=token(settings, FEED_COURT, [Role.COURT_CLERK], client=FEED_CLIENT),
            court_code=FEED_COURT,
            province_label="thành phố Hà Nội",
            former_province="Hà Nội",
            every_s=feed_every_s,
            clock=clock,
            first_serial=int(clock.wall().timestamp())
            % 900_000,  # a fresh range on every start, so a restarted demo adds new judgments
        )
        feed_task = (
            asyncio.create_task(run_feed(feed, feed_key, stop_feed, seed=feed.first_serial))
            if feed_every_s > 0
            else None
        )
        serving = asyncio.create_task(server.serve())
        while not server.started and not serving.done():  # noqa: ASYNC110 - uvicorn offers a flag, no event
            await asyncio.sleep(0.05)  # print the welcome only once the hub answers
        if server.started:
            _print_sign_in(settings, sign_in)
            _print_welcome(settings, example_id, feed_every_s)
        try:
            await serving
        finally:
            stop_feed.set()
            if feed_task is not None:
                await feed_task
        if not server.started:
            print(f"lienthong: could not listen on 127.0.0.1:{port}; try `lienthong demo --port 8080`", file=sys.stderr)
            return 1
    return 0


async def _demo_sign_in(processes: contextlib.AsyncExitStack, port: int, log_dir: Path) -> tuple[str, str] | None:
    """The demo's OpenID Connect provider (agencies/oidc_provider) with the demo people as accounts and a fresh
    password: (issuer, password); None, with a note, when node or its ``npm ci`` is missing."""
    from agencies.oidc_provider.process import Account, DemoProvider, ProviderError

    password = secrets.token_urlsafe(9)
    provider = DemoProvider(
        [Account(p.person, p.name) for p in DEMO_PEOPLE],
        client_id=DEFAULT_OIDC_CLIENT_ID,
        redirect_uris=[f"http://127.0.0.1:{port}/dang-nhap/xong"],
        password=password,
        log_dir=log_dir,
    )
    try:
        await processes.enter_async_context(provider)
    except ProviderError as exc:
        print(f"note: no sign-in provider ({exc}): the console offers its demo sign-in", file=sys.stderr, flush=True)
        return None
    return provider.issuer, password


def _print_sign_in(settings: Settings, sign_in: tuple[str, str] | None) -> None:
    if sign_in is None:
        print(f"\nConsole (Cổng Liên thông): {settings.base_url}/  — demo sign-in (no provider): choose a person:")
        for p in DEMO_PEOPLE:
            print(f"  {p.person:<16} {p.name} — {p.label} at {p.agency}")
        return
    issuer, password = sign_in
    print(f"\nConsole (Cổng Liên thông): {settings.base_url}/  — sign in through the demo provider at {issuer}")
    print(f"  demo password for every account: {password}")
    for p in DEMO_PEOPLE:
        print(f"  {p.person:<16} {p.name} — {p.label} at {p.agency}")


def _print_welcome(settings: Settings, example_id: str, feed_every_s: float) -> None:
    url = f"http://127.0.0.1:{settings.port}"
    print(
        f"\nLiên thông is running.\n  GraphiQL: {url}/graphiql   (the API: {url}/graphql)\n"
        f"  Health:   {url}/healthz   Ready: {url}/readyz\n"
    )
    print('Demo tokens (paste into GraphiQL\'s Headers tab as {"Authorization": "Bearer <token>"}):')
    for p in DEMO_PEOPLE:
        roles = ", ".join(r.value for r in p.roles)
        print(
            f"\n  {p.label} — {p.name} ({p.person}) at {p.agency} ({roles}):\n  {token(settings, p.agency, p.roles, person=p.person)}"
        )
    if feed_every_s > 0:
        print(
            f"\nThe reference court {FEED_COURT} submits a signed judgment every {feed_every_s:g} s. Watch them arrive "
            f'with the enforcement token:\n  subscription {{ transferEvents(office: "{FEED_OFFICE}") {{ cursor kind transferId }} }}'
            f'\n  {{ inbox(office: "{FEED_OFFICE}") {{ edges {{ node {{ id status receivedAt judgment {{ number }} }} }} }} }}'
        )
    print("\nExample queries:")
    for q in EXAMPLE_QUERIES:
        print(f"\n  {q.replace('%s', example_id) if '%s' in q else q}")
    print(
        f"\nWith curl:\n  curl -s {url}/graphql -H \"Authorization: Bearer $TOKEN\" -H 'content-type: application/json' "
        '-d \'{"query":"{ me { agencyCode roles } }"}\'\n\nCtrl-C stops the hub and the agency services.\n',
        flush=True,
    )


async def keys_add(settings: Settings, court: str, public_key_b64: str) -> int:
    engine = create_engine(settings.database_url)
    try:
        async with write_transaction(session_factory(engine)) as session:
            key = await CourtKeys(session).add(court, public_key_b64.strip(), settings.clock().now())
    finally:
        await engine.dispose()
    print(f"{key.key_id}  {key.court_code}  added {key.added_at.isoformat()}")
    return 0


async def keys_list(settings: Settings, court: str) -> int:
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            keys = await CourtKeys(session).for_court(court)
    finally:
        await engine.dispose()
    for key in keys:
        state = f"revoked {key.revoked_at.isoformat()}" if key.revoked_at else "active"
        print(f"{key.key_id}  {key.court_code}  added {key.added_at.isoformat()}  {state}")
    return 0


async def keys_revoke(settings: Settings, key_id: str) -> int:
    engine = create_engine(settings.database_url)
    try:
        async with write_transaction(session_factory(engine)) as session:
            revoked = await CourtKeys(session).revoke(key_id, settings.clock().now())
    finally:
        await engine.dispose()
    print(f"{key_id} revoked" if revoked else f"{key_id}: no such active key")
    return 0 if revoked else 1


def verify_receipt_file(path: str, public_key_b64: str | None, settings: Settings) -> int:
    """Exit 0 when the receipt file ({"json": …, "signature": …}) verifies with the hub's public key."""
    try:
        document = orjson.loads(Path(path).read_bytes())
        receipt_json, signature = document["json"], document["signature"]
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError) as exc:
        print(f'lienthong: {path} is not a receipt file ({{"json": …, "signature": …}}): {exc}', file=sys.stderr)
        return 2
    if public_key_b64 is None:
        public_key_b64 = encode_public_key(load_private_key(settings.receipt_private_key).public_key())
    try:
        ok = verify_receipt(receipt_json, signature, public_key_from_b64(public_key_b64))
    except KeyFormatError as exc:
        print(f"lienthong: bad public key: {exc}", file=sys.stderr)
        return 2
    print("receipt verifies" if ok else "receipt does NOT verify")
    return 0 if ok else 1
