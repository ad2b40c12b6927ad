"""Interagency statistics (TTLT 12/2021/TTLT-BTP-VKSNDTC-TANDTC): the one report no single agency can produce.

For a period of 3, 6, 10 or 12 months of the statistical year (1 October – 30
September), the provincial enforcement agency's figures (forms 01–04/TKLN-THADS,
laid out here from what the committee report computes) are *closed* from the day
after the period; the procuracy of the same level *counter-signs* them, or
*disputes* them with a note per row, within the working days of
:data:`COUNTERSIGN_RULE`; the court's transfers are reconciled against the enforcement
agency's receipt register as the hub's transfer ledger holds them, and every
judgment only one side counts is listed::

    DRAFT ──close──▶ CLOSED ──countersign──▶ COUNTERSIGNED
                       │  ▲
               dispute │  │ close (corrected)
                       ▼  │
                     DISPUTED

Pure: no I/O, no clock (the caller passes ``today``). The resolver signs each
step with the hub's receipt key and writes it to the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from domain.deadlines import DeadlineState, RuleBook
from domain.errors import Invalid
from domain.messages import Text, msg
from domain.reports.figures import Figures
from domain.reports.indicators import Indicators
from domain.reports.period import Period, PeriodError
from domain.workdays import WorkingCalendar

LEGAL_BASIS: Final = "Thông tư liên tịch 12/2021/TTLT-BTP-VKSNDTC-TANDTC"
PERIOD_MONTHS: Final = (3, 6, 10, 12)
"""The periods the three agencies report on together (months counted from 1 October)."""
COUNTERSIGN_RULE: Final = "interagency_countersign"
"""The rule (data/deadline_rules.toml) of the working days the procuracy has, from the day the figures are
closed, to counter-sign or dispute: 2 working days, TTLT 12/2021 as the issue cites it (the article was not
seen in a stored text, so the rule says verified = false)."""
STATEMENT_TYPE: Final = "lienthong/interagency-statistics-step@1"
MAX_NOTE: Final = 2000
MAX_NOTES: Final = 200


class Status(StrEnum):
    DRAFT = "draft"  # not closed yet: the figures are live
    CLOSED = "closed"  # closed by the enforcement agency, awaiting the procuracy
    COUNTERSIGNED = "countersigned"  # the procuracy agrees: final
    DISPUTED = "disputed"  # the procuracy disagrees, row by row; the agency corrects and closes again


class Step(StrEnum):
    CLOSE = "close"
    COUNTERSIGN = "countersign"
    DISPUTE = "dispute"


class Side(StrEnum):
    """Which side counts a judgment the other does not."""

    COURT_ONLY = "court_only"  # the court transferred it in the period; the register has no entry in the period
    ENFORCEMENT_ONLY = "enforcement_only"  # registered in the period; the court transferred it before


class TransitionError(Invalid):
    """A step the statistics' status does not allow."""


_TRANSITIONS: Final = {
    (Status.DRAFT, Step.CLOSE): Status.CLOSED,
    (Status.DISPUTED, Step.CLOSE): Status.CLOSED,
    (Status.CLOSED, Step.COUNTERSIGN): Status.COUNTERSIGNED,
    (Status.CLOSED, Step.DISPUTE): Status.DISPUTED,
}


def transition(status: Status, step: Step) -> Status:
    """The status after ``step``; :class:`TransitionError` when ``status`` does not allow it."""
    after = _TRANSITIONS.get((status, step))
    if after is None:
        raise TransitionError(
            msg("statistics that are {status} do not allow the step {step}", status=status.value, step=step.value)
        )
    return after


def interagency_period(statistical_year: int, months: int) -> Period:
    """The period of an interagency report: ``months`` ∈ {3, 6, 10, 12} of ``statistical_year``."""
    if months not in PERIOD_MONTHS:
        raise PeriodError(msg("interagency statistics cover 3, 6, 10 or 12 months, not {months}", months=months))
    return Period.cumulative(statistical_year, months)


def statistics_id(province: str, period: Period) -> str:
    """``ha-noi:2026-06``: one record per province and period."""
    return f"{province}:{period.statistical_year}-{period.months:02d}"


def closes_on(period: Period) -> date:
    """The day the figures are closed: the day after the period (also the first day a close is accepted)."""
    return period.end + timedelta(days=1)


