"""The committee report's monthly summary of transfers, kept by triggers on ``transfers`` (migration 0013).

``ledger/report_summary.py`` says what the figures mean and how the report uses them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from sqlalchemy import Date, Integer, text
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import CODE, Base

MONTH_COUNTS: Final = (
    "transferred",
    "on_time",
    "late",
    "acknowledged",
    "returned",
    "decided",
    "decided_on_time",
    "decided_late",
)
"""The figures of a month, in ``ledger.reports.TransferCounts`` order."""


class ReportDeadlineRow(Base):
    """The rule book's deadlines for one calendar day, as the report's figures use them.

    ``transfer_until``/``interim_until``: the first late instant for the court's transfer of a
    judgment (of an interim measure) that took effect that day; ``decision_due``: the last day an
    ex-officio decision on a transfer received that day is on time. NULL: no rule in force. Written
    by the report from ``domain.transfer_deadlines`` (the rules are configuration, not data the
    database could compute), read by the triggers that keep :class:`TransferMonthRow`.
    """

    __tablename__ = "report_deadlines"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    transfer_until: Mapped[datetime | None]
    interim_until: Mapped[datetime | None]
    decision_due: Mapped[date | None] = mapped_column(Date)


class TransferMonthRow(Base):
    """Transfers to one register office from one court, per Vietnamese calendar month of each event.

    ``transferred``/``on_time``/``late`` by the month of receipt, ``acknowledged`` and ``returned`` by
    theirs, ``decided``/``decided_on_time``/``decided_late`` by the month of the decision's date;
    lateness against :class:`ReportDeadlineRow`. Kept in the writing transaction by triggers on
    ``transfers`` (every write, whichever code makes it); rebuilt from the transfers when the
    deadlines change.
    """

    __tablename__ = "report_transfer_months"

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day
    office_code: Mapped[str] = mapped_column(CODE, primary_key=True)
    court_code: Mapped[str] = mapped_column(CODE, primary_key=True)
    transferred: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    on_time: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    late: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    acknowledged: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    returned: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    decided: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    decided_on_time: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    decided_late: Mapped[int] = mapped_column(Integer, server_default=text("0"))
