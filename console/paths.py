"""Where the console's templates and static files are, and the Jinja2 environment over them."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from jinja2 import Environment, FileSystemLoader, select_autoescape

from console import format as fmt

HERE: Final = Path(__file__).resolve().parent
TEMPLATES_DIR: Final = HERE / "templates"
STATIC_DIR: Final = HERE / "static"


def templates() -> Environment:
    """Autoescaped HTML templates with the Vietnamese formats as filters (``vn_date``, ``vnd``, ``deadline``)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html"]))
    env.filters["vn_date"] = fmt.vn_date
    env.filters["vnd"] = fmt.vnd
    env.filters["deadline"] = fmt.deadline
    return env
