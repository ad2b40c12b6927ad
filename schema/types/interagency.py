"""Interagency statistics (TTLT 12/2021): the forms, the reconciliation with the courts, the signed steps."""

from __future__ import annotations

import datetime as dt

import strawberry

from domain.deadlines import DeadlineState
from domain.interagency import Side, Status, Step, Unit
from schema.types.report import ReportPeriod
from schema.types.transfer import UserError

for _enum, _name, _description in (
    (
        Status,
        "InteragencyStatus",
        "DRAFT (live figures, not closed), CLOSED (awaiting the procuracy), COUNTERSIGNED (final), "
        "DISPUTED (the procuracy disagrees; the enforcement agency corrects and closes again).",
    ),
    (Step, "InteragencyStep", "CLOSE (enforcement agency), COUNTERSIGN or DISPUTE (procuracy of the same level)."),
    (
        Side,
        "ReconciliationSide",
        "COURT_ONLY: the court transferred it in the period, the register has no entry for it in the period; "
        "ENFORCEMENT_ONLY: registered in the period, transferred before it.",
    ),
    (Unit, "FormUnit", "CASES (việc), VND (đồng), JUDGMENTS (bản án, quyết định), REQUESTS, PERCENT."),
):
    strawberry.enum(_enum, name=_name, description=_description)


@strawberry.input(description="3, 6, 10 or 12 months of a statistical year (1 October – 30 September).")
class InteragencyPeriodInput:
    statistical_year: int = strawberry.field(description="E.g. 2026 = 01/10/2025 – 30/09/2026.")
    months: int = strawberry.field(description="3, 6, 10 or 12, counted from 1 October.")


@strawberry.input(description="The procuracy's disagreement with one row of the forms.")
class RowNoteInput:
    row: str = strawberry.field(description="The row's code, e.g. 01.3.")
    note: str


@strawberry.type(description="One row of forms 01–04/TKLN-THADS, in the forms' order.")
class InteragencyFormRow:
    form: str = strawberry.field(description="E.g. 01/TKLN-THADS.")
    form_title: str
    code: str = strawberry.field(description="E.g. 01.3; a dispute's notes name rows by it.")
    label: str = strawberry.field(description="Vietnamese label.")
    unit: Unit
    value: str | None = strawberry.field(
        description="Exact decimal text (VND amounts can exceed 32 bits; rates have 2 decimals); null: undefined."
    )


@strawberry.type(description="A judgment only one side counts in the period.")
class ReconciliationDifference:
    transfer_id: strawberry.ID
    judgment_id: strawberry.ID
    court_code: str
    side: Side
    sent_on: dt.date = strawberry.field(description="The day the hub received the court's signed transfer.")
    registered_on: dt.date | None = strawberry.field(description="The day the agency entered it in its register.")
    reason: str = strawberry.field(description="Vietnamese.")


@strawberry.type(
    description="The courts' transfers in the period (as signed and sent through the hub) against the enforcement "
    "agencies' receipt register in the period (the hub's transfer ledger)."
)
class InteragencyReconciliation:
    court_count: int
    enforcement_count: int
    matched: int
    differences: list[ReconciliationDifference]


@strawberry.type(description="A dispute's note on one row.")
class InteragencyRowNote:
    row: str
    note: str


@strawberry.type(
    description="One step, signed by the hub: verify `statement` against `signature` with the hub's public key "
    "(as a submission receipt)."
)
class InteragencyStepRecord:
    seq: int
    step: Step
    status: Status = strawberry.field(description="The status the step left.")
    version: int = strawberry.field(description="Which closing of the figures the step is about.")
    at: dt.datetime
    agency_code: str
    person: str | None
    note: str | None = strawberry.field(description="A corrected close says what was corrected.")
    notes: list[InteragencyRowNote] = strawberry.field(description="A dispute's notes, one per row.")
    statement: str = strawberry.field(description="Canonical JSON the hub signed (UTF-8).")
    signature: str = strawberry.field(description="Ed25519 signature of `statement`, base64.")
    key_id: str


@strawberry.type(description="The step the statistics await, its last day and where it stands.")
class InteragencyDeadline:
    step: Step | None
    due_on: dt.date | None
    state: DeadlineState | None
    working_days: int | None = strawberry.field(
        description="Working days left while PENDING; working days late when OVERDUE or MET_LATE."
    )


@strawberry.type(
    description="Interagency statistics of a province (TTLT 12/2021/TTLT-BTP-VKSNDTC-TANDTC): the enforcement "
    "agency's forms 01–04/TKLN-THADS, closed from the day after the period, counter-signed (or disputed, row by row) "
    "by the procuracy of the same level within 2 working days, and the courts' transfers reconciled with the register."
)
class InteragencyStatistics:
    id: strawberry.ID
    province: str
    province_name: str
    period: ReportPeriod
    status: Status
    version: int = strawberry.field(description="0 while DRAFT; +1 at every close.")
    closes_on: dt.date = strawberry.field(description="The day after the period: the first day it may be closed.")
    closed_at: dt.datetime | None
    countersign_due_on: dt.date | None
    deadline: InteragencyDeadline
    alerts: list[str] = strawberry.field(description="Overdue steps, in Vietnamese.")
    figures_sha256: str | None = strawberry.field(description="SHA-256 of the closed figures (null while DRAFT).")
    rows: list[InteragencyFormRow]
    reconciliation: InteragencyReconciliation
    steps: list[InteragencyStepRecord]
    legal_basis: str


@strawberry.type(description="The statistics after the step, or why the step was refused.")
class InteragencyStatisticsPayload:
    statistics: InteragencyStatistics | None
    user_errors: list[UserError]
