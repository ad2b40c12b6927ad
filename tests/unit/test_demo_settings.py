"""The running demo's settings file (gateway/demo_settings.py): written owner-only, read back the same,
used only by a command whose environment configures nothing itself."""

from __future__ import annotations

import stat
from pathlib import Path

from gateway import demo_settings
from gateway.settings import AgencyEndpoint, Settings


def demo(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'var' / 'lienthong.db'}",
        court=AgencyEndpoint("http://127.0.0.1:41001", "khóa 'tòa án' $HOME"),
        personnel_database_url=f"sqlite+aiosqlite:///{tmp_path / 'personnel.db'}",
    )


def test_the_file_reads_back_as_the_settings_it_was_written_from(tmp_path: Path) -> None:
    path = tmp_path / "var" / demo_settings.FILE_NAME
    demo_settings.write(path, demo(tmp_path))

    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds the agencies' API keys
    assert demo_settings.read(path) == demo(tmp_path).to_env()
    assert Settings.from_env(demo_settings.read(path)).court == demo(tmp_path).court


def test_a_command_uses_the_file_only_when_its_environment_configures_nothing(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere.env"
    demo_settings.write(path, demo(tmp_path))
    override = {demo_settings.OVERRIDE: str(path)}

    used, found = demo_settings.command_environment({"HOME": "/root", **override})
    assert found == path
    assert used["LIENTHONG_COURT_URL"] == "http://127.0.0.1:41001"

    configured = {"LIENTHONG_DATABASE_URL": "postgresql+asyncpg://hub@db/lienthong", **override}
    assert demo_settings.command_environment(configured) == (configured, None)


def test_no_file_no_change(tmp_path: Path) -> None:
    environment = {demo_settings.OVERRIDE: str(tmp_path / "absent.env")}
    assert demo_settings.command_environment(environment) == (environment, None)
