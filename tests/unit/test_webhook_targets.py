"""Webhook target rules (domain/webhook_targets.py): every spelling of an address, every kind that is not public."""

from __future__ import annotations

import re
from ipaddress import ip_address

import pytest

from domain.messages import VIETNAMESE, tell
from domain.webhook_targets import (
    AllowedHost,
    TargetCode,
    TargetPolicy,
    TargetRefused,
    literal_address,
    parse_allow_hosts,
    refusal_of,
)

LOOPBACK_SPELLINGS = [
    "127.0.0.1",
    "0x7f000001",
    "2130706433",
    "127.1",
    "017700000001",
    "127.0.0.1.",
    "0x7F000001",
    "::1",
    "0:0:0:0:0:0:0:1",
]


class TestLiteralAddresses:
    @pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
    def test_every_spelling_of_the_loopback_address_is_read_as_loopback(self, host: str) -> None:
        address = literal_address(host)
        assert address is not None, host
        assert refusal_of(address) == "loopback"

    @pytest.mark.parametrize("host", ["::ffff:127.0.0.1", "::ffff:7f00:1", "::FFFF:7F00:1"])
    def test_ipv4_mapped_ipv6_is_read_and_refused_as_such(self, host: str) -> None:
        address = literal_address(host)
        assert address is not None
        assert refusal_of(address) == "IPv4-mapped IPv6"

    @pytest.mark.parametrize("host", ["hooks.example.vn", "localhost", "abc", "deadbeef", "0x7g000001", ""])
    def test_names_are_not_addresses(self, host: str) -> None:
        assert literal_address(host) is None

    def test_a_zone_id_does_not_hide_a_link_local_address(self) -> None:
        address = literal_address("fe80::1%eth0")
        assert address is not None
        assert refusal_of(address) == "link-local"


class TestKindsOfAddress:
    @pytest.mark.parametrize(
        ("address", "kind"),
        [
            ("0.0.0.0", "unspecified"),
            ("::", "unspecified"),
            ("127.5.6.7", "loopback"),
            ("169.254.169.254", "link-local"),  # cloud metadata services
            ("fe80::1", "link-local"),
            ("224.0.0.1", "multicast"),  # Python counts it global: the multicast check must come first
            ("ff02::1", "multicast"),
            ("10.1.2.3", "private or unique-local"),
            ("172.16.0.1", "private or unique-local"),
            ("192.168.1.1", "private or unique-local"),
            ("fd00::1", "private or unique-local"),
            ("fec0::1", "site-local"),  # deprecated, and counted global by Python
            ("240.0.0.1", "private or unique-local"),
            ("100.64.0.1", "not globally routable"),  # carrier-grade NAT
            ("2002:7f00:1::", "IPv6 carrying IPv4 127.0.0.1: loopback"),  # 6to4 of 127.0.0.1
            ("2002:a00:1::", "IPv6 carrying IPv4 10.0.0.1: private or unique-local"),
        ],
    )
    def test_what_is_not_public_is_named(self, address: str, kind: str) -> None:
        assert refusal_of(ip_address(address)) == kind

    @pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::1111", "2002:5db8:d70e::"])
    def test_public_addresses_pass(self, address: str) -> None:
        assert refusal_of(ip_address(address)) is None


class TestAllowList:
    def test_entries_are_read_with_or_without_a_port(self) -> None:
        assert parse_allow_hosts(" 127.0.0.1, Hooks.Bench:8443 ,[::1]:9000,[0:0::1],.example,") == (
            AllowedHost("127.0.0.1"),
            AllowedHost("hooks.bench", 8443),
            AllowedHost("::1", 9000),
            AllowedHost("::1"),
            AllowedHost(".example"),
        )

    def test_entries_print_back_as_they_are_read(self) -> None:
        entries = parse_allow_hosts("127.0.0.1,hooks.bench:8443,[::1]:9000,.example")
        assert ",".join(map(str, entries)) == "127.0.0.1,hooks.bench:8443,[::1]:9000,.example"

    @pytest.mark.parametrize("raw", ["hooks:0", "hooks:99999", "hooks:x", "[::1", "[zz::1]", "a/b", ".", "[::1]x"])
    def test_a_bad_entry_is_refused_naming_it(self, raw: str) -> None:
        with pytest.raises(ValueError, match=re.escape(repr(raw))):
            parse_allow_hosts(f"127.0.0.1,{raw}")

    def test_an_address_is_allowed_as_written_and_no_other_spelling(self) -> None:
        policy = TargetPolicy(allow_hosts=parse_allow_hosts("127.0.0.1"))
        assert policy.allows("127.0.0.1", 8080)
        for other in ("127.1", "0x7f000001", "2130706433", "127.0.0.1.", "::ffff:7f00:1", "localhost"):
            assert not policy.allows(other, 8080), other

    def test_a_port_restricts_the_entry_and_a_suffix_covers_names_under_it(self) -> None:
        policy = TargetPolicy(allow_hosts=parse_allow_hosts("hooks.bench:8443,.example"))
        assert policy.allows("hooks.bench", 8443)
        assert not policy.allows("hooks.bench", 443)
        assert policy.allows("can-tho.example", 443)
        assert not policy.allows("example", 443)
        assert not policy.allows("notexample", 443)


class TestPolicy:
    def test_production_refuses_plain_http_with_a_message_in_both_languages(self) -> None:
        with pytest.raises(TargetRefused) as refused:
            TargetPolicy(https_only=True).check_scheme("http")
        assert refused.value.code is TargetCode.INVALID_URL
        assert "https://" in refused.value.message
        assert refused.value.message == "in production a webhook URL must start with https://"
        assert (
            tell(refused.value.message, VIETNAMESE) == "ở chế độ vận hành, địa chỉ webhook phải bắt đầu bằng https://"
        )
        TargetPolicy(https_only=True).check_scheme("HTTPS")
        TargetPolicy(https_only=False).check_scheme("http")

    @pytest.mark.parametrize("host", [*LOOPBACK_SPELLINGS, "::ffff:7f00:1", "10.0.0.1", "1.2.3.4.5", "999999999999"])
    def test_a_literal_that_is_not_public_or_not_an_address_is_refused(self, host: str) -> None:
        with pytest.raises(TargetRefused) as refused:
            TargetPolicy().check_literal(host, 443)
        assert refused.value.code is TargetCode.NOT_ALLOWED
        assert refused.value.detail.startswith(host), "the log must say which host was refused"

    def test_a_name_is_left_to_the_resolver_and_an_allowed_address_passes(self) -> None:
        TargetPolicy().check_literal("hooks.example.vn", 443)
        TargetPolicy(allow_hosts=parse_allow_hosts("127.0.0.1")).check_literal("127.0.0.1", 8080)
