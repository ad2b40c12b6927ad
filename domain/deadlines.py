"""Legal deadlines as a versioned rules table, and whether each one was kept.

Every rule has a key, its legal basis, the period it is in force for and its
duration. The Law on Civil Judgment Enforcement 2008 (amended 2014) is replaced
on 1 July 2026 by Law 106/2025/QH15, so most keys have two versions; the version
used is the one in force on the day of the event that starts the period (the
judgment's legal effect, the receipt of a request…). Where the new law's own
figure was not found the old one is kept, marked ``verified=False`` and with the
new law named as the basis (DOMAIN.md §3), so an operator can correct it in
``data/deadline_rules.toml`` without a code change.

Counting (Civil Code 2015 Arts. 147–148):

- a period starts the day after the event (Art. 147(1));
- ``calendar_days``, ``months``, ``years``: the last day is event + amount; when
  it is not a working day the period ends with the next working day
  (Art. 148(5)); a month without the corresponding day ends on its last day;
- ``working_days``: the amount-th working day after the event;
- ``hours``: event + amount hours, to the minute, holidays included (the event
  must carry a time);
- ``same_day``: the day of the event ("immediately", *ngay*);
- ``working_days_before``: the amount-th working day before the event, for
  steps that must be done ahead of a planned day (the police's protection
  plan 5 working days before a forced enforcement, Decree 152/2026 Arts. 46–47).

A deadline given as a date ends at 24:00 that day (Art. 148(6)). Aware
datetimes are read in Vietnam time (UTC+7, no daylight saving); naive ones are
taken to be Vietnam time already.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from itertools import pairwise
from typing import Any

from domain.workdays import WorkingCalendar

VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")
OLD_LAW_FROM = date(2015, 7, 1)  # Law 64/2014/QH13 amending the 2008 law in force
NEW_LAW_FROM = date(2026, 7, 1)  # Law 106/2025/QH15, Decrees 151 and 152/2026
OLD_LAW_TO = NEW_LAW_FROM - timedelta(days=1)

Moment = date | datetime

_KEY = re.compile(r"[a-z][a-z0-9_]*")


class RuleError(ValueError):
    """A rule, or the rules table, is malformed or contradicts itself."""


class RuleNotFound(LookupError):
    """No version of the rule is in force on the date asked for."""

    def __init__(self, key: str, on: date, known: bool) -> None:
        detail = "" if known else " (no such rule)"
        super().__init__(f"no deadline rule {key!r} in force on {on.isoformat()}{detail}")
        self.key = key
        self.on = on


class DeadlineUnit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    HOURS = "hours"
    SAME_DAY = "same_day"
    MONTHS = "months"
    YEARS = "years"
    WORKING_DAYS_BEFORE = "working_days_before"


class DeadlineState(StrEnum):
    """Where a deadline stands.

    A deadline kept late is not the same as one still open and late: the first
    counts against the agency in compliance figures, the second still needs
    someone to act. Both are :attr:`is_late`.
    """

    PENDING = "pending"  # not done, not yet due
    MET = "met"  # done on or before the due moment (đúng hạn)
    MET_LATE = "met_late"  # done, but after the due moment (quá hạn, đã thực hiện)
    OVERDUE = "overdue"  # not done and the due moment has passed (quá hạn)

    @property
    def is_late(self) -> bool:
        return self in (DeadlineState.MET_LATE, DeadlineState.OVERDUE)

    @property
    def is_open(self) -> bool:
        return self in (DeadlineState.PENDING, DeadlineState.OVERDUE)


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """One version of a deadline rule, in force from ``applies_from`` to ``applies_to`` inclusive."""

    key: str
    description_vi: str
    legal_basis: str
    applies_from: date
    applies_to: date | None
    amount: int
    unit: DeadlineUnit
    verified: bool
    source: str | None = None  # where the text was seen, for a verified rule

    def __post_init__(self) -> None:
        if not _KEY.fullmatch(self.key):
            raise RuleError(f"rule key {self.key!r} must be lower-case letters, digits and underscores")
        if not self.description_vi.strip() or not self.legal_basis.strip():
            raise RuleError(f"rule {self.key!r}: description_vi and legal_basis must not be empty")
        if self.applies_to is not None and self.applies_to < self.applies_from:
            raise RuleError(
                f"rule {self.key!r}: applies_to {self.applies_to.isoformat()}"
                f" is before applies_from {self.applies_from.isoformat()}"
            )
        if self.unit is DeadlineUnit.SAME_DAY and self.amount != 0:
            raise RuleError(f"rule {self.key!r}: a same_day rule has amount 0, not {self.amount}")
        if self.unit is not DeadlineUnit.SAME_DAY and self.amount < 1:
            raise RuleError(f"rule {self.key!r}: amount must be at least 1 {self.unit.value}, not {self.amount}")

    def in_force(self, on: date) -> bool:
        return self.applies_from <= on and (self.applies_to is None or on <= self.applies_to)

    def due(self, event: Moment, calendar: WorkingCalendar) -> Moment:
        """The due moment for an event: a date (ends at 24:00) or, for hours, a datetime."""
        if self.unit is DeadlineUnit.HOURS:
            if not isinstance(event, datetime):
                raise RuleError(f"rule {self.key!r} counts hours: the event needs a time, not just {event.isoformat()}")
            return _in_vietnam(event) + timedelta(hours=self.amount)
        day = local_day(event)
        if self.unit is DeadlineUnit.SAME_DAY:
            return day
        if self.unit is DeadlineUnit.WORKING_DAYS:
            return calendar.add_working_days(day, self.amount)
        if self.unit is DeadlineUnit.WORKING_DAYS_BEFORE:
            return calendar.working_days_before(day, self.amount)
        if self.unit is DeadlineUnit.CALENDAR_DAYS:
            last = day + timedelta(days=self.amount)
        elif self.unit is DeadlineUnit.MONTHS:
            last = _add_months(day, self.amount)
        else:
            last = _add_months(day, 12 * self.amount)
        return calendar.add_working_days(last, 0)


@dataclass(frozen=True, slots=True)
class Deadline:
    """A rule applied to an event: what a transfer exposes for each of its deadlines."""

    rule: DeadlineRule
    event: Moment
    due: Moment

    def state(self, done_at: Moment | None, today: Moment) -> DeadlineState:
        return assess(self.due, done_at, today)


def assess(due: Moment, done_at: Moment | None, today: Moment) -> DeadlineState:
    """The state of a deadline due at ``due``, done at ``done_at`` (None: not done), seen on ``today``.

    Met when done on or before the due moment; met late when done after it;
    overdue when not done and ``today`` is past it; pending otherwise. Moments
    are compared by the clock when both carry a time and by the day otherwise,
    so a task recorded only by its date is on time on the day it is due.
    """
    if done_at is not None:
        return DeadlineState.MET_LATE if _later(done_at, due) else DeadlineState.MET
    return DeadlineState.OVERDUE if _later(today, due) else DeadlineState.PENDING


def local_day(moment: Moment) -> date:
    """The calendar day of ``moment`` in Vietnam."""
    if isinstance(moment, datetime):
        return _in_vietnam(moment).date()
    return moment


def _in_vietnam(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=VIETNAM_TZ)
    return moment.astimezone(VIETNAM_TZ)


def _later(a: Moment, b: Moment) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime):
        return _in_vietnam(a) > _in_vietnam(b)
    return local_day(a) > local_day(b)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


class RuleBook:
    """All versions of all rules; at most one version of a key is in force on any day."""

    __slots__ = ("_by_key",)

    def __init__(self, rules: Iterable[DeadlineRule]) -> None:
        by_key: dict[str, list[DeadlineRule]] = {}
        for rule in rules:
            by_key.setdefault(rule.key, []).append(rule)
        for key, versions in by_key.items():
            versions.sort(key=lambda r: r.applies_from)
            for earlier, later in pairwise(versions):
                if earlier.applies_to is None or earlier.applies_to >= later.applies_from:
                    raise RuleError(
                        f"rule {key!r}: the version from {earlier.applies_from.isoformat()}"
                        f" (to {earlier.applies_to.isoformat() if earlier.applies_to else 'open end'})"
                        f" overlaps the version from {later.applies_from.isoformat()}"
                    )
        self._by_key = {key: tuple(versions) for key, versions in sorted(by_key.items())}

    def __iter__(self) -> Iterator[DeadlineRule]:
        for versions in self._by_key.values():
            yield from versions

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_key.values())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RuleBook) and self._by_key == other._by_key

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"RuleBook({len(self)} versions of {len(self._by_key)} rules)"

    def keys(self) -> tuple[str, ...]:
        return tuple(self._by_key)

    def versions(self, key: str) -> tuple[DeadlineRule, ...]:
        return self._by_key.get(key, ())

    def rule(self, key: str, on: date) -> DeadlineRule:
        """The version of ``key`` in force on ``on`` (the day of the event that starts the period)."""
        on = local_day(on)
        for version in self._by_key.get(key, ()):
            if version.in_force(on):
                return version
        raise RuleNotFound(key, on, known=key in self._by_key)

    def due(self, key: str, event: Moment, calendar: WorkingCalendar) -> Moment:
        return self.rule(key, local_day(event)).due(event, calendar)

    def deadline(self, key: str, event: Moment, calendar: WorkingCalendar) -> Deadline:
        rule = self.rule(key, local_day(event))
        return Deadline(rule=rule, event=event, due=rule.due(event, calendar))

    def with_overrides(self, overrides: Iterable[DeadlineRule]) -> RuleBook:
        """This book with each override replacing the version of the same key and start, or added."""
        replaced = {(r.key, r.applies_from): r for r in self}
        for rule in overrides:
            replaced[(rule.key, rule.applies_from)] = rule
        return RuleBook(replaced.values())


def _rule(
    key: str,
    description_vi: str,
    legal_basis: str,
    amount: int,
    unit: DeadlineUnit,
    applies_from: date,
    applies_to: date | None = None,
    *,
    verified: bool,
    source: str | None = None,
) -> DeadlineRule:
    return DeadlineRule(key, description_vi, legal_basis, applies_from, applies_to, amount, unit, verified, source)


def _both_laws(
    key: str,
    description_vi: str,
    old_basis: str,
    amount: int,
    unit: DeadlineUnit,
    *,
    verified: bool,
    source: str | None = None,
    old_law: str = "Luật THADS 2008 (sửa đổi 2014)",
    suffix: str = " Luật 2008",
) -> tuple[DeadlineRule, DeadlineRule]:
    """The 2008/2014 rule, and its continuation under Law 106/2025 with the figure not yet confirmed."""
    return (
        _rule(key, description_vi, f"{old_law}, {old_basis}", amount, unit,
              OLD_LAW_FROM, OLD_LAW_TO, verified=verified, source=source),
        _rule(key, description_vi,
              f"Luật THADS 106/2025/QH15 (điều khoản chưa xác định; tạm giữ thời hạn theo {old_basis}{suffix})",
              amount, unit, NEW_LAW_FROM, verified=False),
    )  # fmt: skip


_PHAP_DIEN_SEEN = (
    "Luật Thi hành án dân sự, văn bản hợp nhất (Pháp điển), {article} — đọc trong đợt rà soát của issue 16"
)
_DAYS = DeadlineUnit.CALENDAR_DAYS
_WORKING_DAYS = DeadlineUnit.WORKING_DAYS
_HOURS = DeadlineUnit.HOURS
_SAME_DAY = DeadlineUnit.SAME_DAY
_MONTHS = DeadlineUnit.MONTHS
_YEARS = DeadlineUnit.YEARS
_BEFORE = DeadlineUnit.WORKING_DAYS_BEFORE

_ART_160_SEEN = (
    "Điều 160 quoted in full at https://luathoanganh.vn/hoi-dap-luat-dan-su/"
    "the-nao-la-khang-nghi-va-giai-quyet-khang-nghi-ve-thi-hanh-an-dan-su-lha3226.html"
)
_VKS_LAW = "Luật Tổ chức Viện kiểm sát nhân dân 63/2014/QH13"
_DECREE_152 = "Nghị định 152/2026/NĐ-CP"

DEFAULT_RULES: tuple[DeadlineRule, ...] = (
    # ---- the court's transfer ----
    *_both_laws("court_transfer",
                "Tòa án chuyển giao bản án, quyết định cho cơ quan THADS, kể từ ngày bản án, quyết định có hiệu lực pháp luật",
                "Điều 28(1)", 30, _DAYS, verified=True),
    *_both_laws("court_transfer_immediate",
                "Tòa án chuyển giao bản án, quyết định được thi hành ngay (Điều 2(2)(a)), kể từ ngày ra bản án, quyết định",
                "Điều 28(2)", 15, _DAYS, verified=False),
    *_both_laws("court_transfer_interim",
                "Tòa án chuyển giao ngay quyết định áp dụng biện pháp khẩn cấp tạm thời cho cơ quan THADS",
                "Điều 28(3)", 0, _SAME_DAY, verified=True, source=_PHAP_DIEN_SEEN.format(article="Điều 28 khoản 3")),
    # ---- the enforcement decision and what follows it ----
    *_both_laws("decision_ex_officio",
                "Ra quyết định thi hành án chủ động, kể từ ngày nhận được bản án, quyết định",
                "Điều 36(1)–(2)", 5, _WORKING_DAYS, verified=True),
    *_both_laws("decision_on_request",
                "Ra quyết định thi hành án theo yêu cầu hoặc thông báo từ chối, kể từ ngày nhận được đơn yêu cầu",
                "Điều 36", 5, _WORKING_DAYS, verified=True),
    *_both_laws("decision_interim",
                "Ra ngay quyết định thi hành quyết định áp dụng biện pháp khẩn cấp tạm thời, khi nhận được quyết định",
                "Điều 36(2)", 0, _SAME_DAY, verified=False),
    *_both_laws("officer_interim_execution",
                "Chấp hành viên tổ chức thi hành quyết định áp dụng biện pháp khẩn cấp tạm thời, kể từ khi nhận được quyết định thi hành án",
                "Điều 130(1)", 24, _HOURS, verified=False),
    *_both_laws("decision_bankruptcy",
                "Ra quyết định thi hành quyết định của Tòa án giải quyết phá sản, kể từ ngày nhận được quyết định",
                "Điều 36(2)(e)", 3, _WORKING_DAYS, verified=False),
    *_both_laws("assign_officer",
                "Phân công Chấp hành viên tổ chức thi hành: ghi ngay trong quyết định thi hành án",
                "Điều 36(2)", 0, _SAME_DAY, verified=False),
    *_both_laws("send_decision_to_procuracy",
                "Gửi quyết định thi hành án cho Viện kiểm sát cùng cấp, kể từ ngày ra quyết định",
                "Điều 38", 3, _WORKING_DAYS, verified=True, source=_PHAP_DIEN_SEEN.format(article="Điều 38")),
    _rule("open_case_file",
          "Chấp hành viên lập hồ sơ thi hành án, kể từ ngày được phân công",
          f"{_DECREE_152}, Điều 12(2)", 2, _WORKING_DAYS, NEW_LAW_FROM, verified=True),
    _rule("incomplete_request_answer",
          "Trả lời đơn yêu cầu thi hành án chưa đầy đủ, kể từ ngày nhận được đơn",
          f"{_DECREE_152}, Điều 9(6)", 1, _WORKING_DAYS, NEW_LAW_FROM, verified=True),
    _rule("officer_change_request",
          "Giải quyết yêu cầu thay đổi Chấp hành viên, kể từ ngày nhận được yêu cầu",
          f"{_DECREE_152}, Điều 13", 3, _WORKING_DAYS, NEW_LAW_FROM, verified=True),
    _rule("private_office_decision",
          "Văn phòng THADS ra quyết định thi hành án, kể từ ngày ký hợp đồng dịch vụ với người được thi hành án",
          "Nghị định 151/2026/NĐ-CP, Điều 42", 5, _WORKING_DAYS, NEW_LAW_FROM, verified=True),
    *_both_laws("limitation_request",
                "Thời hiệu yêu cầu thi hành án, kể từ ngày bản án, quyết định có hiệu lực pháp luật (hoặc đến hạn)",
                "Điều 30", 5, _YEARS, verified=True),
    # ---- the court's explanation, and review of a judgment ----
    _rule("court_explanation",
          "Tòa án trả lời yêu cầu giải thích bản án, quyết định, kể từ ngày nhận được yêu cầu",
          "Luật THADS 2008 (sửa đổi 2014), Điều 179; TTLT 11/2016 Điều 9", 15, _DAYS, OLD_LAW_FROM, OLD_LAW_TO, verified=True),
    _rule("court_explanation",
          "Tòa án trả lời yêu cầu giải thích bản án, quyết định, kể từ ngày nhận được yêu cầu",
          "Luật THADS 106/2025/QH15 (điều khoản chưa xác định); tạm giữ thời hạn theo TTLT 11/2016 Điều 9",
          15, _DAYS, NEW_LAW_FROM, verified=False),
    *_both_laws("court_explanation_complex",
                "Tòa án trả lời yêu cầu giải thích bản án, quyết định trong trường hợp phức tạp, kể từ ngày nhận được yêu cầu",
                "Điều 179(2)", 30, _DAYS, verified=False),
    _rule("resume_after_explanation",
          "Tiếp tục thi hành hoặc sửa đổi, bổ sung quyết định sau khi có văn bản giải thích của Tòa án",
          "TTLT 11/2016 Điều 9", 5, _WORKING_DAYS, OLD_LAW_FROM, OLD_LAW_TO, verified=True),
    _rule("resume_after_explanation",
          "Tiếp tục thi hành hoặc sửa đổi, bổ sung quyết định sau khi có văn bản giải thích của Tòa án",
          "Luật THADS 106/2025/QH15 (điều khoản chưa xác định); tạm giữ thời hạn theo TTLT 11/2016 Điều 9",
          5, _WORKING_DAYS, NEW_LAW_FROM, verified=False),
    *_both_laws("review_recommendation_reply",
                "Trả lời kiến nghị xem xét lại bản án, quyết định theo thủ tục giám đốc thẩm, tái thẩm, kể từ ngày nhận được kiến nghị",
                "Điều 10", 3, _MONTHS, verified=False, old_law="TTLT 11/2016/TTLT-BTP-TANDTC-VKSNDTC", suffix=" TTLT 11/2016"),
    *_both_laws("review_recommendation_reply_complex",
                "Trả lời kiến nghị xem xét lại bản án, quyết định theo thủ tục giám đốc thẩm, tái thẩm trong trường hợp phức tạp",
                "Điều 10", 4, _MONTHS, verified=False, old_law="TTLT 11/2016/TTLT-BTP-TANDTC-VKSNDTC", suffix=" TTLT 11/2016"),
    # ---- the procuracy ----
    *_both_laws("procuracy_protest_same_level",
                "Viện kiểm sát cùng cấp kháng nghị quyết định về thi hành án, kể từ ngày nhận được quyết định",
                "Điều 160(2)", 15, _DAYS, verified=True, source=_ART_160_SEEN),
    *_both_laws("procuracy_protest_superior",
                "Viện kiểm sát cấp trên trực tiếp kháng nghị quyết định về thi hành án, kể từ ngày nhận được quyết định",
                "Điều 160(2)", 30, _DAYS, verified=True, source=_ART_160_SEEN),
    *_both_laws("procuracy_protest_reply",
                "Cơ quan thi hành án trả lời kháng nghị của Viện kiểm sát, kể từ ngày nhận được kháng nghị (trừ khi Viện kiểm sát ấn định thời hạn trả lời)",
                "Điều 161(1)", 15, _DAYS, verified=True, source=_PHAP_DIEN_SEEN.format(article="Điều 161 khoản 1")),
    *_both_laws("protest_carry_out",
                "Thực hiện kháng nghị của Viện kiểm sát đã được chấp nhận, kể từ ngày trả lời chấp nhận kháng nghị",
                "Điều 161(1)", 5, _WORKING_DAYS, verified=False),
    # ---- interagency statistics (TTLT 12/2021) ----
    _rule("interagency_countersign",
          "Viện kiểm sát cùng cấp ký xác nhận hoặc nêu ý kiến không thống nhất với số liệu thống kê liên ngành, kể từ ngày khóa số liệu",
          "TTLT 12/2021/TTLT-BTP-VKSNDTC-TANDTC (điều khoản chưa xác định)", 2, _WORKING_DAYS, OLD_LAW_FROM, verified=False),
    _rule("procuracy_request_reply",
          "Cơ quan thi hành án trả lời yêu cầu của Viện kiểm sát không nêu điểm nào của Điều 28(6) Luật Tổ chức VKSND, kể từ ngày nhận được yêu cầu (trừ khi Viện kiểm sát ấn định thời hạn trả lời)",
          "Chưa xác định căn cứ về thời hạn (thời hạn mặc định)", 15, _DAYS, OLD_LAW_FROM, OLD_LAW_TO, verified=False),
    _rule("procuracy_request_reply",
          "Cơ quan thi hành án trả lời yêu cầu của Viện kiểm sát không nêu điểm nào của Điều 28(6) Luật Tổ chức VKSND, kể từ ngày nhận được yêu cầu (trừ khi Viện kiểm sát ấn định thời hạn trả lời)",
          "Luật THADS 106/2025/QH15 (điều khoản chưa xác định); tạm giữ thời hạn mặc định", 15, _DAYS, NEW_LAW_FROM, verified=False),
    _rule("procuracy_request_immediate",
          "Thực hiện ngay yêu cầu của Viện kiểm sát: ra quyết định về thi hành án đúng pháp luật, thi hành bản án, quyết định, cung cấp hồ sơ, tài liệu, vật chứng",
          f"{_VKS_LAW}, Điều 28(6)(a), (b), (d)", 0, _SAME_DAY, OLD_LAW_FROM, verified=False),
    _rule("procuracy_request_self_inspection",
          "Tự kiểm tra việc thi hành án và thông báo kết quả cho Viện kiểm sát, kể từ ngày nhận được yêu cầu",
          f"{_VKS_LAW}, Điều 28(6)(c)", 30, _DAYS, OLD_LAW_FROM, verified=False),
    _rule("reply_recommendation",
          "Trả lời kiến nghị của Viện kiểm sát, kể từ ngày nhận được kiến nghị",
          "Chưa xác định căn cứ (thời hạn mặc định)", 15, _DAYS, OLD_LAW_FROM, verified=False),
    # ---- the police's protection of a forced enforcement ----
    _rule("police_support_reply",
          "Cơ quan Công an trả lời đề nghị hỗ trợ cưỡng chế thi hành án, kể từ ngày nhận được đề nghị",
          "Chưa xác định căn cứ (quy chế phối hợp liên ngành về cưỡng chế thi hành án); thời hạn mặc định", 5, _WORKING_DAYS, OLD_LAW_FROM, OLD_LAW_TO, verified=False),
    _rule("police_support_reply",
          "Công an cấp xã trả lời đề nghị bảo vệ cưỡng chế thi hành án, kể từ ngày nhận được đề nghị",
          f"{_DECREE_152}, Điều 46–47 (khoản chưa xác định)", 3, _WORKING_DAYS, NEW_LAW_FROM, verified=False),
    _rule("police_support_reply_provincial",
          "Công an cấp tỉnh trả lời đề nghị bảo vệ cưỡng chế thi hành án phức tạp hoặc liên quan nhiều xã, kể từ ngày nhận được đề nghị",
          f"{_DECREE_152}, Điều 46–47 (khoản chưa xác định)", 5, _WORKING_DAYS, NEW_LAW_FROM, verified=False),
    _rule("police_protection_plan",
          "Cơ quan Công an lập kế hoạch bảo vệ cưỡng chế, chậm nhất trước ngày cưỡng chế",
          f"{_DECREE_152}, Điều 46–47 (khoản chưa xác định)", 5, _BEFORE, NEW_LAW_FROM, verified=False),
    _rule("enforcement_coordination_meeting",
          "Họp phối hợp tổ chức cưỡng chế, chậm nhất trước ngày cưỡng chế; ý kiến khác nhau báo cáo Trưởng Ban Chỉ đạo THADS",
          f"{_DECREE_152}, Điều 46–47 (khoản chưa xác định)", 1, _BEFORE, NEW_LAW_FROM, verified=False),
    # ---- the hub's own ----
    _rule("report_acknowledgement",
          "Cơ quan nhận báo cáo định kỳ xác nhận đã nhận báo cáo, kể từ ngày nhận được báo cáo",
          "Chưa xác định căn cứ (thời hạn mặc định của hệ thống liên thông)", 3, _WORKING_DAYS, OLD_LAW_FROM, OLD_LAW_TO, verified=False),
    _rule("report_acknowledgement",
          "Cơ quan nhận báo cáo định kỳ xác nhận đã nhận báo cáo, kể từ ngày nhận được báo cáo",
          "Chưa xác định căn cứ (thời hạn mặc định của hệ thống liên thông)", 3, _WORKING_DAYS, NEW_LAW_FROM, verified=False),
)  # fmt: skip

DEFAULT_RULEBOOK = RuleBook(DEFAULT_RULES)

_REQUIRED = ("key", "description_vi", "legal_basis", "applies_from", "amount", "unit", "verified")
_OPTIONAL = ("applies_to", "source")


def load_rules_from_text(text: str, base: RuleBook | None = None) -> RuleBook:
    """The rules of ``base`` (the built-in defaults if None) overridden by a TOML text.

    The text is a list of ``[[rule]]`` tables with the fields of
    :class:`DeadlineRule` (dates as TOML dates, ``applies_to`` left out for an
    open end). A rule replaces the version with the same key and
    ``applies_from``, or adds a version; overlapping versions are an error. Pass
    ``base=RuleBook(())`` to read a complete table.
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"deadline rules: invalid TOML: {exc}") from exc
    unknown = set(document) - {"rule"}
    if unknown:
        raise RuleError(f"deadline rules: unknown top-level key(s) {sorted(unknown)}")
    entries = document.get("rule", [])
    if not isinstance(entries, list):
        raise RuleError("deadline rules: 'rule' must be an array of tables ([[rule]])")
    overrides: dict[tuple[str, date], int] = {}
    parsed: list[DeadlineRule] = []
    for number, entry in enumerate(entries, start=1):
        rule = _parse_rule(number, entry)
        start = (rule.key, rule.applies_from)
        if start in overrides:
            raise RuleError(
                f"deadline rule #{number} ({rule.key!r}): a version from {rule.applies_from.isoformat()}"
                f" is already given by rule #{overrides[start]}"
            )
        overrides[start] = number
        parsed.append(rule)
    book = DEFAULT_RULEBOOK if base is None else base
    try:
        return book.with_overrides(parsed)
    except RuleError as exc:
        raise RuleError(f"deadline rules: {exc}") from exc


