"""Interagency statistics rules (domain/interagency.py): periods, states, deadlines, forms, reconciliation."""

from __future__ import annotations

from datetime import date

import pytest

from domain.deadlines import DEFAULT_RULEBOOK, DeadlineState
from domain.interagency import (
    RowNote,
    Side,
    Snapshot,
    Status,
    Step,
    TransferFact,
    TransitionError,
    check_notes,
    closes_on,
    countersign_due,
    deadline,
    form_rows,
    interagency_period,
    reconcile,
    transition,
)
from domain.reports.figures import Figures
from domain.reports.indicators import EnforcementFigures, Indicators
from domain.reports.period import PeriodError
from domain.workdays import WorkingCalendar

SIX_MONTHS = interagency_period(2026, 6)  # 01/10/2025 – 31/03/2026


@pytest.mark.parametrize("months", [1, 2, 4, 5, 7, 8, 9, 11])
def test_only_3_6_10_and_12_months_are_interagency_periods(months: int) -> None:
    with pytest.raises(PeriodError):
        interagency_period(2026, months)


def test_a_period_is_closed_the_day_after_it_ends() -> None:
    assert (SIX_MONTHS.start, SIX_MONTHS.end) == (date(2025, 10, 1), date(2026, 3, 31))
    assert closes_on(SIX_MONTHS) == date(2026, 4, 1)
    assert closes_on(interagency_period(2026, 12)) == date(2026, 10, 1)  # 30 September / 1 October


def test_the_states_move_as_the_circular_says() -> None:
    assert transition(Status.DRAFT, Step.CLOSE) is Status.CLOSED
    assert transition(Status.CLOSED, Step.COUNTERSIGN) is Status.COUNTERSIGNED
    assert transition(Status.CLOSED, Step.DISPUTE) is Status.DISPUTED
    assert transition(Status.DISPUTED, Step.CLOSE) is Status.CLOSED
    for status, step in [
        (Status.DRAFT, Step.COUNTERSIGN),
        (Status.DRAFT, Step.DISPUTE),
        (Status.CLOSED, Step.CLOSE),
        (Status.DISPUTED, Step.COUNTERSIGN),
        (Status.COUNTERSIGNED, Step.CLOSE),
        (Status.COUNTERSIGNED, Step.DISPUTE),
    ]:
        with pytest.raises(TransitionError):
            transition(status, step)


def test_the_countersignature_is_due_two_working_days_after_the_close(calendar: WorkingCalendar) -> None:
    assert countersign_due(DEFAULT_RULEBOOK, calendar, date(2026, 4, 1)) == date(2026, 4, 3)  # Wednesday → Friday
    assert countersign_due(DEFAULT_RULEBOOK, calendar, date(2026, 4, 2)) == date(
        2026, 4, 6
    )  # Thursday → Monday, over the weekend
    assert countersign_due(DEFAULT_RULEBOOK, calendar, date(2026, 4, 29)) == date(
        2026, 5, 5
    )  # 30/4 and 1/5 are holidays


def test_a_closed_period_goes_overdue_the_working_day_after_its_due_day(calendar: WorkingCalendar) -> None:
    due = date(2026, 4, 6)
    saturday = deadline(calendar, Status.CLOSED, SIX_MONTHS, due, date(2026, 4, 4))
    assert (saturday.state, saturday.working_days) == (DeadlineState.PENDING, 1)
    monday = deadline(calendar, Status.CLOSED, SIX_MONTHS, due, due)
    assert (monday.state, monday.working_days) == (DeadlineState.PENDING, 0)
    tuesday = deadline(calendar, Status.CLOSED, SIX_MONTHS, due, date(2026, 4, 7))
    assert (tuesday.step, tuesday.state, tuesday.working_days) == (Step.COUNTERSIGN, DeadlineState.OVERDUE, 1)
    late = deadline(calendar, Status.COUNTERSIGNED, SIX_MONTHS, due, date(2026, 4, 9), answered_on=date(2026, 4, 8))
    assert (late.state, late.working_days) == (DeadlineState.MET_LATE, 2)
    # 3 months end on 31/12/2025; 1/1 is a holiday and 2/1/2026 a day off (swapped): the close is due on Monday 5/1
    draft = deadline(calendar, Status.DRAFT, interagency_period(2026, 3), None, date(2026, 1, 6))
    assert (draft.step, draft.due_on, draft.state) == (Step.CLOSE, date(2026, 1, 5), DeadlineState.OVERDUE)


