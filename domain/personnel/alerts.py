"""Assembling one agency's personnel alerts: retirement, term ends, second terms, rotation, quota, leaders.

An alert is listed when its date falls on or before ``as_of + horizon_days``,
past dates included (a retirement, reappointment or rotation that is overdue).
Quota gaps and vacant leadership seats are due ``as_of``. Each alert names the
rule (its key and legal basis) it comes from.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from domain.personnel.retirement import retirement_age, retirement_date
from domain.personnel.rules import PersonnelRules
from domain.personnel.staffing import agency_code_of, agency_kind_of, vacant_seats
from domain.personnel.terms import rotation_due, term_end
from domain.types import AgencyKind, AgencyLevel, Officer, StaffingUnit


class AlertKind(StrEnum):
    RETIREMENT = "retirement"
    TERM_ENDING = "term_ending"
    SECOND_TERM = "second_term"
    ROTATION_DUE = "rotation_due"
    QUOTA_GAP = "quota_gap"
    MISSING_LEADER = "missing_leader"


_KIND_ORDER: Mapping[AlertKind, int] = MappingProxyType({kind: n for n, kind in enumerate(AlertKind)})


@dataclass(frozen=True, slots=True)
class PersonnelAlert:
    kind: AlertKind
    agency_code: str
    officer_code: str | None
    rule: str  # the rule key in the rules table
    legal_basis: str
    due_on: date
    detail: str  # one Vietnamese sentence


def personnel_alerts(
    unit: StaffingUnit | None,
    officers: Sequence[Officer],
    *,
    level: AgencyLevel,
    as_of: date,
    horizon_days: int,
    rules: PersonnelRules,
    agency_code: str | None = None,
    kind: AgencyKind | None = None,
) -> list[PersonnelAlert]:
    """Alerts of one agency due on or before ``as_of + horizon_days`` (overdue ones included).

    Sorted by due date, agency, officer (agency-wide alerts first) and kind.
    The agency and its kind are found as for
    :func:`~domain.personnel.staffing.staffing_summary`.
    """
    if horizon_days < 0:
        raise ValueError(f"horizon_days must not be negative, not {horizon_days}")
    code = agency_code_of(unit, officers, agency_code)
    until = as_of + timedelta(days=horizon_days)
    alerts = [
        *_agency_alerts(code, unit, officers, agency_kind_of(code, kind), level, as_of, rules),
        *(alert for officer in officers for alert in _officer_alerts(code, officer, as_of, rules)),
    ]
    return sorted(
        (a for a in alerts if a.due_on <= until),
        key=lambda a: (a.due_on, a.agency_code, a.officer_code or "", _KIND_ORDER[a.kind], a.rule),
    )


def _agency_alerts(
    code: str,
    unit: StaffingUnit | None,
    officers: Sequence[Officer],
    kind: AgencyKind,
    level: AgencyLevel,
    as_of: date,
    rules: PersonnelRules,
) -> Iterator[PersonnelAlert]:
    if unit is not None and len(officers) != unit.quota:
        gap = len(officers) - unit.quota
        state = f"còn thiếu {-gap} biên chế" if gap < 0 else f"vượt {gap} người so với biên chế"
        rule = rules.quota
        yield PersonnelAlert(
            AlertKind.QUOTA_GAP, code, None, rule.key, rule.legal_basis, as_of,
            f"{unit.name} có {len(officers)} người đang công tác trên {unit.quota} biên chế được giao, {state}.",
        )  # fmt: skip
    leadership = rules.leadership_for(kind, level)
    for post, missing in vacant_seats(officers, kind, level, rules):
        assert leadership is not None  # vacancies come from the level's rule
        where = unit.name if unit is not None else code
        yield PersonnelAlert(
            AlertKind.MISSING_LEADER, code, None, leadership.key, leadership.legal_basis, as_of,
            f"{where} còn trống {missing} vị trí {post}.",
        )  # fmt: skip


def _officer_alerts(code: str, officer: Officer, as_of: date, rules: PersonnelRules) -> Iterator[PersonnelAlert]:
    yield _retirement_alert(code, officer, as_of, rules)
    yield from _term_alerts(code, officer, as_of, rules)
    rotation = _rotation_alert(code, officer, as_of, rules)
    if rotation is not None:
        yield rotation


def _who(officer: Officer) -> str:
    return f"{officer.name} ({officer.post or officer.title})"


def _vn(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _retirement_alert(code: str, officer: Officer, as_of: date, rules: PersonnelRules) -> PersonnelAlert:
    age = retirement_age(officer.sex, officer.birth_date, rules)
    effective = retirement_date(officer.sex, officer.birth_date, rules)
    if effective < as_of:
        detail = f"{_who(officer)} đã đến thời điểm nghỉ hưu ngày {_vn(effective)} ({age}) nhưng vẫn đang công tác."
    else:
        detail = f"{_who(officer)} đủ tuổi nghỉ hưu ({age}), thời điểm nghỉ hưu ngày {_vn(effective)}."
    rule = rules.retirement
    return PersonnelAlert(AlertKind.RETIREMENT, code, officer.code, rule.key, rule.legal_basis, effective, detail)


def _term_alerts(code: str, officer: Officer, as_of: date, rules: PersonnelRules) -> Iterator[PersonnelAlert]:
    end = term_end(officer, rules)
    if end is None:
        return
    term = rules.term
    if end < as_of:
        detail = f"Nhiệm kỳ của {_who(officer)} đã hết ngày {_vn(end)} nhưng chưa được bổ nhiệm lại hoặc thay thế."
    else:
        detail = f"Nhiệm kỳ của {_who(officer)} hết ngày {_vn(end)}, cần xem xét bổ nhiệm lại hoặc thay thế."
    yield PersonnelAlert(AlertKind.TERM_ENDING, code, officer.code, term.key, term.legal_basis, end, detail)
    second = rules.second_term
    if officer.consecutive_terms >= second.terms:
        yield PersonnelAlert(
            AlertKind.SECOND_TERM, code, officer.code, second.key, second.legal_basis, end,
            f"{_who(officer)} giữ chức vụ {officer.post} nhiệm kỳ thứ {officer.consecutive_terms} liên tiếp"
            f" đến ngày {_vn(end)}, cần xem xét luân chuyển, chuyển đổi vị trí công tác.",
        )  # fmt: skip


def _rotation_alert(code: str, officer: Officer, as_of: date, rules: PersonnelRules) -> PersonnelAlert | None:
    due = rotation_due(officer, rules)
    if due is None:
        return None
    rule = rules.rotation_for(officer)
    since = officer.position_since or officer.appointed_on
    assert since is not None  # rotation_due found a start
    when = f"đã quá hạn từ ngày {_vn(due)}" if due < as_of else f"đến hạn ngày {_vn(due)}"
    detail = (
        f"{_who(officer)} giữ vị trí từ ngày {_vn(since)}, {when} phải định kỳ chuyển đổi vị trí công tác"
        f" ({rule.years} năm)."
    )
    return PersonnelAlert(AlertKind.ROTATION_DUE, code, officer.code, rule.key, rule.legal_basis, due, detail)
