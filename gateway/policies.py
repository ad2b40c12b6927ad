"""Reads the deadline rules and calendar adjustments from the data directory (operators edit these files)."""

from __future__ import annotations

from pathlib import Path

from domain.deadlines import DEFAULT_RULEBOOK, load_rules_from_text
from domain.transfer_deadlines import DeadlinePolicy
from domain.workdays import WorkingCalendar, load_calendar_adjustments_from_text
from gateway.settings import SettingsError

RULES_FILE = "deadline_rules.toml"
CALENDAR_FILE = "compensatory_days.toml"


def load_deadline_policy(data_dir: Path) -> DeadlinePolicy:
    """The rules (built-in table, overridden by ``deadline_rules.toml``) and the calendar (``compensatory_days.toml``)."""
    rules_path, calendar_path = data_dir / RULES_FILE, data_dir / CALENDAR_FILE
    try:
        rules = (
            load_rules_from_text(rules_path.read_text(encoding="utf-8")) if rules_path.exists() else DEFAULT_RULEBOOK
        )
        adjustments = (
            load_calendar_adjustments_from_text(calendar_path.read_text(encoding="utf-8"))
            if calendar_path.exists()
            else ()
        )
    except ValueError as exc:
        raise SettingsError(f"deadline configuration in {data_dir} is not valid: {exc}") from exc
    return DeadlinePolicy(rules, WorkingCalendar.from_adjustments(adjustments))
