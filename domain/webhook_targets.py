"""Where a webhook may make the hub send requests: public addresses, or hosts the operator allows.

A webhook makes the hub POST wherever a client says. Unchecked, a client could point it at the
hub's own loopback interface, the private network behind it or a cloud's metadata service, and
learn from the outcome what listens there (server-side request forgery). These rules decide from
a URL's scheme and host and from the addresses the host resolves to; resolving is I/O and lives in
``adapters/webhook_targets.py``, which applies them at registration and again at every connection::

    >>> refusal_of(literal_address("0x7f000001"))      # 127.0.0.1 spelled in hex
    'loopback'
    >>> policy = TargetPolicy(https_only=False, allow_hosts=parse_allow_hosts("127.0.0.1,.bench"))
    >>> policy.allows("hooks.bench", 8080), policy.allows("127.1", 80)
    (True, False)

Allowlist entries match the host as written (case aside): allowing ``127.0.0.1`` does not allow
``127.1`` or ``[::ffff:127.0.0.1]``, which stay refused.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv4Address, IPv6Address
from typing import Final

from domain.messages import Text, msg

Address = IPv4Address | IPv6Address

# NAT64's well-known prefix: the IPv4 address is in the last 32 bits
NAT64_PREFIX: Final = ipaddress.IPv6Network("64:ff9b::/96")
_INET_ATON_CHARS: Final = frozenset("0123456789abcdefx.")

REFUSED_NAME: Final = msg("the webhook's host must resolve, and only to public addresses")
HTTPS_ONLY: Final = msg("in production a webhook URL must start with https://")


class TargetCode(StrEnum):
    """The userError codes of a refused target (the webhook mutations' codes, ``ledger.webhooks``)."""

    NOT_ALLOWED = "TARGET_NOT_ALLOWED"  # a non-public address, or a host that does not resolve
    INVALID_URL = "INVALID_URL"  # a scheme the mode does not allow


class TargetRefused(ValueError):
    """A webhook target the hub will not call: ``message`` for the client, ``detail`` for the hub's log only.

    The message never says which address a name resolved to (that would map the operator's
    network for whoever asks); the detail does.
    """

    def __init__(self, code: TargetCode, message: Text, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.message = message
        self.detail = detail


def literal_address(host: str) -> Address | None:
    """``host`` as an IP address if it is one in any spelling the C library accepts, else ``None`` (a name).

    Besides the usual forms: IPv6 as given in a URL without its brackets (a zone id too), and the
    ``inet_aton`` spellings of IPv4 (``2130706433``, ``0x7f000001``, ``017700000001``, ``127.1``),
    with or without one trailing dot.
    """
    candidate = host.lower().removesuffix(".")
    try:
        return ipaddress.ip_address(candidate)
    except ValueError:
        pass
    if not candidate or not set(candidate) <= _INET_ATON_CHARS:
        return None
    try:
        return IPv4Address(socket.inet_aton(candidate))
    except OSError:
        return None


def looks_numeric(host: str) -> bool:
    """Whether a connecting library would take ``host`` for an address rather than a name (aiohttp does)."""
    return ":" in host or host.replace(".", "").isdigit()


def refusal_of(address: Address) -> str | None:
    """The kind of address the hub must not connect to (``"loopback"``, ``"private"``, …), or ``None`` if public.

    IPv4-mapped IPv6 addresses are refused whatever they map (they are how ``127.0.0.1`` hides in
    ``[::ffff:7f00:1]``); 6to4, Teredo and NAT64 addresses are refused when the IPv4 address they
    carry would be.
    """
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:
            return "IPv4-mapped IPv6"
        if address.is_site_local:
            return "site-local"
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private or unique-local", address.is_private),
        ("reserved", address.is_reserved),
        ("not globally routable", not address.is_global),
    )
    for kind, applies in checks:
        if applies:
            return kind
    if isinstance(address, IPv6Address):
        for embedded in _embedded_ipv4(address):
            inner = refusal_of(embedded)
            if inner is not None:
                return f"IPv6 carrying IPv4 {embedded}: {inner}"
    return None


def _embedded_ipv4(address: IPv6Address) -> Iterable[IPv4Address]:
    if address.sixtofour is not None:
        yield address.sixtofour
    if address.teredo is not None:
        yield from address.teredo
    if address in NAT64_PREFIX:
        yield IPv4Address(int(address) & 0xFFFFFFFF)


def refused_address(host: str, address: Address) -> TargetRefused | None:
    """The refusal of connecting to ``address`` for ``host``, or ``None`` if the address is public."""
    kind = refusal_of(address)
    if kind is None:
        return None
    if literal_address(host) is not None:  # the client wrote the address: naming its kind tells them nothing new
        message = msg("a webhook must not point at this address ({kind}), only at public ones", kind=kind)
    else:
        message = REFUSED_NAME
    return TargetRefused(TargetCode.NOT_ALLOWED, message, f"{host} → {address}: {kind}")


@dataclass(frozen=True, slots=True)
class AllowedHost:
    """One entry of ``LIENTHONG_WEBHOOK_ALLOW_HOSTS``: a host (any port, or one), or ``.suffix`` for names under it."""

    host: str  # lower case; IPv6 without brackets, compressed; ".bench" for every name ending in .bench
    port: int | None = None

    def matches(self, host: str, port: int) -> bool:
        if self.port is not None and self.port != port:
            return False
        name = host.lower()
        if self.host.startswith("."):
            return name.endswith(self.host) and literal_address(name) is None
        return name == self.host

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"


def parse_allow_hosts(raw: str) -> tuple[AllowedHost, ...]:
    """Comma-separated ``host``, ``host:port``, ``[v6]``, ``[v6]:port`` or ``.suffix``; ``ValueError`` naming a bad one."""
    return tuple(_allowed_host(item.strip()) for item in raw.split(",") if item.strip())


def _allowed_host(item: str) -> AllowedHost:
    host, port = item, None
    if item.startswith("["):
        inside, bracket, rest = item[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise ValueError(f"{item!r} is not [IPv6] or [IPv6]:port")
        host, port_text = inside, rest[1:] if rest else None
    elif item.count(":") == 1:
        host, port_text = item.split(":")
    else:
        port_text = None
    if port_text is not None:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ValueError(f"{item!r}: the port must be a number from 1 to 65535")
        port = int(port_text)
    host = host.lower()
    if ":" in host:
        try:
            host = IPv6Address(host).compressed
        except ValueError as exc:
            raise ValueError(f"{item!r} is not an IPv6 address") from exc
    if not host or host == "." or any(ch.isspace() or ch in "/@?#[]" for ch in host):
        raise ValueError(f"{item!r} is not a host name, an address or a .suffix")
    return AllowedHost(host, port)


@dataclass(frozen=True, slots=True)
class TargetPolicy:
    """The operator's rules for webhook targets: ``https`` only (production mode), and hosts exempt from the checks.

    The defaults are the strict ones: a policy made without settings refuses plain ``http`` and
    every non-public address.
    """

    https_only: bool = True
    allow_hosts: tuple[AllowedHost, ...] = ()

    def allows(self, host: str, port: int) -> bool:
        """Whether the operator allowed ``host`` (as written) on ``port``: its addresses are not checked."""
        return any(entry.matches(host, port) for entry in self.allow_hosts)

    def check_scheme(self, scheme: str) -> None:
        if self.https_only and scheme.lower() != "https":
            raise TargetRefused(TargetCode.INVALID_URL, HTTPS_ONLY, f"scheme {scheme!r} in production mode")

    def check_literal(self, host: str, port: int) -> None:
        """Refuse ``host`` if it is an address (in any spelling) that is not public and not allowed.

        A name is left to the resolver; something a connecting library would take for an address
        but that does not parse as one is refused.
        """
        if self.allows(host, port):
            return
        address = literal_address(host)
        if address is None:
            if looks_numeric(host):
                raise TargetRefused(TargetCode.NOT_ALLOWED, REFUSED_NAME, f"{host}: neither an address nor a name")
            return
        refused = refused_address(host, address)
        if refused is not None:
            raise refused
