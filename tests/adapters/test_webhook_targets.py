"""The webhook target guard (adapters/webhook_targets.py): names resolved and checked, at registration and connection.

Lookups are stand-ins (a dict from name to addresses) except where the test is about the
system's own resolver; the connection tests POST to a real server on 127.0.0.1 under a name
only the stand-in knows, so a delivery that arrives proves the guard's answer was used to connect.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from urllib.parse import urlsplit

import aiohttp
import pytest

from adapters.webhook_targets import TargetGuard, system_lookup
from domain.webhook_targets import REFUSED_NAME, TargetCode, TargetPolicy, TargetRefused, parse_allow_hosts
from tests.support.webhook_receiver import WebhookReceiver

PUBLIC = "93.184.215.14"


class Lookups:
    """A resolver whose answers a test sets and changes (DNS rebinding in one assignment)."""

    def __init__(self, answers: dict[str, Sequence[str]]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        self.asked.append(host)
        if host not in self.answers:
            raise OSError(f"[Errno -2] {host}: Name or service not known")
        return self.answers[host]


def guarded(
    answers: dict[str, Sequence[str]], allow: str = "", *, https_only: bool = False
) -> tuple[TargetGuard, Lookups]:
    """A guard over a stand-in lookup, and the lookup (to change its answers and see what was asked)."""
    lookups = Lookups(answers)
    policy = TargetPolicy(https_only=https_only, allow_hosts=parse_allow_hosts(allow))
    return TargetGuard(policy, lookup=lookups, timeout_s=1.0), lookups


def guard(answers: dict[str, Sequence[str]], allow: str = "") -> TargetGuard:
    return guarded(answers, allow)[0]


async def refusal(target: TargetGuard, url: str) -> TargetRefused:
    with pytest.raises(TargetRefused) as refused:
        await target.check(url)
    return refused.value


class TestRegistration:
    async def test_a_name_resolving_only_to_public_addresses_passes(self) -> None:
        await guard({"hooks.example.vn": [PUBLIC, "2606:4700::1111"]}).check("https://hooks.example.vn/x")

    @pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.7", "169.254.169.254", "::1", "fd12::1", "::ffff:7f00:1"])
    async def test_a_name_resolving_to_an_address_that_is_not_public_is_refused_without_saying_which(
        self, address: str
    ) -> None:
        refused = await refusal(guard({"inside.example.vn": [address]}), "https://inside.example.vn/x")
        assert refused.code is TargetCode.NOT_ALLOWED
        assert refused.message == REFUSED_NAME
        assert address not in refused.message
        assert address in refused.detail  # the hub's log says it

    async def test_one_private_address_among_public_ones_is_enough_to_refuse(self) -> None:
        refused = await refusal(guard({"mixed.example.vn": [PUBLIC, "192.168.1.10"]}), "https://mixed.example.vn/x")
        assert "192.168.1.10" in refused.detail

    async def test_a_name_that_does_not_resolve_is_refused(self) -> None:
        refused = await refusal(guard({}), "https://nowhere.example.vn/x")
        assert (refused.code, refused.message) == (TargetCode.NOT_ALLOWED, REFUSED_NAME)
        assert "does not resolve" in refused.detail

    async def test_a_resolver_that_does_not_answer_in_time_is_a_refusal(self) -> None:
        async def hanging(host: str, port: int) -> Sequence[str]:
            await asyncio.Event().wait()
            raise AssertionError("unreachable")

        slow = TargetGuard(TargetPolicy(https_only=False), lookup=hanging, timeout_s=0.05)
        refused = await refusal(slow, "https://slow.example.vn/x")
        assert "no answer from the resolver within 0.05s" in refused.detail

    async def test_an_allowed_name_is_not_resolved_and_an_allowed_address_not_checked(self) -> None:
        target, lookups = guarded({}, "hooks.bench,127.0.0.1")
        await target.check("http://hooks.bench:8080/x")
        await target.check("http://127.0.0.1:8080/x")
        assert lookups.asked == []

    async def test_https_is_checked_before_anything_is_resolved(self) -> None:
        target, lookups = guarded({"hooks.example.vn": [PUBLIC]}, https_only=True)
        refused = await refusal(target, "http://hooks.example.vn/x")
        assert refused.code is TargetCode.INVALID_URL
        assert lookups.asked == []


async def test_the_system_resolver_finds_localhost_on_the_loopback_interface_and_the_guard_refuses_it() -> None:
    addresses = await system_lookup("localhost", 80)
    assert addresses
    assert all(a in {"127.0.0.1", "::1"} for a in addresses), addresses
    refused = await refusal(TargetGuard(TargetPolicy(https_only=False)), "http://LOCALHOST:8080/x")
    assert "localhost → 127.0.0.1: loopback" in refused.detail or "localhost → ::1: loopback" in refused.detail


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    async with WebhookReceiver() as running:
        yield running


def renamed(receiver: WebhookReceiver, host: str) -> str:
    """The receiver's URL under another host name (only a stand-in lookup knows it)."""
    return f"http://{host}:{urlsplit(receiver.url).port}/hook"


class TestConnection:
    async def test_a_name_that_turned_to_loopback_after_registration_is_not_connected_to(
        self, receiver: WebhookReceiver
    ) -> None:
        target, lookups = guarded({"rebind.example.vn": [PUBLIC]})
        url = renamed(receiver, "rebind.example.vn")
        await target.check(url)  # registration: public
        lookups.answers["rebind.example.vn"] = ["127.0.0.1"]
        async with aiohttp.ClientSession(connector=target.connector()) as http:
            target.check_before_connect(url)  # a name: left to the resolver
            with pytest.raises(TargetRefused) as refused:
                await http.post(url, data=b"{}")
        assert "rebind.example.vn → 127.0.0.1: loopback" in refused.value.detail
        assert receiver.requests == []

    async def test_the_connection_goes_to_the_address_the_guard_let_through(self, receiver: WebhookReceiver) -> None:
        target, lookups = guarded({"bench.example.vn": ["127.0.0.1"]}, "bench.example.vn")
        url = renamed(receiver, "bench.example.vn")
        async with aiohttp.ClientSession(connector=target.connector()) as http, http.post(url, data=b"{}") as answer:
            assert answer.status == 200
        assert len(receiver.requests) == 1
        assert lookups.asked == ["bench.example.vn"]

    async def test_every_connection_resolves_afresh(self, receiver: WebhookReceiver) -> None:
        target, lookups = guarded({"bench.example.vn": ["127.0.0.1"]}, "bench.example.vn")
        url = renamed(receiver, "bench.example.vn")
        connector = target.connector(force_close=True)  # no kept-alive connection: each POST connects
        async with aiohttp.ClientSession(connector=connector) as http:
            for _ in range(2):
                async with http.post(url, data=b"{}") as answer:
                    assert answer.status == 200
        assert lookups.asked == ["bench.example.vn", "bench.example.vn"]

    @pytest.mark.parametrize("host", ["127.0.0.1", "[::ffff:127.0.0.1]", "[0:0:0:0:0:0:0:1]", "127.1", "0x7f000001"])
    async def test_a_literal_address_is_judged_before_connecting(self, host: str) -> None:
        with pytest.raises(TargetRefused):
            guard({}).check_before_connect(f"http://{host}:8080/hook")
