"""Enforcement cases and procuracy supervision records for the catalogue's judgments.

Both are rendered on demand from the judgment's index, so the enforcement and
procuracy services (separate processes) tell the same story: the procuracy's
recommendation about a late decision refers to a decision the enforcement
system really shows as late.

Membership is decided by one cheap draw per judgment (``Catalogue.fate``):
below 0.85 the judgment has an enforcement case, below 0.30 (a subset) it also
has supervision records.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, timedelta
from types import MappingProxyType

from agencies.common import people
from agencies.common.catalogue import Catalogue
from agencies.common.staff import StaffRoster
from domain.types import (
    CaseStatus,
    CourtJudgment,
    DecisionKind,
    EnforcementCase,
    EnforcementDecision,
    ObligationKind,
    SupervisionKind,
    SupervisionRecord,
)

CASE_SHARE = 0.85
SUPERVISION_SHARE = 0.30
FATE_TOPIC = "enforcement"
DECISIONS_PER_CASE = 3
DECISION_DAYS = 5  # ex-officio decision within 5 working days of receipt (Art. 36); 7 calendar days here
REPLY_DAYS = 15


_RECENT_STATUSES: tuple[tuple[CaseStatus, float], ...] = (
    (CaseStatus.ACCEPTED, 0.45),
    (CaseStatus.WITH_CONDITIONS, 0.33),
    (CaseStatus.WITHOUT_CONDITIONS, 0.12),
    (CaseStatus.POSTPONED, 0.05),
    (CaseStatus.COMPLETED, 0.05),
)
_OPEN_STATUSES: tuple[tuple[CaseStatus, float], ...] = (
    (CaseStatus.WITH_CONDITIONS, 0.35),
    (CaseStatus.WITHOUT_CONDITIONS, 0.40),
    (CaseStatus.POSTPONED, 0.08),
    (CaseStatus.SUSPENDED, 0.07),
    (CaseStatus.TERMINATED, 0.10),
)
# Share of the amount due that has been collected, by status: (chance of nothing, smallest, largest share).
_COLLECTED: Mapping[CaseStatus, tuple[float, float, float]] = MappingProxyType(
    {
        CaseStatus.ACCEPTED: (1.0, 0.0, 0.0),
        CaseStatus.WITH_CONDITIONS: (0.25, 0.05, 0.9),
        CaseStatus.WITHOUT_CONDITIONS: (0.75, 0.01, 0.15),
        CaseStatus.POSTPONED: (0.5, 0.05, 0.5),
        CaseStatus.SUSPENDED: (0.5, 0.05, 0.5),
        CaseStatus.TERMINATED: (0.4, 0.05, 0.6),
        CaseStatus.COMPLETED: (0.0, 1.0, 1.0),
    }
)
_SUPERVISION_KINDS: tuple[tuple[SupervisionKind, float], ...] = (
    (SupervisionKind.REQUEST, 0.45),
    (SupervisionKind.RECOMMENDATION, 0.45),
    (SupervisionKind.PROTEST, 0.10),
)
_SUPERVISION_TEXTS: Mapping[SupervisionKind, tuple[str, ...]] = MappingProxyType(
    {
        SupervisionKind.REQUEST: (
            "Yêu cầu tự kiểm tra việc thi hành án và thông báo kết quả cho Viện kiểm sát",
            "Yêu cầu cung cấp hồ sơ thi hành án để phục vụ công tác kiểm sát",
            "Yêu cầu xác minh lại điều kiện thi hành án của người phải thi hành án",
        ),
        SupervisionKind.RECOMMENDATION: (
            "Kiến nghị khắc phục vi phạm trong việc xác minh điều kiện thi hành án",
            "Kiến nghị khắc phục vi phạm về thời hạn phân công Chấp hành viên",
            "Kiến nghị khắc phục vi phạm trong việc thông báo về thi hành án",
        ),
        SupervisionKind.PROTEST: ("Kháng nghị quyết định về thi hành án có vi phạm pháp luật",),
    }
)
_LATE_DECISION = "Kiến nghị khắc phục vi phạm về thời hạn ra quyết định thi hành án"
_PROTEST_BY_STATUS: Mapping[CaseStatus, str] = MappingProxyType(
    {
        CaseStatus.POSTPONED: "Kháng nghị quyết định hoãn thi hành án",
        CaseStatus.SUSPENDED: "Kháng nghị quyết định tạm đình chỉ thi hành án",
        CaseStatus.TERMINATED: "Kháng nghị quyết định đình chỉ thi hành án",
    }
)
SUPERVISION_NUMBER_SUFFIX: Mapping[SupervisionKind, str] = MappingProxyType(
    {
        SupervisionKind.REQUEST: "YC-VKS",
        SupervisionKind.RECOMMENDATION: "KN-VKS",
        SupervisionKind.PROTEST: "QĐKN-VKS",
    }
)


class CaseBook:
    """The enforcement case (if any) of each judgment, rendered on demand.

    ``number`` arguments are the case's serial in its agency's register; the
    enforcement service assigns them (the procuracy only needs dates, and passes 0).
    """

    def __init__(self, catalogue: Catalogue, roster: StaffRoster) -> None:
        self.catalogue = catalogue
        self.roster = roster

    def has_case(self, index: int) -> bool:
        return self.catalogue.fate(index, FATE_TOPIC) < CASE_SHARE

    def has_supervision(self, index: int) -> bool:
        return self.catalogue.fate(index, FATE_TOPIC) < SUPERVISION_SHARE

    def case(self, index: int, number: int = 0, judgment: CourtJudgment | None = None) -> EnforcementCase | None:
        if not self.has_case(index):
            return None
        judgment = judgment or self.catalogue.judgment(index)
        route = self.catalogue.route_of(index)
        as_of = self.catalogue.as_of
        rng = random.Random(f"{self.catalogue.seed}:thads:{index}")
        accepted = min(as_of, judgment.effective_on + timedelta(days=people.between(rng, 3, 40)))
        age = (as_of - accepted).days
        status = _status(rng, age)
        unit = self.roster.unit(route.enforcement_office_code or route.enforcement_agency_code)
        officers = [o.name for o in unit.enforcement_officers()] or [o.name for o in unit.officers]
        decisions = _decisions(rng, judgment, accepted, status, as_of)
        due = sum(o.amount or 0 for o in judgment.obligations)
        nothing, low, high = _COLLECTED[status]
        collected = 0 if rng.random() < nothing else int(due * rng.uniform(low, high)) // 1_000 * 1_000
        if status is CaseStatus.COMPLETED:
            collected = due
        first = (max(number, 1) - 1) * DECISIONS_PER_CASE + 1
        return EnforcementCase(
            judgment=judgment.key,
            case_number=f"{number}/TLTHA",
            agency_code=route.enforcement_agency_code,
            office_code=route.enforcement_office_code,
            accepted_on=accepted,
            status=status,
            amount_due=due,
            amount_collected=min(collected, due),
            decisions=tuple(
                EnforcementDecision(f"{first + n}/QĐ-THADS", day, kind, people.pick(rng, officers))
                for n, (day, kind) in enumerate(decisions)
            ),
        )

    def supervision(self, index: int, number: int = 0) -> tuple[SupervisionRecord, ...]:
        """The procuracy's documents on the judgment's enforcement; ``number`` is its serial in the procuracy."""
        if not self.has_supervision(index):
            return ()
        case = self.case(index)
        if case is None:  # cannot happen: supervised judgments are a subset of those with a case
            return ()
        as_of = self.catalogue.as_of
        rng = random.Random(f"{self.catalogue.seed}:vks:{index}")
        procuracy = self.catalogue.route_of(index).procuracy_code
        late = bool(case.decisions) and (case.decisions[0].issued_on - case.accepted_on).days > DECISION_DAYS + 2
        issued = min(as_of, case.accepted_on + timedelta(days=people.between(rng, 10, 240)))
        records: list[SupervisionRecord] = []
        for k in range(2 if rng.random() < 0.3 else 1):
            if k and issued > as_of:
                break
            kind = people.weighted(rng, _SUPERVISION_KINDS)
            texts = [t for t in _SUPERVISION_TEXTS[kind] if all(t != r.summary for r in records)]
            text = people.pick(rng, texts or _SUPERVISION_TEXTS[kind])
            if kind is SupervisionKind.RECOMMENDATION and late and k == 0:
                text = _LATE_DECISION
            elif kind is SupervisionKind.PROTEST:
                text = _PROTEST_BY_STATUS.get(case.status, text)
            due = None if kind is SupervisionKind.REQUEST and rng.random() < 0.1 else issued + timedelta(REPLY_DAYS)
            replied = _reply(rng, issued, due, as_of)
            serial = 2 * max(number, 1) - 1 + k
            records.append(
                SupervisionRecord(
                    judgment=case.judgment,
                    procuracy_code=procuracy,
                    number=f"{serial}/{SUPERVISION_NUMBER_SUFFIX[kind]}",
                    kind=kind,
                    issued_on=issued,
                    summary=text,
                    reply_due=due,
                    replied_on=replied,
                )
            )
            issued += timedelta(days=people.between(rng, 15, 120))
        return tuple(records)


def _status(rng: random.Random, age_days: int) -> CaseStatus:
    if age_days < 45:
        return people.weighted(rng, _RECENT_STATUSES)
    if rng.random() < min(0.70, 0.25 + age_days / 1400):
        return CaseStatus.COMPLETED
    return people.weighted(rng, _OPEN_STATUSES)


def _decisions(
    rng: random.Random, judgment: CourtJudgment, accepted: date, status: CaseStatus, as_of: date
) -> list[tuple[date, DecisionKind]]:
    """Up to three decisions: one ex officio (court fee, fines), one per creditor who asked (payments)."""
    out: list[tuple[date, DecisionKind]] = []
    if status is not CaseStatus.ACCEPTED or rng.random() < 0.5:
        delay = people.between(rng, 1, DECISION_DAYS + 2) if rng.random() < 0.9 else people.between(rng, 8, 30)
        out.append((accepted + timedelta(days=delay), DecisionKind.EX_OFFICIO))
    requested = {
        o.beneficiary
        for o in judgment.obligations
        if o.kind in (ObligationKind.PAYMENT, ObligationKind.RETURN_OF_ASSETS) and o.beneficiary
    }
    for _ in sorted(requested):
        if rng.random() < 0.75 and len(out) < DECISIONS_PER_CASE:
            asked = accepted + timedelta(days=people.between(rng, 0, 120))
            out.append((asked + timedelta(days=people.between(rng, 1, DECISION_DAYS + 2)), DecisionKind.ON_REQUEST))
    return sorted(d for d in out if d[0] <= as_of)


def _reply(rng: random.Random, issued: date, due: date | None, as_of: date) -> date | None:
    """Most recommendations past their deadline got an answer, a few late; some recent ones already did."""
    answered = people.between(rng, 3, 25)
    if due is not None and due <= as_of:
        return min(as_of, issued + timedelta(days=answered)) if rng.random() < 0.85 else None
    if rng.random() < 0.3 and issued + timedelta(days=answered) <= as_of:
        return issued + timedelta(days=answered)
    return None