def test_the_forms_carry_the_indicators_in_order_and_their_arithmetic() -> None:
    cases = Indicators(carried_over=10, newly_accepted=30, with_conditions=30, without_conditions=10, completed=18)
    money = Indicators(carried_over=5_000_000_000_000, newly_accepted=1, with_conditions=4, completed=3)
    rows = form_rows(Figures(enforcement=EnforcementFigures(cases, money)))
    by_label = {(r.form, r.label): r.value for r in rows}
    assert by_label[("01/TKLN-THADS", "Tổng số phải thi hành")] == str(cases.total)
    assert by_label[("01/TKLN-THADS", "Thi hành xong")] == "18"
    assert by_label[("01/TKLN-THADS", "Tỷ lệ thi hành xong (%)")] == "60.00"
    assert by_label[("02/TKLN-THADS", "Năm trước chuyển sang")] == "5000000000000"  # beyond 32 bits, exact
    assert [r.form for r in rows] == sorted(r.form for r in rows)  # the forms in order
    assert len({r.code for r in rows}) == len(rows)


def _fact(n: int, sent: date, registered: date | None = None, returned: date | None = None) -> TransferFact:
    return TransferFact(f"t{n}", f"court.x:{n}/2026/DS-ST", "court.x", sent, registered, returned)


def test_reconciliation_lists_what_only_one_side_counts_and_why() -> None:
    facts = [
        _fact(1, date(2026, 3, 2), date(2026, 3, 3)),  # both
        _fact(2, date(2026, 3, 30)),  # court only: not registered
        _fact(3, date(2026, 3, 31), date(2026, 4, 1)),  # court only: registered after the period
        _fact(4, date(2025, 9, 30), date(2025, 10, 1)),  # enforcement only: sent in the year before
        _fact(5, date(2026, 3, 10), returned=date(2026, 3, 12)),  # court only: returned
    ]
    r = reconcile(SIX_MONTHS, facts)
    assert (r.court_count, r.enforcement_count, r.matched) == (4, 2, 1)
    sides = {d.transfer_id: (d.side, d.reason) for d in r.differences}
    assert sides == {
        "t2": (Side.COURT_ONLY, "Chưa vào sổ nhận bản án, quyết định"),
        "t3": (Side.COURT_ONLY, "Vào sổ ngày 01/04/2026, sau kỳ"),
        "t4": (Side.ENFORCEMENT_ONLY, "Tòa án chuyển giao ngày 30/09/2025, trước kỳ"),
        "t5": (Side.COURT_ONLY, "Cơ quan thi hành án trả lại ngày 12/03/2026, không vào sổ"),
    }
    assert r.court_count - r.matched == sum(1 for d in r.differences if d.side is Side.COURT_ONLY)
    assert r.enforcement_count - r.matched == sum(1 for d in r.differences if d.side is Side.ENFORCEMENT_ONLY)


def test_a_snapshot_reads_back_what_was_stored() -> None:
    snapshot = Snapshot(form_rows(Figures()), reconcile(SIX_MONTHS, [_fact(2, date(2026, 3, 30))]))
    assert Snapshot.from_json(snapshot.to_json()) == snapshot


def test_a_dispute_names_existing_rows_once_each_with_a_note() -> None:
    rows = form_rows(Figures())
    assert check_notes([RowNote("01.1", "Sai số")], rows) == []
    assert check_notes([], rows)
    assert check_notes([RowNote("99.9", "x")], rows)
    assert check_notes([RowNote("01.1", "  ")], rows)
    assert check_notes([RowNote("01.1", "a"), RowNote("01.1", "b")], rows)