def countersign_due(rules: RuleBook, calendar: WorkingCalendar, closed_on: date) -> date:
    """The last day the procuracy may counter-sign or dispute figures closed on ``closed_on`` (:data:`COUNTERSIGN_RULE`)."""
    due = rules.due(COUNTERSIGN_RULE, closed_on, calendar)
    return due if not isinstance(due, datetime) else due.date()


@dataclass(frozen=True, slots=True)
class Deadline:
    """The step the statistics wait for, its last day and where it stands ``today``."""

    step: Step | None  # None once counter-signed: nothing is awaited
    due_on: date | None
    state: DeadlineState | None
    working_days: int | None  # left (≥ 0) while pending, late (> 0) when overdue


def deadline(
    calendar: WorkingCalendar,
    status: Status,
    period: Period,
    countersign_due_on: date | None,
    today: date,
    answered_on: date | None = None,
) -> Deadline:
    """What the statistics await ``today`` and where that stands.

    DRAFT awaits the close (due the day after the period, or the next working day);
    CLOSED awaits the procuracy (``countersign_due_on``); COUNTERSIGNED is done, MET or
    MET_LATE by ``answered_on``; DISPUTED awaits the agency's corrected close, for which
    no deadline is set (none was found in the texts), so it has no due day.
    """
    if status is Status.COUNTERSIGNED:
        if countersign_due_on is None or answered_on is None:
            return Deadline(None, None, None, None)
        late = answered_on > countersign_due_on
        return Deadline(
            Step.COUNTERSIGN,
            countersign_due_on,
            DeadlineState.MET_LATE if late else DeadlineState.MET,
            calendar.working_days_between(countersign_due_on, answered_on) if late else 0,
        )
    if status is Status.DISPUTED:
        return Deadline(Step.CLOSE, None, None, None)
    if status is Status.CLOSED and countersign_due_on is not None:
        step, due = Step.COUNTERSIGN, countersign_due_on
    else:
        step, due = Step.CLOSE, calendar.add_working_days(closes_on(period), 0)
    if today > due:
        return Deadline(step, due, DeadlineState.OVERDUE, calendar.working_days_between(due, today))
    return Deadline(step, due, DeadlineState.PENDING, calendar.working_days_between(today, due))


# --- forms 01–04/TKLN-THADS ------------------------------------------------------------------------


class Unit(StrEnum):
    CASES = "cases"  # việc
    VND = "vnd"  # đồng
    JUDGMENTS = "judgments"  # bản án, quyết định
    REQUESTS = "requests"  # yêu cầu, kiến nghị
    PERCENT = "percent"


@dataclass(frozen=True, slots=True)
class FormRow:
    """One row of the forms, in their order: ``value`` is an exact decimal text (``None``: not defined)."""

    form: str
    code: str
    label: str
    unit: Unit
    value: str | None


FORMS: Final = {
    "01/TKLN-THADS": "Kết quả thi hành án dân sự về việc",
    "02/TKLN-THADS": "Kết quả thi hành án dân sự về tiền",
    "03/TKLN-THADS": "Tiếp nhận bản án, quyết định do Tòa án chuyển giao",
    "04/TKLN-THADS": "Kiểm sát thi hành án dân sự: yêu cầu, kiến nghị",
}
_INDICATOR_LABELS: Final = {
    "carried_over": "Năm trước chuyển sang",
    "newly_accepted": "Thụ lý mới",
    "entrusted_out": "Ủy thác",
    "withdrawn": "Thu hồi, hủy quyết định",
    "total": "Tổng số phải thi hành",
    "with_conditions": "Có điều kiện thi hành",
    "without_conditions": "Chưa có điều kiện thi hành",
    "completed": "Thi hành xong",
    "carried_to_next": "Chuyển kỳ sau",
    "completion_rate": "Tỷ lệ thi hành xong (%)",
}
_DERIVED: Final = ("total", "carried_to_next", "completion_rate")


def _text(value: int | Decimal | None) -> str | None:
    return None if value is None else str(value)


def _indicator_rows(form: str, prefix: str, indicators: Indicators, unit: Unit) -> list[FormRow]:
    """Every indicator the figures carry, stored ones first (in their declared order), then the derived ones.

    Read by name, so a column the report arithmetic adds appears here with its field name until it has a label.
    """
    names = [f.name for f in fields(indicators)] + [d for d in _DERIVED if hasattr(indicators, d)]
    rows: list[FormRow] = []
    for name in names:
        value = getattr(indicators, name)
        if not isinstance(value, int | Decimal) and value is not None:
            continue  # not a figure
        row_unit = Unit.PERCENT if name == "completion_rate" else unit
        code = f"{prefix}.{len(rows) + 1}"
        rows.append(FormRow(form, code, _INDICATOR_LABELS.get(name, name), row_unit, _text(value)))
    return rows


