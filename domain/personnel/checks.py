"""The error a malformed personnel rules table raises, and the field checks every rule type shares."""

from __future__ import annotations

import re

_KEY = re.compile(r"[a-z][a-z0-9_]*")


class PersonnelRuleError(ValueError):
    """The personnel rules table is malformed; the message names the entry."""


def check_text(key: str, description_vi: str, legal_basis: str) -> None:
    if not _KEY.fullmatch(key):
        raise PersonnelRuleError(f"rule key {key!r} must be lower-case letters, digits and underscores")
    if not description_vi.strip() or not legal_basis.strip():
        raise PersonnelRuleError(f"rule {key!r}: description_vi and legal_basis must not be empty")


def check_at_least(key: str, name: str, value: int, least: int) -> None:
    if value < least:
        raise PersonnelRuleError(f"rule {key!r}: {name} must be at least {least}, not {value}")


def check_names(key: str, name: str, names: tuple[str, ...]) -> None:
    if not names or any(not n.strip() for n in names):
        raise PersonnelRuleError(f"rule {key!r}: '{name}' must list at least one non-empty name")
    if len(set(names)) != len(names):
        raise PersonnelRuleError(f"rule {key!r}: '{name}' lists a name twice")
