"""The agency dialect's scalar forms: dd/mm/yyyy dates, "1.250.000" amounts, Vietnamese labels.

The labels map the canonical enums of ``domain.types`` to the exact words the
agency systems use (docs/agency-interface.md), so each service writes them the
same way and tests can read them back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from domain.types import (
    CaseStatus,
    DecisionKind,
    ObligationKind,
    PartyKind,
    PartyRole,
    Sex,
    SupervisionKind,
)

PARTY_ROLES: Mapping[PartyRole, str] = MappingProxyType(
    {
        PartyRole.CREDITOR: "người được thi hành án",
        PartyRole.DEBTOR: "người phải thi hành án",
        PartyRole.RELATED: "người có quyền lợi, nghĩa vụ liên quan",
    }
)
PARTY_KINDS: Mapping[PartyKind, str] = MappingProxyType(
    {PartyKind.INDIVIDUAL: "cá nhân", PartyKind.ORGANISATION: "tổ chức"}
)
OBLIGATION_KINDS: Mapping[ObligationKind, str] = MappingProxyType(
    {
        ObligationKind.COURT_FEE: "án phí",
        ObligationKind.FINE: "tiền phạt",
        ObligationKind.CONFISCATION: "tịch thu",
        ObligationKind.PAYMENT: "trả tiền",
        ObligationKind.RETURN_OF_ASSETS: "trả tài sản",
        ObligationKind.OTHER: "khác",
    }
)
CASE_STATUSES: Mapping[CaseStatus, str] = MappingProxyType(
    {
        CaseStatus.ACCEPTED: "thụ lý",
        CaseStatus.WITH_CONDITIONS: "có điều kiện",
        CaseStatus.WITHOUT_CONDITIONS: "chưa có điều kiện",
        CaseStatus.POSTPONED: "hoãn",
        CaseStatus.SUSPENDED: "tạm đình chỉ",
        CaseStatus.TERMINATED: "đình chỉ",
        CaseStatus.COMPLETED: "thi hành xong",
    }
)
DECISION_KINDS: Mapping[DecisionKind, str] = MappingProxyType(
    {DecisionKind.EX_OFFICIO: "chủ động", DecisionKind.ON_REQUEST: "theo đơn yêu cầu"}
)
SUPERVISION_KINDS: Mapping[SupervisionKind, str] = MappingProxyType(
    {
        SupervisionKind.REQUEST: "yêu cầu",
        SupervisionKind.RECOMMENDATION: "kiến nghị",
        SupervisionKind.PROTEST: "kháng nghị",
    }
)

SEXES: Mapping[Sex, str] = MappingProxyType({Sex.MALE: "Nam", Sex.FEMALE: "Nữ"})


def format_date(value: date | None) -> str | None:
    """``date(2026, 3, 5)`` → ``"05/03/2026"``."""
    return None if value is None else f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def parse_date(text: str) -> date:
    """``"05/03/2026"`` → ``date(2026, 3, 5)``; ``ValueError`` otherwise."""
    day, month, year = text.split("/")
    if len(day) != 2 or len(month) != 2 or len(year) != 4:
        raise ValueError(f"not a dd/mm/yyyy date: {text!r}")
    return date(int(year), int(month), int(day))


def format_vnd(amount: int | None) -> str | None:
    """``1250000`` → ``"1.250.000"`` (VND has no minor unit)."""
    return None if amount is None else f"{amount:,}".replace(",", ".")


def parse_vnd(text: str) -> int:
    """``"1.250.000"`` → ``1250000``; ``ValueError`` for anything else."""
    groups = text.split(".")
    head, rest = groups[0], groups[1:]
    if not head.isdigit() or len(head) > 3 or any(len(g) != 3 or not g.isdigit() for g in rest):
        raise ValueError(f"not a VND amount: {text!r}")
    return int("".join(groups))
