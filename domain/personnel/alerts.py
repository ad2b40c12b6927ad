"""Assembling one agency's personnel alerts: retirement, term ends, second terms, rotation, quota, leaders.

An alert is listed when its date falls on or before ``as_of + horizon_days``,
past dates included (a retirement, reappointment or rotation that is overdue).
Quota gaps and vacant leadership seats are due ``as_of``. Each alert names the
rule (its key and legal basis) it comes from, and whether that rule was
verified against its text (``verified``).

A leader in the last term the cap allows (Decree 138/2020 Art. 41(2)) is told
they cannot be reappointed; a sensitive post is not rotated with less than the
table's months left before retirement, and a recorded deferral reason keeps the
rotation waiting under its own rule (Decree 59/2019 Arts. 38–39); a later
retirement recorded for an officer (Labour Code Art. 169(4)) moves the
retirement alert, within the table's bound.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from domain.personnel.months import add_months
from domain.personnel.retirement import OfficerRetirement, officer_retirement
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
    verified: bool  # the rule's figure and basis were seen in their text
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
        *(alert for officer in officers for alert in _officer_alerts(code, officer, as_of, until, rules)),
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
            AlertKind.QUOTA_GAP, code, None, rule.key, rule.legal_basis, rule.verified, as_of,
            f"{unit.name} có {len(officers)} người đang công tác trên {unit.quota} biên chế được giao, {state}.",
        )  # fmt: skip
    leadership = rules.leadership_for(kind, level)
    for post, missing in vacant_seats(officers, kind, level, rules):
        assert leadership is not None  # vacancies come from the level's rule
        where = unit.name if unit is not None else code
        yield PersonnelAlert(
            AlertKind.MISSING_LEADER, code, None, leadership.key, leadership.legal_basis, leadership.verified, as_of,
            f"{where} còn trống {missing} vị trí {post}.",
        )  # fmt: skip


def _officer_alerts(
    code: str, officer: Officer, as_of: date, until: date, rules: PersonnelRules
) -> Iterator[PersonnelAlert]:
    """The officer's alerts due by ``until``; the retirement day is worked out once for all of them.

    Alerts due later are not built at all (a national report has ten thousand officers and lists a fifth
    of their alerts): their dates are compared first, their sentences written only for those listed.
    """
    retirement = officer_retirement(officer, rules)
    if retirement.on <= until:
        yield _retirement_alert(code, officer, retirement, as_of, rules)
    yield from _term_alerts(code, officer, as_of, until, rules)
    rotation = _rotation_alert(code, officer, retirement, as_of, until, rules)
    if rotation is not None:
        yield rotation


def _who(officer: Officer) -> str:
    return f"{officer.name} ({officer.post or officer.title})"


def _vn(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _retirement_alert(
    code: str, officer: Officer, retirement: OfficerRetirement, as_of: date, rules: PersonnelRules
) -> PersonnelAlert:
    age = retirement.age
    effective = retirement.on
    if retirement.extended:
        rule = rules.retirement_extension
        key, basis, verified = rule.key, rule.legal_basis, rule.verified
        recorded = officer.retirement_extended_to
        assert recorded is not None  # extended: a later day is recorded
        bound = (
            f" (ngày {_vn(recorded)} đã ghi nhận vượt quá {rule.max_years} năm so với tuổi nghỉ hưu, chỉ tính đến"
            f" giới hạn)"
            if retirement.capped
            else ""
        )
        reason = f"nghỉ hưu ở tuổi cao hơn{bound}; lẽ ra nghỉ hưu ngày {_vn(retirement.normal)} ({age})"
    else:
        rule_ = rules.retirement
        key, basis = rule_.key, rule_.legal_basis
        verified = rule_.verified and rule_.effective_verified
        reason = str(age)
    if effective < as_of:
        detail = f"{_who(officer)} đã đến thời điểm nghỉ hưu ngày {_vn(effective)} ({reason}) nhưng vẫn đang công tác."
    elif retirement.extended:
        detail = f"{_who(officer)} có thời điểm nghỉ hưu ngày {_vn(effective)} ({reason})."
    else:
        detail = f"{_who(officer)} đủ tuổi nghỉ hưu ({reason}), thời điểm nghỉ hưu ngày {_vn(effective)}."
    return PersonnelAlert(AlertKind.RETIREMENT, code, officer.code, key, basis, verified, effective, detail)


def _term_alerts(
    code: str, officer: Officer, as_of: date, until: date, rules: PersonnelRules
) -> Iterator[PersonnelAlert]:
    end = term_end(officer, rules)
    if end is None or end > until:
        return
    term, cap = rules.term, rules.second_term
    last = officer.consecutive_terms >= cap.terms  # no reappointment to this post when it ends
    action = "không được bổ nhiệm lại vào chức vụ này" if last else "cần xem xét bổ nhiệm lại hoặc thay thế"
    if end < as_of:
        done = "người thay thế" if last else "bổ nhiệm lại hoặc thay thế"
        detail = f"Nhiệm kỳ của {_who(officer)} đã hết ngày {_vn(end)} nhưng chưa có {done}."
    else:
        detail = f"Nhiệm kỳ của {_who(officer)} hết ngày {_vn(end)}, {action}."
    yield PersonnelAlert(
        AlertKind.TERM_ENDING, code, officer.code, term.key, term.legal_basis, term.verified, end, detail
    )
    if last:
        beyond = (
            f", đã vượt quá giới hạn {cap.terms} nhiệm kỳ liên tiếp" if officer.consecutive_terms > cap.terms else ""
        )
        yield PersonnelAlert(
            AlertKind.SECOND_TERM, code, officer.code, cap.key, cap.legal_basis, cap.verified, end,
            f"{_who(officer)} giữ chức vụ {officer.post} nhiệm kỳ thứ {officer.consecutive_terms} liên tiếp"
            f" đến ngày {_vn(end)}{beyond}: không giữ một chức vụ quá {cap.terms} nhiệm kỳ liên tiếp, không được"
            f" bổ nhiệm lại; cần bố trí người thay thế và luân chuyển, chuyển đổi vị trí công tác.",
        )  # fmt: skip


def _rotation_alert(
    code: str, officer: Officer, retirement: OfficerRetirement, as_of: date, until: date, rules: PersonnelRules
) -> PersonnelAlert | None:
    due = rotation_due(officer, rules)
    if due is None or due > until:
        return None
    near = rules.rotation_near_retirement
    carried_out = max(due, as_of)  # the day a rotation would take place
    if add_months(carried_out, near.months) > retirement.on:
        return None  # less than `months` of service left: no rotation (the retirement alert stands)
    rule = rules.rotation_for(officer)
    since = officer.position_since or officer.appointed_on
    assert since is not None  # rotation_due found a start
    deferral = rules.deferral_for(officer)
    if deferral is not None:
        detail = (
            f"{_who(officer)} giữ vị trí từ ngày {_vn(since)}, đến hạn chuyển đổi vị trí công tác ngày {_vn(due)}"
            f" ({rule.years} năm) nhưng chưa thực hiện: {deferral.description_vi.split(': ', 1)[-1]};"
            f" chuyển đổi khi hết lý do."
        )
        return PersonnelAlert(
            AlertKind.ROTATION_DUE, code, officer.code, deferral.key, deferral.legal_basis, deferral.verified, due,
            detail,
        )  # fmt: skip
    when = f"đã quá hạn từ ngày {_vn(due)}" if due < as_of else f"đến hạn ngày {_vn(due)}"
    detail = (
        f"{_who(officer)} giữ vị trí từ ngày {_vn(since)}, {when} phải định kỳ chuyển đổi vị trí công tác"
        f" ({rule.years} năm)."
    )
    return PersonnelAlert(
        AlertKind.ROTATION_DUE, code, officer.code, rule.key, rule.legal_basis, rule.verified, due, detail
    )
