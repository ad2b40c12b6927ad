"""A transfer's deadlines, and how the court's explanation of an unclear judgment restarts them."""

from datetime import date, datetime, timedelta, timezone

from domain.deadlines import DEFAULT_RULEBOOK, DeadlineState
from domain.transfer_deadlines import TransferFacts, transfer_deadlines

VN = timezone(timedelta(hours=7))


def facts(**changes):
    base = {
        "effective_on": date(2026, 5, 20),
        "received_at": datetime(2026, 5, 25, 9, 0, tzinfo=VN),  # a Monday
        "interim_measure": False,
        "has_ex_officio": True,
    }
    return TransferFacts(**{**base, **changes})


def by_key(tracked):
    return {d.key: d for d in tracked}


def test_an_ex_officio_decision_is_due_five_working_days_after_receipt(calendar):
    now = datetime(2026, 5, 26, 9, 0, tzinfo=VN)
    found = by_key(transfer_deadlines(facts(), DEFAULT_RULEBOOK, calendar, now))
    # counted from the day after receipt: Tue 26, Wed 27, Thu 28, Fri 29, Mon 1 June
    assert found["decision_ex_officio"].due == date(2026, 6, 1)
    assert found["decision_ex_officio"].state is DeadlineState.PENDING
    assert "resume_after_explanation" not in found


def test_the_courts_explanation_restarts_the_decision_deadline_from_its_answer(calendar):
    explained = datetime(2026, 7, 6, 15, 0, tzinfo=VN)  # a Monday, long after the first deadline passed
    now = datetime(2026, 7, 7, 9, 0, tzinfo=VN)
    found = by_key(transfer_deadlines(facts(explained_at=explained), DEFAULT_RULEBOOK, calendar, now))
    assert "decision_ex_officio" not in found, "the old, missed deadline no longer counts"
    # Tue 7, Wed 8, Thu 9, Fri 10, Mon 13 July
    assert found["resume_after_explanation"].due == date(2026, 7, 13)
    assert found["resume_after_explanation"].state is DeadlineState.PENDING


def test_a_decision_after_the_explanation_meets_the_restarted_deadline(calendar):
    explained = datetime(2026, 7, 6, 15, 0, tzinfo=VN)
    decided = facts(explained_at=explained, decision_date=date(2026, 7, 10), decided_at=explained + timedelta(days=4))
    now = datetime(2026, 7, 20, 9, 0, tzinfo=VN)
    found = by_key(transfer_deadlines(decided, DEFAULT_RULEBOOK, calendar, now))
    assert found["resume_after_explanation"].state is DeadlineState.MET