def _parse_rule(number: int, entry: Any) -> DeadlineRule:
    where = f"deadline rule #{number}"
    if not isinstance(entry, dict):
        raise RuleError(f"{where}: must be a table")
    if isinstance(entry.get("key"), str):
        where = f"{where} ({entry['key']!r})"
    unknown = set(entry) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise RuleError(f"{where}: unknown field(s) {sorted(unknown)}")
    missing = [name for name in _REQUIRED if name not in entry]
    if missing:
        raise RuleError(f"{where}: missing field(s) {missing}")
    for name in ("key", "description_vi", "legal_basis"):
        if not isinstance(entry[name], str):
            raise RuleError(f"{where}: '{name}' must be a string")
    for name in ("applies_from", "applies_to"):
        value = entry.get(name)
        if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
            raise RuleError(f"{where}: '{name}' must be a TOML date such as 2026-07-01, not {value!r}")
    if not isinstance(entry["amount"], int) or isinstance(entry["amount"], bool):
        raise RuleError(f"{where}: 'amount' must be a whole number, not {entry['amount']!r}")
    if not isinstance(entry["verified"], bool):
        raise RuleError(f"{where}: 'verified' must be true or false")
    source = entry.get("source")
    if source is not None and (not isinstance(source, str) or not source.strip()):
        raise RuleError(f"{where}: 'source' must be a non-empty string")
    try:
        unit = DeadlineUnit(entry["unit"])
    except ValueError:
        allowed = ", ".join(repr(u.value) for u in DeadlineUnit)
        raise RuleError(f"{where}: 'unit' must be one of {allowed}, not {entry['unit']!r}") from None
    try:
        return DeadlineRule(
            key=entry["key"],
            description_vi=entry["description_vi"],
            legal_basis=entry["legal_basis"],
            applies_from=entry["applies_from"],
            applies_to=entry.get("applies_to"),
            amount=entry["amount"],
            unit=unit,
            verified=entry["verified"],
            source=source,
        )
    except RuleError as exc:
        raise RuleError(f"deadline rule #{number}: {exc}") from exc
