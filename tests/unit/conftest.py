"""Shared material for the domain's unit tests: the organisation's access policy and the working-day calendar."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.organisation import build_organisation, parse_provinces
from domain.policy import AccessPolicy
from domain.workdays import WorkingCalendar, load_calendar_adjustments_from_text

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="session")
def access() -> AccessPolicy:
    """The access policy over the reference organisation (data/provinces.csv, data/area_courts.csv)."""
    rows = parse_provinces(
        (DATA / "provinces.csv").read_text(encoding="utf-8"), (DATA / "area_courts.csv").read_text(encoding="utf-8")
    )
    return AccessPolicy({a.code: a for a in build_organisation(rows)})


@pytest.fixture(scope="session")
def calendar() -> WorkingCalendar:
    """The working-day calendar with the shipped compensatory days (data/compensatory_days.toml)."""
    text = (DATA / "compensatory_days.toml").read_text(encoding="utf-8")
    return WorkingCalendar.from_adjustments(load_calendar_adjustments_from_text(text))
