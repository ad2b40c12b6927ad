"""The ``lienthong`` command line.

lienthong demo            agencies + hub on 127.0.0.1 with GraphiQL, demo tokens printed
lienthong serve           the hub alone, configured by LIENTHONG_* variables
lienthong migrate         apply database migrations
lienthong seed            load the organisation (data/*.csv) into the registry of agencies
lienthong sync-judgments  import judgments from the court system into the registry
lienthong token           issue a signed demo token (for a registered person or client holding the roles)
lienthong people          register people and system clients; grant and revoke their roles
lienthong schema          print (or --check) the GraphQL contract
lienthong policy-table    print the access policy table (docs/security.md)
lienthong audit           verify the hash-chained audit trail, export it, check an export
lienthong report          write the committee report to a CSV, XLSX or printable HTML file
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from domain.access import Role
from gateway import audit_commands, people_commands
from gateway.demo_settings import command_environment
from gateway.reports import command as report_command
from gateway.settings import Settings, SettingsError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lienthong", description="Liên thông: the courts–procuracy–enforcement hub.")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run reference agencies and the hub on 127.0.0.1 with GraphiQL")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--judgments", type=int, default=5000, help="judgments seeded in the reference agencies")
    demo.add_argument("--seed", type=int, default=2025)
    demo.add_argument("--var-dir", default="var", help="where the demo keeps its databases, keys and logs")
    demo.add_argument(
        "--feed-every", type=float, default=5.0, help="seconds between the reference court's submissions (0: none)"
    )

    serve = sub.add_parser("serve", help="run the hub (settings from LIENTHONG_* variables)")
    serve.add_argument("--workers", type=int, default=1)

    sub.add_parser("migrate", help="apply database migrations to LIENTHONG_DATABASE_URL")
    sub.add_parser("seed", help="load agencies from the reference data into the database")
    sub.add_parser("sync-judgments", help="import judgments from the court system into the registry")

    token = sub.add_parser("token", help="issue a signed token (demo issuer key in LIENTHONG_KEYS_DIR)")
    token.add_argument("--agency", required=True, help="agency code, e.g. court.ha-noi.kv01")
    token.add_argument("--role", action="append", required=True, choices=[r.value for r in Role])
    token.add_argument("--person", default=None, help="the registered person the token is for")
    token.add_argument("--client", default=None, help="or the registered system client (client_id)")
    token.add_argument("--ttl", type=int, default=12 * 3600, help="lifetime in seconds")

    keys = sub.add_parser("keys", help="manage courts' public keys for signed submissions")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    keys_add = keys_sub.add_parser("add", help="register a court's Ed25519 public key (base64 of the raw 32 bytes)")
    keys_add.add_argument("--court", required=True)
    keys_add.add_argument("--public-key", required=True)
    keys_list = keys_sub.add_parser("list", help="list a court's keys")
    keys_list.add_argument("--court", required=True)
    keys_revoke = keys_sub.add_parser("revoke", help="revoke a key by id")
    keys_revoke.add_argument("key_id")

    verify = sub.add_parser("verify-receipt", help="check a submission receipt against the hub's public key")
    verify.add_argument("file", help='JSON file {"json": <receipt JSON text>, "signature": <base64>}')
    verify.add_argument("--public-key", help="the hub's receipt public key, base64 (default: this hub's own key)")

    schema = sub.add_parser("schema", help="print the GraphQL SDL")
    schema.add_argument("--check", metavar="FILE", help="exit 1 if FILE differs from the schema the code builds")

    policy = sub.add_parser(
        "policy-table", help="print the access policy (role × operation) as Markdown, as docs/security.md"
    )
    policy.add_argument("--roles", action="store_true", help="print the roles × agency kinds table instead")

    audit_commands.add_parser(sub)
    people_commands.add_parser(sub)
    report_command.add_parser(sub)

    args = parser.parse_args(argv)
    try:
        return _run(args)
    except SettingsError as exc:
        print(f"lienthong: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    # Imported here so `lienthong --help` stays fast and light.
    from gateway import commands

    if args.command == "policy-table":
        from domain.policy import policy_table
        from domain.role_holders import role_holders_table

        sys.stdout.write(role_holders_table() if args.roles else policy_table())
        return 0

    if args.command == "demo":
        var = Path(args.var_dir).resolve()
        var.mkdir(parents=True, exist_ok=True)
        return asyncio.run(
            commands.demo(
                port=args.port, judgments=args.judgments, world_seed=args.seed, var=var, feed_every_s=args.feed_every
            )
        )
    environment, demo_file = (os.environ, None) if args.command == "serve" else command_environment(os.environ)
    if demo_file is not None:
        print(f"(settings of the running demo: {demo_file})", file=sys.stderr)
    settings = Settings.from_env(environment)
    if args.command == "serve":
        return commands.serve(settings, workers=args.workers)
    if args.command == "migrate":
        return commands.migrate(settings)
    if args.command == "seed":
        return asyncio.run(commands.seed(settings))
    if args.command == "sync-judgments":
        return asyncio.run(commands.sync(settings))
    if args.command == "token":
        roles = [Role(r) for r in args.role]
        refusal = asyncio.run(
            people_commands.token_refusal(settings, args.agency, roles, person=args.person, client=args.client)
        )
        if refusal is not None:
            print(f"lienthong token: refused: {refusal}", file=sys.stderr)
            return 2
        print(commands.token(settings, args.agency, roles, person=args.person, client=args.client, ttl_s=args.ttl))
        return 0
    if args.command == "keys":
        if args.keys_command == "add":
            return asyncio.run(commands.keys_add(settings, args.court, args.public_key))
        if args.keys_command == "list":
            return asyncio.run(commands.keys_list(settings, args.court))
        return asyncio.run(commands.keys_revoke(settings, args.key_id))
    if args.command == "verify-receipt":
        return commands.verify_receipt_file(args.file, args.public_key, settings)
    if args.command == "schema":
        return commands.schema(check=args.check)
    if args.command == "people":
        return people_commands.run(args, settings)
    if args.command == "audit":
        return audit_commands.run(args, settings)
    if args.command == "report":
        return report_command.run(args, settings)
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
