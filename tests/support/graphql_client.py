"""A small GraphQL-over-HTTP client for tests (aiohttp, like every outbound call)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp


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
    def __init__(self, session: aiohttp.ClientSession, url: str, token: str | None) -> None:
        self.session = session
        self.url = url
        self.token = token

    async def __call__(self, query: str, variables: dict[str, Any] | None = None, timeout: float = 30.0) -> Answer:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with self.session.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            return Answer(response.status, await response.json(content_type=None))
