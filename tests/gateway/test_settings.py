from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from domain.clock import Clock
from domain.webhook_targets import AllowedHost, TargetPolicy
from gateway.identity import TokenVerifier, ensure_keypair
from gateway.settings import Settings, SettingsError


def test_defaults_are_the_embedded_demo():
    s = Settings.from_env({})
    assert s.database_url.startswith("sqlite+aiosqlite:///")
    assert s.demo
    assert s.host == "127.0.0.1"


def test_round_trips_through_the_environment():
    env = {
        "LIENTHONG_DATABASE_URL": "postgresql+asyncpg://u@127.0.0.1/x",
        "LIENTHONG_MODE": "production",
        "LIENTHONG_COURT_URL": "http://127.0.0.1:1/",
        "LIENTHONG_COURT_API_KEY": "k",
        "LIENTHONG_TRUSTED_ISSUERS": "moj=/etc/keys/moj.pem",
        "LIENTHONG_ADAPTER_TIMEOUT_S": "1.5",
    }
    s = Settings.from_env(env)
    assert s.court is not None
    assert s.court.base_url == "http://127.0.0.1:1"
    assert s.trusted_issuers == {"moj": Path("/etc/keys/moj.pem")}
    assert Settings.from_env(s.to_env()) == s


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"LIENTHONG_MODE": "staging"}, "LIENTHONG_MODE"),
        ({"LIENTHONG_PORT": "eighty"}, "bad number"),
        ({"LIENTHONG_COURT_URL": "http://127.0.0.1:1"}, "LIENTHONG_COURT_API_KEY"),
        ({"LIENTHONG_TRUSTED_ISSUERS": "no-equals-sign"}, "issuer=/path"),
    ],
)
def test_bad_settings_fail_loudly_naming_the_variable(env, fragment):
    with pytest.raises(SettingsError, match=fragment):
        Settings.from_env(env)


def test_circuit_breakers_are_on_by_default_and_round_trip():
    assert (Settings().circuit_failures, Settings().circuit_reset_s) == (5, 10.0)
    s = Settings.from_env({"LIENTHONG_CIRCUIT_FAILURES": "0", "LIENTHONG_CIRCUIT_RESET_S": "2.5"})
    assert (s.circuit_failures, s.circuit_reset_s) == (0, 2.5)  # 0: no breaker
    assert Settings.from_env(s.to_env()) == s


@pytest.mark.parametrize(
    "env",
    [{"LIENTHONG_CIRCUIT_FAILURES": "-1"}, {"LIENTHONG_CIRCUIT_RESET_S": "0"}, {"LIENTHONG_CIRCUIT_FAILURES": "2.5"}],
)
def test_bad_circuit_settings_fail_loudly(env):
    with pytest.raises(SettingsError, match="LIENTHONG_CIRCUIT_"):
        Settings.from_env(env)


def test_the_live_poll_interval_is_a_setting_and_must_be_positive():
    assert Settings().live_poll_s == 1.0
    s = Settings.from_env({"LIENTHONG_LIVE_POLL_S": "30"})
    assert s.live_poll_s == 30.0
    assert Settings.from_env(s.to_env()) == s
    with pytest.raises(SettingsError, match="LIENTHONG_LIVE_POLL_S"):
        Settings.from_env({"LIENTHONG_LIVE_POLL_S": "0"})


def test_the_demo_can_start_the_hub_clock_on_a_given_day():
    s = Settings.from_env({"LIENTHONG_CLOCK_START": "2027-02-05 16:59"})
    assert s.clock_start == datetime(2027, 2, 5, 9, 59, tzinfo=UTC)  # read in Việt Nam time
    assert Settings.from_env(s.to_env()) == s
    clock = s.clock()
    assert clock.today() == date(2027, 2, 5)
    assert abs(clock.now() - s.clock_start) < timedelta(minutes=1)  # it runs on from there
    assert Settings.from_env({}).clock().today() == Clock().today()  # unset: the machine's time


def test_a_clock_start_that_is_not_a_date_fails_naming_the_variable():
    with pytest.raises(SettingsError, match=r"LIENTHONG_CLOCK_START.*2027-02-05 16:59"):
        Settings.from_env({"LIENTHONG_CLOCK_START": "Friday before Tết"})


def test_the_clock_skew_allowed_on_tokens_is_a_bounded_setting():
    assert Settings.from_env({}).token_leeway_s == 30
    s = Settings.from_env({"LIENTHONG_TOKEN_LEEWAY_S": "5"})
    assert s.token_leeway_s == 5
    assert Settings.from_env(s.to_env()) == s
    for bad in ("-1", "301", "half a minute"):
        with pytest.raises(SettingsError, match="LIENTHONG_TOKEN_LEEWAY_S"):
            Settings.from_env({"LIENTHONG_TOKEN_LEEWAY_S": bad})


async def test_the_token_verifier_allows_the_configured_skew(tmp_path: Path):
    settings = Settings(keys_dir=tmp_path, token_leeway_s=7)
    ensure_keypair(settings.issuer_private_key, settings.issuer_public_key)
    async with aiohttp.ClientSession() as http:
        verifier = TokenVerifier.from_settings(settings, http, {}, Clock())
    assert verifier.leeway_s == 7


def test_the_earliest_plausible_judgment_is_a_setting():
    assert Settings.from_env({}).earliest_judgment == date(1945, 9, 2)
    s = Settings.from_env({"LIENTHONG_EARLIEST_JUDGMENT_DATE": "1990-01-01"})
    assert s.earliest_judgment == date(1990, 1, 1)
    assert Settings.from_env(s.to_env()) == s
    with pytest.raises(SettingsError, match="LIENTHONG_EARLIEST_JUDGMENT_DATE must be an ISO date"):
        Settings.from_env({"LIENTHONG_EARLIEST_JUDGMENT_DATE": "01/01/1990"})


def test_webhook_targets_follow_the_mode_and_the_hosts_the_operator_allows():
    assert Settings.from_env({}).webhook_targets() == TargetPolicy(https_only=False)
    s = Settings.from_env(
        {
            "LIENTHONG_MODE": "production",
            "LIENTHONG_WEBHOOK_ALLOW_HOSTS": "127.0.0.1, Hooks.Bench:8443,.example",
            "LIENTHONG_WEBHOOK_RESOLVE_TIMEOUT_S": "0.5",
        }
    )
    allowed = (AllowedHost("127.0.0.1"), AllowedHost("hooks.bench", 8443), AllowedHost(".example"))
    assert s.webhook_targets() == TargetPolicy(https_only=True, allow_hosts=allowed)
    assert s.webhooks.resolve_timeout_s == 0.5
    assert s.to_env()["LIENTHONG_WEBHOOK_ALLOW_HOSTS"] == "127.0.0.1,hooks.bench:8443,.example"
    assert Settings.from_env(s.to_env()) == s
    with pytest.raises(SettingsError, match="LIENTHONG_WEBHOOK_ALLOW_HOSTS: 'hooks:99999'"):
        Settings.from_env({"LIENTHONG_WEBHOOK_ALLOW_HOSTS": "127.0.0.1,hooks:99999"})
    with pytest.raises(SettingsError, match="LIENTHONG_WEBHOOK_RESOLVE_TIMEOUT_S must be positive"):
        Settings.from_env({"LIENTHONG_WEBHOOK_RESOLVE_TIMEOUT_S": "0"})
