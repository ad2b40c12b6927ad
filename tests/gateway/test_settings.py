from pathlib import Path

import pytest

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
