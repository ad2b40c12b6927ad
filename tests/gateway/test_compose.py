"""docker-compose.yml stays true to the code: the topology of docs/operations.md, health-gated, configured
only with settings the hub reads. (Nothing is started here: there is no container engine in the test run.)"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from gateway.settings import REPO_ROOT, Settings

yaml = pytest.importorskip("yaml")

COMPOSE = REPO_ROOT / "docker-compose.yml"
HUBS = ("hub-a", "hub-b")
LONG_RUNNING = ("postgres", "court", "enforcement", "procuracy", *HUBS, "lb")


class Reads(Mapping[str, str]):
    """An environment that remembers which variables were asked for."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = dict(values)
        self.asked: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return self.values.get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def environment_of(service: Mapping[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return {str(k): str(v) for k, v in env.items()}


def test_it_describes_postgresql_two_hub_replicas_a_load_balancer_and_the_agencies(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(LONG_RUNNING) | {"setup"} <= set(services)
    for name in HUBS:
        assert services[name]["command"] == ["lienthong", "serve"]
        assert environment_of(services[name])["LIENTHONG_DATABASE_URL"].startswith("postgresql")
    assert environment_of(services["hub-a"]) == environment_of(services["hub-b"]), "replicas differ only by name"
    assert (REPO_ROOT / "Dockerfile").exists()


def test_every_long_running_service_has_a_health_check_and_starts_after_what_it_needs(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    for name in LONG_RUNNING:
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no health check"
    for name in HUBS:
        assert "/readyz" in " ".join(services[name]["healthcheck"]["test"])
        needs = services[name]["depends_on"]
        assert {
            dep: needs[dep]["condition"] for dep in ("postgres", "court", "enforcement", "procuracy")
        } == dict.fromkeys(("postgres", "court", "enforcement", "procuracy"), "service_healthy")
        assert needs["setup"]["condition"] == "service_completed_successfully"
    assert {dep: cond["condition"] for dep, cond in services["lb"]["depends_on"].items()} == dict.fromkeys(
        HUBS, "service_healthy"
    )
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])


def test_the_load_balancer_passes_websocket_upgrades_to_both_replicas(compose: dict[str, Any]) -> None:
    config = compose["configs"]["load-balancer"]["content"].replace("$$", "$")  # what nginx reads after compose
    assert all(f"server {hub}:8000" in config for hub in HUBS)
    graphql = config[config.index("location /graphql") :]
    graphql = graphql[: graphql.index("}")]
    assert "proxy_set_header Upgrade $http_upgrade" in graphql
    assert "proxy_set_header Connection $connection_upgrade" in graphql
    published = compose["services"]["lb"]["ports"]
    assert all(str(port).startswith("127.0.0.1:") for port in published), "the demo is published on loopback only"


def test_every_lienthong_variable_it_sets_is_one_the_settings_read(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        env = environment_of(service)
        ours = {k: v for k, v in env.items() if k.startswith("LIENTHONG_")}
        if not ours:
            continue
        reads = Reads(ours)
        Settings.from_env(reads)  # and every value parses
        assert set(ours) - reads.asked == set(), f"{name} sets variables the hub never reads"


def test_it_names_the_paths_the_image_has(compose: dict[str, Any]) -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM python:3.11-slim" in dockerfile
    for name in HUBS:
        env = environment_of(compose["services"][name])
        assert Path(env["LIENTHONG_DATA_DIR"]) == Path("/app/data")
    assert "COPY data ./data" in dockerfile
    assert "WORKDIR /app" in dockerfile


def test_the_image_holds_every_package_and_the_browser_files() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    packaged = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for pattern in packaged["tool"]["setuptools"]["packages"]["find"]["include"]:
        package = pattern.rstrip("*")
        assert f"COPY {package} ./{package}" in dockerfile, f"the image lacks {package}/"
    assert "COPY --from=assets /assets/node_modules ./console/assets/node_modules" in dockerfile
