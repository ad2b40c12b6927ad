"""Tiny ASGI apps for the worker-supervisor tests: which process answered, and an app that cannot start.

``python -m tests.support.pid_app PORT WORKERS [APP]`` serves ``APP`` (default ``pid``) with
:func:`gateway.workers.supervise`, as ``lienthong serve --workers`` does.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from typing import Any

import uvicorn

from gateway.workers import supervise


async def pid(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    body = str(os.getpid()).encode()
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", str(len(body)).encode())]}
    )
    await send({"type": "http.response.body", "body": body})


async def failing(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await receive()
        await send({"type": "lifespan.startup.failed", "message": "no database"})


def main(argv: list[str]) -> int:
    port, workers = int(argv[0]), int(argv[1])
    app = argv[2] if len(argv) > 2 else "pid"
    config = uvicorn.Config(
        f"tests.support.pid_app:{app}", host="127.0.0.1", port=port, lifespan="on", log_level="info"
    )
    return supervise(config, workers, functools.partial(logging.basicConfig, level="INFO"))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