def form_rows(figures: Figures) -> tuple[FormRow, ...]:
    """Forms 01–04/TKLN-THADS of one province's totals, in the forms' row order."""
    e = figures.enforcement
    t = figures.transfers
    r = figures.coordination.recommendations
    all_requests = figures.coordination.total
    f3, f4 = "03/TKLN-THADS", "04/TKLN-THADS"
    return (
        *_indicator_rows("01/TKLN-THADS", "01", e.cases, Unit.CASES),
        *_indicator_rows("02/TKLN-THADS", "02", e.money, Unit.VND),
        FormRow(f3, "03.1", "Bản án, quyết định Tòa án chuyển giao", Unit.JUDGMENTS, str(t.transferred)),
        FormRow(f3, "03.2", "Chuyển giao đúng hạn", Unit.JUDGMENTS, str(t.on_time)),
        FormRow(f3, "03.3", "Chuyển giao quá hạn", Unit.JUDGMENTS, str(t.late)),
        FormRow(f3, "03.4", "Đã vào sổ nhận bản án, quyết định", Unit.JUDGMENTS, str(t.acknowledged)),
        FormRow(f3, "03.5", "Trả lại Tòa án", Unit.JUDGMENTS, str(t.returned)),
        FormRow(f3, "03.6", "Đã ra quyết định thi hành án", Unit.JUDGMENTS, str(t.decided)),
        FormRow(f3, "03.7", "Quyết định thi hành án đúng hạn", Unit.JUDGMENTS, str(t.decided_on_time)),
        FormRow(f3, "03.8", "Quyết định thi hành án quá hạn", Unit.JUDGMENTS, str(t.decided_late)),
        FormRow(f4, "04.1", "Kiến nghị của Viện kiểm sát nhận được", Unit.REQUESTS, str(r.opened)),
        FormRow(f4, "04.2", "Kiến nghị đã trả lời", Unit.REQUESTS, str(r.answered)),
        FormRow(f4, "04.3", "Kiến nghị trả lời quá hạn", Unit.REQUESTS, str(r.answered_late)),
        FormRow(f4, "04.4", "Kiến nghị chưa trả lời", Unit.REQUESTS, str(r.open)),
        FormRow(f4, "04.5", "Kiến nghị chưa trả lời, quá hạn", Unit.REQUESTS, str(r.overdue)),
        FormRow(f4, "04.6", "Yêu cầu phối hợp liên ngành (mọi loại)", Unit.REQUESTS, str(all_requests.opened)),
    )


# --- reconciliation with the courts ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TransferFact:
    """A transfer as the hub's ledger holds it: when the court sent it, when the agency registered it."""

    transfer_id: str
    judgment_id: str
    court_code: str
    sent_on: date  # the hub's receipt of the court's signed submission, Việt Nam day
    registered_on: date | None  # entered in the agency's receipt register (acknowledged)
    returned_on: date | None


@dataclass(frozen=True, slots=True)
class Difference:
    transfer_id: str
    judgment_id: str
    court_code: str
    side: Side
    sent_on: date
    registered_on: date | None
    reason: str


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """The court's count (sent in the period) against the register's (registered in the period)."""

    court_count: int
    enforcement_count: int
    matched: int
    differences: tuple[Difference, ...]


def _reason(fact: TransferFact, period: Period, side: Side) -> str:
    if side is Side.ENFORCEMENT_ONLY:
        return f"Tòa án chuyển giao ngày {fact.sent_on:%d/%m/%Y}, trước kỳ"
    if fact.returned_on is not None and fact.registered_on is None:
        return f"Cơ quan thi hành án trả lại ngày {fact.returned_on:%d/%m/%Y}, không vào sổ"
    if fact.registered_on is None:
        return "Chưa vào sổ nhận bản án, quyết định"
    return f"Vào sổ ngày {fact.registered_on:%d/%m/%Y}, sau kỳ"


