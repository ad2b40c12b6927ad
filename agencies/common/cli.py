"""The command line every reference service shares.

``python -m agencies.<name> --host 127.0.0.1 --port P --api-key K --judgments N --seed S
[--latency-ms X] [--failure-rate F] [--data-dir DIR]``

The app (and all its data) is built before the server starts listening, so a
``/health`` answer means the service is ready.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from agencies.common.settings import ServiceSettings

AppFactory = Callable[[ServiceSettings], Starlette]
GRACEFUL_SHUTDOWN_SECONDS = 2  # a hung request must not keep a stopping service alive


def parse_args(service: str, argv: Sequence[str] | None = None) -> tuple[argparse.Namespace, ServiceSettings]:
    parser = argparse.ArgumentParser(prog=f"python -m agencies.{service}", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--judgments", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--failure-rate", type=float, default=0.0)
    parser.add_argument("--data-dir", type=Path, default=None, help="reference data (default: the repo's data/)")
    parser.add_argument("--cache-size", type=int, default=20_000, help="rendered records kept in memory")
    args = parser.parse_args(argv)
    try:
        settings = ServiceSettings(
            api_key=args.api_key,
            judgments=args.judgments,
            seed=args.seed,
            latency_ms=args.latency_ms,
            failure_rate=args.failure_rate,
            data_dir=args.data_dir,
            cache_size=args.cache_size,
        )
    except ValueError as exc:
        parser.error(str(exc))
    return args, settings


def run(service: str, factory: AppFactory, argv: Sequence[str] | None = None) -> None:
    """Build the service's app from the command line and serve it with uvicorn until stopped."""
    args, settings = parse_args(service, argv)
    started = time.perf_counter()
    app = factory(settings)
    print(
        f"{service}: {settings.judgments} judgments (seed {settings.seed}) ready in "
        f"{time.perf_counter() - started:.1f}s, serving http://{args.host}:{args.port}",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        timeout_keep_alive=75,  # longer than the hub's idle keep-alive (aiohttp: 15 s), so no reset on reuse
    )
