"""The in-process hub served on 127.0.0.1 by uvicorn, in the test's event loop: for WebSocket tests only.

``httpx.ASGITransport`` speaks HTTP, not WebSocket, so subscriptions need a real socket. This
server runs the *same* app object the HTTP tests call (its lifespan already run by the fixture:
``lifespan="off"``), on a port the kernel picks, started on the first WebSocket a session opens.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import aiohttp
import uvicorn
from starlette.types import ASGIApp

STARTUP_TIMEOUT_S = 10.0


class _InProcessServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the signals of the test process stay pytest's


class SocketServer:
    def __init__(self, app: ASGIApp) -> None:
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            lifespan="off",
            log_config=None,  # leave the test process's logging alone
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=5,
        )
        self._server = _InProcessServer(config)
        self._task: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None
        self._lock = asyncio.Lock()

    async def endpoint(self) -> tuple[aiohttp.ClientSession, str]:
        """A client session for WebSockets (``tests/support/ws_client.py``) and ``http://127.0.0.1:<port>``.

        The server starts on the first call.
        """
        async with self._lock:
            if self._task is None:
                self._http = aiohttp.ClientSession()
                self._task = asyncio.create_task(self._server.serve(), name="hub-socket-server")
                async with asyncio.timeout(STARTUP_TIMEOUT_S):
                    while not self._server.started:
                        if self._task.done():
                            self._task.result()  # raises what stopped it
                            raise RuntimeError("the socket server stopped before it started")
                        await asyncio.sleep(0.01)
        assert self._http is not None
        port = self._server.servers[0].sockets[0].getsockname()[1]
        return self._http, f"http://127.0.0.1:{port}"

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.close()
        if self._task is not None:
            self._server.should_exit = True
            await self._task