def reconcile(period: Period, facts: Iterable[TransferFact]) -> Reconciliation:
    """Every transfer the court counts in ``period`` and the register does not, and the other way round."""
    court = enforcement = matched = 0
    differences = []
    for fact in facts:
        sent = period.contains(fact.sent_on)
        registered = fact.registered_on is not None and period.contains(fact.registered_on)
        court += sent
        enforcement += registered
        if sent and registered:
            matched += 1
            continue
        side = Side.COURT_ONLY if sent else Side.ENFORCEMENT_ONLY
        if sent or registered:
            differences.append(
                Difference(
                    fact.transfer_id,
                    fact.judgment_id,
                    fact.court_code,
                    side,
                    fact.sent_on,
                    fact.registered_on,
                    _reason(fact, period, side),
                )
            )
    differences.sort(key=lambda d: (d.side, d.court_code, d.sent_on, d.judgment_id))
    return Reconciliation(court, enforcement, matched, tuple(differences))


# --- what is closed and what is signed -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The figures and the reconciliation as closed: stored, hashed and signed, never recomputed."""

    rows: tuple[FormRow, ...]
    reconciliation: Reconciliation

    def to_json(self) -> dict[str, Any]:
        r = self.reconciliation
        return {
            "rows": [
                {"form": x.form, "code": x.code, "label": x.label, "unit": x.unit.value, "value": x.value}
                for x in self.rows
            ],
            "reconciliation": {
                "courtCount": r.court_count,
                "enforcementCount": r.enforcement_count,
                "matched": r.matched,
                "differences": [
                    {
                        "transfer": d.transfer_id,
                        "judgment": d.judgment_id,
                        "court": d.court_code,
                        "side": d.side.value,
                        "sentOn": d.sent_on.isoformat(),
                        "registeredOn": d.registered_on.isoformat() if d.registered_on else None,
                        "reason": d.reason,
                    }
                    for d in r.differences
                ],
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snapshot:
        r = data["reconciliation"]
        return cls(
            tuple(FormRow(x["form"], x["code"], x["label"], Unit(x["unit"]), x["value"]) for x in data["rows"]),
            Reconciliation(
                r["courtCount"],
                r["enforcementCount"],
                r["matched"],
                tuple(
                    Difference(
                        d["transfer"],
                        d["judgment"],
                        d["court"],
                        Side(d["side"]),
                        date.fromisoformat(d["sentOn"]),
                        date.fromisoformat(d["registeredOn"]) if d["registeredOn"] else None,
                        d["reason"],
                    )
                    for d in r["differences"]
                ),
            ),
        )


@dataclass(frozen=True, slots=True)
class RowNote:
    """The procuracy's disagreement with one row (``row`` is its code, e.g. ``01.3``)."""

    row: str
    note: str


def check_notes(notes: Sequence[RowNote], rows: Sequence[FormRow]) -> list[Text]:
    """What is wrong with a dispute's notes (empty when acceptable)."""
    if not notes:
        return [msg("a dispute names at least one row and says what is wrong with it")]
    if len(notes) > MAX_NOTES:
        return [msg("at most {limit} notes", limit=MAX_NOTES)]
    codes = {r.code for r in rows}
    problems: list[Text] = []
    for n in notes:
        if n.row not in codes:
            problems.append(msg("no row {row} in the forms", row=repr(n.row)))
        if not n.note.strip():
            problems.append(msg("the note on row {row} is empty", row=n.row))
        if len(n.note) > MAX_NOTE:
            problems.append(msg("the note on row {row} is longer than {limit} characters", row=n.row, limit=MAX_NOTE))
    if len({n.row for n in notes}) != len(notes):
        problems.append(msg("one note per row"))
    return problems


def step_statement(
    *,
    record_id: str,
    province: str,
    period: Period,
    version: int,
    step: Step,
    status: Status,
    at: datetime,
    agency_code: str,
    person: str | None,
    figures_sha256: str,
    countersign_due_on: date | None,
    note: str | None,
    notes: Sequence[RowNote],
    hub_key_id: str,
) -> dict[str, Any]:
    """What the hub signs for one step: who did what to which figures (their hash), when, under which deadline."""
    return {
        "type": STATEMENT_TYPE,
        "basis": LEGAL_BASIS,
        "statistics": record_id,
        "province": province,
        "statisticalYear": period.statistical_year,
        "months": period.months,
        "periodStart": period.start.isoformat(),
        "periodEnd": period.end.isoformat(),
        "version": version,
        "step": step.value,
        "status": status.value,
        "at": at.isoformat(),
        "agency": agency_code,
        "person": person,
        "figuresSha256": figures_sha256,
        "countersignDueOn": countersign_due_on.isoformat() if countersign_due_on else None,
        "note": note,
        "notes": [{"row": n.row, "note": n.note} for n in notes],
        "hubKeyId": hub_key_id,
    }
