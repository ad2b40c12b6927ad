"""`interagencyStatistics`, `closeInteragencyStatistics`, `countersignInteragencyStatistics`,
`disputeInteragencyStatistics` (TTLT 12/2021). The use cases are ``resolvers/interagency_use_cases.py``."""

from __future__ import annotations

import strawberry

from domain.coordination import DraftError
from domain.deadlines import DeadlineState
from domain.errors import BadInput
from domain.interagency import FORMS, LEGAL_BASIS, RowNote, Step, closes_on, interagency_period
from domain.provinces import resolve_province
from domain.reports.period import Period, PeriodError
from resolvers.context import Context
from resolvers.interagency_use_cases import (
    READ,
    StatisticsView,
    answer_statistics,
    close_statistics,
    read_statistics,
    require_province,
)
from schema.types.interagency import (
    InteragencyDeadline,
    InteragencyFormRow,
    InteragencyPeriodInput,
    InteragencyReconciliation,
    InteragencyRowNote,
    InteragencyStatistics,
    InteragencyStatisticsPayload,
    InteragencyStepRecord,
    ReconciliationDifference,
    RowNoteInput,
)
from schema.types.report import ReportPeriod
from schema.types.transfer import UserError

Info = strawberry.Info[Context, None]
MAX_CODE = 64
STEP_VI = {Step.CLOSE: "Cơ quan thi hành án chưa khóa số liệu", Step.COUNTERSIGN: "Viện kiểm sát chưa ký xác nhận"}


def _period(given: InteragencyPeriodInput) -> Period:
    try:
        return interagency_period(given.statistical_year, given.months)
    except PeriodError as exc:
        raise BadInput.of(exc) from exc


def _province(ctx: Context, province: str) -> str:
    """The slug of ``province`` as people write it (domain/provinces.py); unknown: BAD_USER_INPUT with suggestions."""
    return resolve_province(province, ctx.policy.provinces)


def _alerts(view: StatisticsView) -> list[str]:
    d = view.deadline
    if d.state is not DeadlineState.OVERDUE or d.step is None or d.due_on is None:
        return []
    return [f"{STEP_VI[d.step]}: quá hạn {d.working_days} ngày làm việc (hạn {d.due_on:%d/%m/%Y})"]


def statistics_of(view: StatisticsView) -> InteragencyStatistics:
    r = view.snapshot.reconciliation
    return InteragencyStatistics(
        id=strawberry.ID(view.id),
        province=view.province,
        province_name=view.province_name,
        period=ReportPeriod.of(view.period),
        status=view.status,
        version=view.version,
        closes_on=closes_on(view.period),
        closed_at=view.closed_at,
        countersign_due_on=view.countersign_due_on,
        deadline=InteragencyDeadline(
            step=view.deadline.step,
            due_on=view.deadline.due_on,
            state=view.deadline.state,
            working_days=view.deadline.working_days,
        ),
        alerts=_alerts(view),
        figures_sha256=view.snapshot_sha256,
        rows=[
            InteragencyFormRow(
                form=x.form,
                form_title=FORMS.get(x.form, x.form),
                code=x.code,
                label=x.label,
                unit=x.unit,
                value=x.value,
            )
            for x in view.snapshot.rows
        ],
        reconciliation=InteragencyReconciliation(
            court_count=r.court_count,
            enforcement_count=r.enforcement_count,
            matched=r.matched,
            differences=[
                ReconciliationDifference(
                    transfer_id=strawberry.ID(d.transfer_id),
                    judgment_id=strawberry.ID(d.judgment_id),
                    court_code=d.court_code,
                    side=d.side,
                    sent_on=d.sent_on,
                    registered_on=d.registered_on,
                    reason=d.reason,
                )
                for d in r.differences
            ],
        ),
        steps=[
            InteragencyStepRecord(
                seq=s.seq,
                step=s.step,
                status=s.status,
                version=s.version,
                at=s.at,
                agency_code=s.agency_code,
                person=s.person,
                note=s.note,
                notes=[InteragencyRowNote(row=n.row, note=n.note) for n in s.notes],
                statement=s.statement,
                signature=s.signature,
                key_id=s.key_id,
            )
            for s in view.steps
        ],
        legal_basis=LEGAL_BASIS,
    )


def _payload(view: StatisticsView | None, errors: list[DraftError]) -> InteragencyStatisticsPayload:
    return InteragencyStatisticsPayload(
        statistics=statistics_of(view) if view else None,
        user_errors=[UserError(field=e.field or None, code=e.code, message=e.message) for e in errors],
    )


@strawberry.type
class InteragencyQueries:
    @strawberry.field(
        description="Interagency statistics of `province` for 3, 6, 10 or 12 months of a statistical year "
        "(TTLT 12/2021): the closed figures and their signed steps, or, while DRAFT, the live figures. "
        "Read by the enforcement agencies, procuracies and steering committee of the province and by the ministry."
    )
    async def interagency_statistics(
        self, info: Info, province: str, period: InteragencyPeriodInput
    ) -> InteragencyStatistics:
        code, wanted = _province(info.context, province), _period(period)
        require_province(info.context, READ, code)
        return statistics_of(await read_statistics(info.context, code, wanted))


@strawberry.type
class InteragencyMutations:
    @strawberry.mutation(
        description="The provincial enforcement agency closes its figures, from the day after the period; after a "
        "dispute it closes the corrected figures again (`note` says what was corrected). Signed by the hub."
    )
    async def close_interagency_statistics(
        self, info: Info, province: str, period: InteragencyPeriodInput, note: str | None = None
    ) -> InteragencyStatisticsPayload:
        view, errors = await close_statistics(info.context, _province(info.context, province), _period(period), note)
        return _payload(view, errors)

    @strawberry.mutation(
        description="The provincial procuracy of the same province counter-signs closed figures (within 2 working "
        "days of the close). Signed by the hub."
    )
    async def countersign_interagency_statistics(
        self, info: Info, province: str, period: InteragencyPeriodInput
    ) -> InteragencyStatisticsPayload:
        view, errors = await answer_statistics(
            info.context, _province(info.context, province), _period(period), Step.COUNTERSIGN, ()
        )
        return _payload(view, errors)

    @strawberry.mutation(
        description="The provincial procuracy disputes closed figures, with a note on each row it disagrees with. "
        "Signed by the hub."
    )
    async def dispute_interagency_statistics(
        self, info: Info, province: str, period: InteragencyPeriodInput, notes: list[RowNoteInput]
    ) -> InteragencyStatisticsPayload:
        given = tuple(RowNote(n.row.strip(), n.note.strip()) for n in notes)
        view, errors = await answer_statistics(
            info.context, _province(info.context, province), _period(period), Step.DISPUTE, given
        )
        return _payload(view, errors)
