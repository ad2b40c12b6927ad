"""ASGI entry point for servers: ``uvicorn --factory gateway.asgi:app_from_env``."""

from __future__ import annotations

from starlette.applications import Starlette

from gateway.app import create_app
from gateway.settings import Settings


def app_from_env() -> Starlette:
    return create_app(Settings.from_env())
