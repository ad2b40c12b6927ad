"""The committee report (``committeeReport``): Circular 05/2024 indicators per unit, totals, comparison, targets.

Rates are percentages as Float rounded to 2 decimals (``83.88``), ``null``
when there is nothing to divide by; money is ``VND`` (exact, a string of
digits); counts of cases are ``Int`` (a province or the nation stays far
below 2³¹ cases). The arithmetic lives in ``domain/reports/``; these types only
show it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from domain.reports.committee import CommitteeReport as DomainCommitteeReport
from domain.reports.committee import ReportRow as DomainReportRow
from domain.reports.committee import RowKind
from domain.reports.figures import Figures as DomainFigures
from domain.reports.figures import RequestCounts as DomainRequestCounts
from domain.reports.figures import Source
from domain.reports.indicators import Indicators as DomainIndicators
from domain.reports.period import Period as DomainPeriod
from domain.reports.targets import NO_TARGET
from schema.enums import PersonnelAlertKind
from schema.scalars import VND
from schema.types.coordination import CoordinationRequestKind

RowKindEnum = RowKind
strawberry.enum(
    RowKind, name="ReportRowKind", description="AGENCY rows in a province's report, PROVINCE rows nationally."
)
SourceEnum = Source
strawberry.enum(Source, name="ReportSource", description="Where a report's figures come from.")


def percent(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@strawberry.input(
    description="A statistical year (1 October – 30 September) reported cumulatively over `months` months "
    "(1..12, from 1 October), or an explicit range `from` .. `to` (both included). Give exactly one form.",
)
class ReportPeriodInput:
    statistical_year: int | None = strawberry.field(default=None, description="E.g. 2026 = 01/10/2025 – 30/09/2026.")
    months: int | None = strawberry.field(default=None, description="1..12, counted from 1 October.")
    from_: dt.date | None = strawberry.field(default=None, name="from", description="First day (ad-hoc report).")
    to: dt.date | None = strawberry.field(default=None, description="Last day, included.")


@strawberry.type(description="The period a report covers.")
class ReportPeriod:
    start: dt.date
    end: dt.date
    statistical_year: int | None
    months: int | None
    label: str = strawberry.field(description='Vietnamese, e.g. "6 tháng năm 2026 (01/10/2025 – 31/03/2026)".')

    @classmethod
    def of(cls, p: DomainPeriod) -> ReportPeriod:
        return cls(start=p.start, end=p.end, statistical_year=p.statistical_year, months=p.months, label=p.label_vi)


@strawberry.type(
    description="Circular 05/2024 indicators in cases: accepted − entrustedOut − withdrawn = total = "
    "withConditions + withoutConditions; a terminated case (đình chỉ) is among completed, a postponement the "
    "parties agreed (Art. 48(1)(c)) among withConditions."
)
class CaseIndicators:
    carried_over: int = strawberry.field(description="Năm trước chuyển sang.")
    newly_accepted: int = strawberry.field(description="Thụ lý mới.")
    accepted: int = strawberry.field(description="Tổng số thụ lý: carriedOver + newlyAccepted.")
    entrusted_out: int = strawberry.field(description="Ủy thác (entrusted to another agency in the period).")
    withdrawn: int = strawberry.field(description="Thu hồi, hủy quyết định thi hành án (in the period).")
    total: int = strawberry.field(description="Tổng số phải thi hành: accepted − entrustedOut − withdrawn.")
    with_conditions: int = strawberry.field(description="Có điều kiện thi hành.")
    without_conditions: int = strawberry.field(description="Chưa có điều kiện thi hành.")
    completed: int = strawberry.field(description="Thi hành xong, terminations (đình chỉ) included.")
    carried_to_next: int = strawberry.field(description="total − completed.")
    completion_rate: float | None = strawberry.field(description="completed ÷ withConditions, per cent, 2 decimals.")

    @classmethod
    def of(cls, i: DomainIndicators) -> CaseIndicators:
        return cls(
            carried_over=i.carried_over,
            newly_accepted=i.newly_accepted,
            accepted=i.accepted,
            entrusted_out=i.entrusted_out,
            withdrawn=i.withdrawn,
            total=i.total,
            with_conditions=i.with_conditions,
            without_conditions=i.without_conditions,
            completed=i.completed,
            carried_to_next=i.carried_to_next,
            completion_rate=percent(i.completion_rate),
        )


@strawberry.type(description="Circular 05/2024 indicators in money (VND), the same breakdown as in cases.")
class MoneyIndicators:
    carried_over: VND
    newly_accepted: VND
    accepted: VND = strawberry.field(description="carriedOver + newlyAccepted.")
    entrusted_out: VND
    withdrawn: VND
    total: VND = strawberry.field(description="accepted − entrustedOut − withdrawn.")
    with_conditions: VND
    without_conditions: VND
    completed: VND
    carried_to_next: VND
    completion_rate: float | None = strawberry.field(description="completed ÷ withConditions, per cent, 2 decimals.")

    @classmethod
    def of(cls, i: DomainIndicators) -> MoneyIndicators:
        return cls(
            carried_over=VND(i.carried_over),
            newly_accepted=VND(i.newly_accepted),
            accepted=VND(i.accepted),
            entrusted_out=VND(i.entrusted_out),
            withdrawn=VND(i.withdrawn),
            total=VND(i.total),
            with_conditions=VND(i.with_conditions),
            without_conditions=VND(i.without_conditions),
            completed=VND(i.completed),
            carried_to_next=VND(i.carried_to_next),
            completion_rate=percent(i.completion_rate),
        )


@strawberry.type(description="Enforcement figures from the enforcement system.")
class EnforcementIndicators:
    cases: CaseIndicators
    money: MoneyIndicators


@strawberry.type(description="Judgments one court transferred in the period.")
class CourtTransferCount:
    court_code: strawberry.ID
    court_name: str
    transferred: int
    on_time: int
    late: int


@strawberry.type(description="Transfers from the hub's ledger.")
class TransferIndicators:
    transferred: int = strawberry.field(description="Received by the hub in the period.")
    on_time: int = strawberry.field(description="Within the court's transfer deadline.")
    late: int
    on_time_rate: float | None
    acknowledged: int = strawberry.field(description="Entered in the receipt register in the period.")
    returned: int
    decided: int = strawberry.field(description="Enforcement decisions dated in the period.")
    decided_on_time: int = strawberry.field(
        description="Within the decision deadline the hub tracks (ex officio, interim, after an explanation)."
    )
    decided_late: int
    by_court: list[CourtTransferCount]


@strawberry.type(description="Coordination requests of one kind opened in the period, as they stood at its end.")
class RequestKindCount:
    kind: CoordinationRequestKind
    opened: int
    answered: int
    answered_late: int
    open: int
    overdue: int


@strawberry.type(description="Personnel alerts of one kind.")
class AlertKindCount:
    kind: PersonnelAlertKind
    count: int


@strawberry.type(description="Personnel alerts as of the report's day (not historical).")
class PersonnelIndicators:
    alerts: int
    overdue: int
    by_kind: list[AlertKindCount]


@strawberry.type(description="Everything a report shows for one unit over one period.")
class ReportFigures:
    transfers: TransferIndicators
    enforcement: EnforcementIndicators
    coordination: list[RequestKindCount]
    procuracy_recommendations: RequestKindCount
    personnel: PersonnelIndicators
    missing: list[SourceEnum] = strawberry.field(
        description="Sources that did not answer: their figures are zeros here."
    )


@strawberry.type(description="Completion-rate targets (chỉ tiêu), per cent, and the decision that set them.")
class ReportTarget:
    cases_rate: float
    money_rate: float
    decision: str
    scope: str = strawberry.field(description='"national", a province code or an agency code.')


@strawberry.type(description="One unit (or province, or the totals) of a report.")
class ReportRow:
    code: str
    name: str
    kind: RowKindEnum
    province: str | None
    current: ReportFigures
    previous_year: ReportFigures = strawberry.field(description="The same period one year earlier.")
    target: ReportTarget | None
    cases_rate_change: float | None = strawberry.field(description="Percentage points against the previous year.")
    money_rate_change: float | None
    cases_target_gap: float | None = strawberry.field(description="Rate minus target, percentage points.")
    money_target_gap: float | None
    target_note: str | None = strawberry.field(
        default=None,
        description='"Chưa giao chỉ tiêu" where the statistical year has no target for this unit (target is null); '
        "null when there is a target.",
    )


@strawberry.type(description="A steering committee's report on its province, or the ministry's national roll-up.")
class CommitteeReport:
    province: str | None = strawberry.field(description="null: national.")
    name: str
    period: ReportPeriod
    previous_period: ReportPeriod
    rows: list[ReportRow]
    totals: ReportRow = strawberry.field(description="The sum of the rows.")
    generated_at: dt.datetime
    missing: list[SourceEnum]


def figures(f: DomainFigures) -> ReportFigures:
    t = f.transfers
    return ReportFigures(
        transfers=TransferIndicators(
            transferred=t.transferred,
            on_time=t.on_time,
            late=t.late,
            on_time_rate=percent(t.on_time_rate),
            acknowledged=t.acknowledged,
            returned=t.returned,
            decided=t.decided,
            decided_on_time=t.decided_on_time,
            decided_late=t.decided_late,
            by_court=[
                CourtTransferCount(
                    court_code=strawberry.ID(c.court_code),
                    court_name=c.court_name,
                    transferred=c.transferred,
                    on_time=c.on_time,
                    late=c.late,
                )
                for c in t.by_court
            ],
        ),
        enforcement=EnforcementIndicators(
            cases=CaseIndicators.of(f.enforcement.cases), money=MoneyIndicators.of(f.enforcement.money)
        ),
        coordination=[_requests(c) for c in f.coordination.by_kind],
        procuracy_recommendations=_requests(f.coordination.recommendations),
        personnel=PersonnelIndicators(
            alerts=f.personnel.alerts,
            overdue=f.personnel.overdue,
            by_kind=[AlertKindCount(kind=k, count=n) for k, n in f.personnel.by_kind],
        ),
        missing=sorted(f.missing),
    )


def _requests(c: DomainRequestCounts) -> RequestKindCount:
    return RequestKindCount(
        kind=c.kind, opened=c.opened, answered=c.answered, answered_late=c.answered_late, open=c.open, overdue=c.overdue
    )


def row(x: DomainReportRow) -> ReportRow:
    return ReportRow(
        code=x.code,
        name=x.name,
        kind=x.kind,
        province=x.province_code,
        current=figures(x.current),
        previous_year=figures(x.previous),
        target=None
        if x.target is None
        else ReportTarget(
            cases_rate=float(x.target.cases_rate),
            money_rate=float(x.target.money_rate),
            decision=x.target.decision,
            scope=x.target.scope,
        ),
        cases_rate_change=percent(x.cases_rate_change),
        money_rate_change=percent(x.money_rate_change),
        cases_target_gap=percent(x.cases_target_gap),
        money_target_gap=percent(x.money_target_gap),
        target_note=NO_TARGET if x.target is None else None,
    )


def committee_report(report: DomainCommitteeReport) -> CommitteeReport:
    return CommitteeReport(
        province=report.scope,
        name=report.scope_name,
        period=ReportPeriod.of(report.period),
        previous_period=ReportPeriod.of(report.previous_period),
        rows=[row(x) for x in report.rows],
        totals=row(report.totals),
        generated_at=report.generated_at,
        missing=sorted(report.missing),
    )
