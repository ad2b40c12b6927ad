"""Reads the deadline rules, calendar adjustments, distribution and personnel rules from the data directory (operators edit these files)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

from domain.coordination import DistributionRule, load_distribution_rules_from_text, unknown_distribution_codes
from domain.deadlines import DEFAULT_RULEBOOK, load_rules_from_text
from domain.personnel.loading import load_personnel_rules_from_text
from domain.personnel.rules import PersonnelRules
from domain.reports.targets import EMPTY_TARGETS, ReportTargets, load_report_targets_from_text
from domain.transfer_deadlines import DeadlinePolicy
from domain.types import Agency
from domain.workdays import WorkingCalendar, load_calendar_adjustments_from_text
from gateway.settings import REPO_ROOT, SettingsError

RULES_FILE = "deadline_rules.toml"
CALENDAR_FILE = "compensatory_days.toml"
DISTRIBUTION_FILE = "distribution_rules.toml"
PERSONNEL_FILE = "personnel_rules.toml"
REPORT_TARGETS_FILE = "report_targets.toml"
SHIPPED_DATA_DIR = REPO_ROOT / "data"  # the data files that come with the hub


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


def load_distribution_rules(
    data_dir: Path, agencies: Mapping[str, Agency] | None = None
) -> tuple[DistributionRule, ...]:
    """Who gets a copy of which coordination requests (``distribution_rules.toml``; none when the file is absent).

    With ``agencies`` (the organisation), every observer and province code must
    be known too, so a misspelt code fails at start rather than silently
    sending copies nowhere.
    """
    path = data_dir / DISTRIBUTION_FILE
    if not path.exists():
        return ()
    try:
        rules = load_distribution_rules_from_text(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path} is not valid: {exc}") from exc
    problems = unknown_distribution_codes(rules, agencies) if agencies is not None else []
    if problems:
        raise SettingsError(f"{path} is not valid: {'; '.join(problems)}")
    return rules


def load_personnel_rules(data_dir: Path) -> PersonnelRules:
    """The personnel rules: ``personnel_rules.toml`` in ``data_dir`` (a complete table), else the hub's own file."""
    path = data_dir / PERSONNEL_FILE
    if not path.exists():
        return shipped_personnel_rules()
    return _read_personnel_rules(path)


@functools.cache
def shipped_personnel_rules() -> PersonnelRules:
    """The rules of the hub's own ``data/personnel_rules.toml``, read once (for a data directory without one)."""
    return _read_personnel_rules(SHIPPED_DATA_DIR / PERSONNEL_FILE)


def _read_personnel_rules(path: Path) -> PersonnelRules:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"{path} cannot be read: {exc}") from exc
    try:
        return load_personnel_rules_from_text(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path} is not valid: {exc}") from exc


def load_report_targets(data_dir: Path) -> ReportTargets:
    """Completion-rate targets (chỉ tiêu): ``report_targets.toml``, or none when it is absent."""
    path = data_dir / REPORT_TARGETS_FILE
    if not path.exists():
        return EMPTY_TARGETS
    try:
        return load_report_targets_from_text(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path} is not valid: {exc}") from exc
