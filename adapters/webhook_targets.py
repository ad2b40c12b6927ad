"""Webhook targets checked where the hub resolves and connects: at registration and at every delivery.

:meth:`TargetGuard.check` runs when a webhook is registered: the scheme, then the host. An
address, in any spelling, is judged as written; a name is resolved (the event loop's
``getaddrinfo``, bounded by ``timeout_s``) and every address it gives must be public
(``domain/webhook_targets.py``); a name that does not resolve is refused.

Delivery does not trust that answer, since DNS can change after registration (rebinding). The
delivery session connects through :meth:`TargetGuard.connector`, whose resolver applies the same
rules to what it resolves and hands aiohttp only the addresses it checked, so nothing changes
between the check and the connection. aiohttp never asks a resolver about an address literal:
:meth:`TargetGuard.check_before_connect` judges those (a literal cannot rebind)::

    guard = TargetGuard(TargetPolicy(https_only=True))
    await guard.check("https://hooks.example.vn/lienthong")      # TargetRefused if not allowed
    async with aiohttp.ClientSession(connector=guard.connector()) as http:
        guard.check_before_connect(url)
        await http.post(url, ...)                                 # TargetRefused from the resolver
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Sequence
from ipaddress import IPv4Address, ip_address
from typing import Any, Final

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from domain.messages import msg
from domain.webhook_targets import (
    REFUSED_NAME,
    Address,
    TargetCode,
    TargetPolicy,
    TargetRefused,
    literal_address,
    refused_address,
)

Lookup = Callable[[str, int], Awaitable[Sequence[str]]]
"""``(host, port) -> addresses`` as text; raises ``OSError`` when the host does not resolve."""

NUMERIC: Final = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV  # what aiohttp's own resolvers hand back


async def system_lookup(host: str, port: int) -> list[str]:
    """The addresses of ``host`` from the C library (hosts file, DNS), through the event loop's ``getaddrinfo``."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class TargetGuard:
    """The policy applied to a webhook URL: at registration (:meth:`check`) and at connection (:meth:`connector`)."""

    def __init__(self, policy: TargetPolicy | None = None, *, lookup: Lookup = system_lookup, timeout_s: float = 2.0):
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self.policy = policy or TargetPolicy()
        self.timeout_s = timeout_s
        self._lookup = lookup

    async def check(self, url: str) -> None:
        """Raise :class:`TargetRefused` unless ``url`` may be delivered to as things stand now."""
        host, port = self._target(url)
        self.policy.check_literal(host, port)
        if literal_address(host) is None and not self.policy.allows(host, port):
            await self.addresses(host, port)

    def check_before_connect(self, url: str) -> None:
        """The part of :meth:`check` the resolver never sees: the scheme and address literals."""
        host, port = self._target(url)
        self.policy.check_literal(host, port)

    async def addresses(self, host: str, port: int) -> list[Address]:
        """The addresses of ``host``, all of them public unless the operator allowed it; :class:`TargetRefused` if not."""

        def refused(why: str) -> TargetRefused:
            return TargetRefused(TargetCode.NOT_ALLOWED, REFUSED_NAME, f"{host}: {why}")

        try:
            async with asyncio.timeout(self.timeout_s):
                found = await self._lookup(host, port)
        except TimeoutError as exc:
            raise refused(f"no answer from the resolver within {self.timeout_s:g}s") from exc
        except (OSError, UnicodeError) as exc:  # gaierror; a name IDNA cannot encode
            raise refused(f"does not resolve ({exc})") from exc
        try:
            addresses = [ip_address(a) for a in found]
        except ValueError as exc:
            raise refused(f"the resolver answered something that is not an address ({exc})") from exc
        if not addresses:
            raise refused("resolves to no address")
        if not self.policy.allows(host, port):
            for address in addresses:
                problem = refused_address(host, address)
                if problem is not None:
                    raise problem
        return addresses

    def connector(self, **options: Any) -> aiohttp.TCPConnector:
        """A connector that resolves every connection afresh through this guard (no DNS cache to outlive a check)."""
        return aiohttp.TCPConnector(resolver=GuardedResolver(self), use_dns_cache=False, **options)

    def _target(self, url: str) -> tuple[str, int]:
        """The host as aiohttp will connect to it (``raw_host``: lower case, IDNA) and the port; the scheme checked."""
        try:
            parsed = URL(url)
            host, port = parsed.raw_host, parsed.port
        except ValueError as exc:
            raise TargetRefused(TargetCode.INVALID_URL, msg("webhook URL cannot be parsed"), f"{url!r}: {exc}") from exc
        self.policy.check_scheme(parsed.scheme)
        if not host or port is None:
            raise TargetRefused(TargetCode.INVALID_URL, msg("webhook URL has no host"), f"{url!r}: no host or port")
        return host, port


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver for webhook deliveries: only addresses :meth:`TargetGuard.addresses` let through."""

    def __init__(self, guard: TargetGuard) -> None:
        self._guard = guard

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results: list[ResolveResult] = []
        for address in await self._guard.addresses(host, port):
            kind = socket.AF_INET if isinstance(address, IPv4Address) else socket.AF_INET6
            if family in (socket.AF_UNSPEC, kind):
                results.append(
                    {"hostname": host, "host": str(address), "port": port, "family": kind, "proto": 0, "flags": NUMERIC}
                )
        if not results:
            raise OSError(f"{host} has no address of the family asked for ({family!r})")
        return results

    async def close(self) -> None:
        return None
