"""ASGI entry point for servers: ``uvicorn --factory gateway.asgi:app_from_env``."""

from __future__ import annotations

from starlette.applications import Starlette

from gateway.app import create_app
from gateway.server_gc import tuned_after_start
from gateway.server_memory import limit_arenas, trimmed_while_running
from gateway.settings import Settings


def app_from_env() -> Starlette:
    """The hub as a server process runs it: settings from the environment, malloc's arenas capped before any
    thread starts and trimmed while it runs (gateway/server_memory.py), the collector tuned after start."""
    limit_arenas()
    settings = Settings.from_env()
    return trimmed_while_running(tuned_after_start(create_app(settings), settings.gc_threshold))
