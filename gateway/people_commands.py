"""``lienthong people add | grant | revoke | list``: who may act, held in the hub's registry (issue 14).

A person (an official) or a system client (``--client``: another agency's system, whose tokens
carry ``client_id`` instead of ``person``) is registered once, at the agency they work for; roles
are then granted per agency, for a period, and revoked. Every write is an audit entry naming the
operator (``--by``, default the login name). A role the agency's kind cannot hold is refused
(``docs/security.md``, roles and agency kinds).

Exit codes: 0 done, 1 nothing to do (no such grant to revoke), 2 refused (bad arguments, unknown
person or agency, a role the agency cannot hold). Messages go to stderr, listings to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from datetime import datetime

from domain.access import Role
from domain.errors import BadInput, NotFound
from domain.organisation import MINISTRY_OF_JUSTICE
from domain.people import Grant, HolderKind
from domain.role_holders import refused_roles
from gateway.audit_commands import moment
from gateway.settings import Settings
from ledger.agencies import AgencyRepository
from ledger.db import create_engine, session_factory, write_transaction
from ledger.grants import Actor, Grants

OPERATOR_AGENCY = MINISTRY_OF_JUSTICE  # the hub's operator, in whose name registry writes are recorded


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    people = sub.add_parser("people", help="register people and system clients, grant and revoke their roles")
    people_sub = people.add_subparsers(dest="people_command", required=True)

    add = people_sub.add_parser("add", help="register a person (or, with --client, a system client)")
    add.add_argument("id", help="a stable id: the token's 'person' (or 'client_id') claim")
    add.add_argument("--name", required=True, help="full name (or the system's name)")
    add.add_argument("--agency", required=True, help="the agency they work for, e.g. enforcement.ha-noi.kv01")
    add.add_argument("--client", action="store_true", help="a system client rather than a person")

    grant = people_sub.add_parser("grant", help="grant a role at an agency (default: the holder's own agency)")
    grant.add_argument("id")
    grant.add_argument("--role", required=True, choices=[r.value for r in Role])
    grant.add_argument("--agency", help="where the role is held (default: the agency the holder works for)")
    grant.add_argument("--from", dest="valid_from", type=_start, help="ISO date or date-time (default: now)")
    grant.add_argument("--to", dest="valid_to", type=_end, help="ISO date (whole day included) or date-time")

    revoke = people_sub.add_parser("revoke", help="revoke a role at an agency; effective for the next request")
    revoke.add_argument("id")
    revoke.add_argument("--role", required=True, choices=[r.value for r in Role])
    revoke.add_argument("--agency", help="default: the agency the holder works for")

    listing = people_sub.add_parser("list", help="people and clients with their grants")
    listing.add_argument("--agency", help="only those working for this agency")
    listing.add_argument("--all", action="store_true", help="show revoked and expired grants too")

    for command in (add, grant, revoke):
        command.add_argument("--by", default=None, help="the operator recorded in the audit trail (default: login)")


def _start(text: str) -> datetime:
    return moment(text, end_of_day=False)


def _end(text: str) -> datetime:
    return moment(text, end_of_day=True)


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        return asyncio.run(_run(args, settings))
    except (BadInput, NotFound) as exc:
        print(f"lienthong people: {exc.message}", file=sys.stderr)
        return 2


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    engine = create_engine(settings.database_url)
    try:
        sessions, now = session_factory(engine), settings.clock().now()
        if args.people_command == "list":
            async with sessions() as session:
                return await _list(Grants(session), args.agency, now, show_all=args.all)
        by = Actor(args.by or _login(), OPERATOR_AGENCY)
        async with write_transaction(sessions) as session:
            registry = Grants(session)
            if args.people_command == "add":
                kind = HolderKind.CLIENT if args.client else HolderKind.PERSON
                holder = await registry.add(args.id, args.name, args.agency, kind, by, now)
                print(f"{holder.kind.value} {holder.id} ({holder.name}) works for {holder.agency_code}")
                return 0
            agency = args.agency or (await registry.holder(args.id)).agency_code
            if args.people_command == "grant":
                given = await registry.grant(
                    args.id, Role(args.role), agency, by, now, valid_from=args.valid_from, valid_to=args.valid_to
                )
                print(f"granted: {_describe(given)}")
                return 0
            try:
                revoked = await registry.revoke(args.id, Role(args.role), agency, by, now)
            except NotFound as exc:
                print(f"lienthong people: {exc.message}", file=sys.stderr)
                return 1
            for grant in revoked:
                print(f"revoked: {_describe(grant)}")
            return 0
    finally:
        await engine.dispose()


async def _list(registry: Grants, agency: str | None, now: datetime, *, show_all: bool) -> int:
    for holder in await registry.holders(agency):
        print(f"{holder.kind.value:6}  {holder.id}  {holder.name}  ({holder.agency_code}, {holder.status.value})")
        for grant in await registry.grants_of(holder.id):
            if show_all or grant.active_at(now) or grant.valid_from > now:
                print(f"        {_describe(grant, now)}")
    return 0


def _describe(grant: Grant, now: datetime | None = None) -> str:
    period = f"from {grant.valid_from.isoformat(timespec='seconds')}"
    if grant.valid_to is not None:
        period += f" to {grant.valid_to.isoformat(timespec='seconds')}"
    state = ""
    if grant.revoked_at is not None:
        state = f", revoked {grant.revoked_at.isoformat(timespec='seconds')} by {grant.revoked_by}"
    elif now is not None and not grant.active_at(now):
        state = ", not active now"
    return (
        f"{grant.role.value} at {grant.agency_code} {period} "
        f"(granted by {grant.granted_by} {grant.granted_at.isoformat(timespec='seconds')}{state})"
    )


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "operator"


async def token_refusal(
    settings: Settings, agency_code: str, roles: list[Role], *, person: str | None, client: str | None
) -> str | None:
    """Why ``lienthong token`` must not issue this token (None: it may): the agency's kind cannot hold a role,
    or the person (or client) named has no active grant of it there. A token names a person or a client."""
    if not person and not client:
        return "name whom the token is for: --person ID (an official) or --client ID (a system client)"
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            agency = await AgencyRepository(session).get(agency_code)
            if agency is None:
                return f"no agency {agency_code!r} in the organisation (lienthong seed loads it)"
            holder = person or client
            assert holder is not None
            granted = await Grants(session).active_roles(holder, agency_code, settings.clock().now())
    finally:
        await engine.dispose()
    if granted is None:
        return f"{holder!r} is not registered or is suspended: lienthong people add {holder} --name … --agency …"
    refused = refused_roles(roles, granted, agency)
    if not refused:
        return None
    return " ".join(
        f"an agency of kind {agency.kind.value} ({agency.code}) cannot hold the role {r.role.value}."
        if r.reason == "kind"
        else f"{holder} holds no grant of {r.role.value} at {agency.code} "
        f"(lienthong people grant {holder} --role {r.role.value} --agency {agency.code})."
        for r in refused
    )
