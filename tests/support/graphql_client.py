"""A small GraphQL-over-HTTP client for tests, over either transport the hub is reached by.

- ``httpx.AsyncClient`` on ``httpx.ASGITransport``: the hub built in the test process
  (tests/fixtures/hub.py); ``url`` is the client's base URL;
- ``aiohttp.ClientSession``: a hub process on 127.0.0.1 (tests/fixtures/process_hub.py).

Either way a call returns the same :class:`Answer`, so a test reads the same whichever hub it has.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import aiohttp
import httpx


@dataclass
class Answer:
    status: int
    body: dict[str, Any]

    @property
    def data(self) -> dict[str, Any] | None:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.body.get("errors") or []

    def codes(self) -> set[str]:
        return {e.get("extensions", {}).get("code") for e in self.errors}


class GraphQLClient:
    def __init__(self, session: aiohttp.ClientSession | httpx.AsyncClient, url: str, token: str | None) -> None:
        self.session = session
        self.url = url
        self.token = token

    async def __call__(self, query: str, variables: dict[str, Any] | None = None, timeout: float = 30.0) -> Answer:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        body = {"query": query, "variables": variables or {}}
        if isinstance(self.session, httpx.AsyncClient):
            # ASGITransport has no network, so httpx's own time-outs never fire: bound the call here.
            async with asyncio.timeout(timeout):
                response = await self.session.post(f"{self.url}/graphql", json=body, headers=headers)
            return Answer(response.status_code, _json(response.content))
        async with self.session.post(
            f"{self.url}/graphql", json=body, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as answer:
            return Answer(answer.status, await answer.json(content_type=None))


def _json(content: bytes) -> Any:
    """The body as JSON, None when empty (as aiohttp's ``json(content_type=None)`` reads it)."""
    return json.loads(content) if content.strip() else None
