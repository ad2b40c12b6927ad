"""ASGI entry point for servers: ``uvicorn --factory gateway.asgi:app_from_env``."""

from __future__ import annotations

from starlette.applications import Starlette

from gateway.app import create_app
from gateway.server_gc import tuned_after_start
from gateway.settings import Settings


def app_from_env() -> Starlette:
    """The hub as a server process runs it: settings from the environment, the collector tuned after start."""
    settings = Settings.from_env()
    return tuned_after_start(create_app(settings), settings.gc_threshold)
