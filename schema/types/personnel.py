"""Personnel oversight: officers (with restricted fields masked by reach), staffing against quota, alerts.

An officer's ``citizenId``, ``birthDate`` and ``discipline`` are restricted
(DOMAIN.md §6): in clear only for a personnel department over the officer's
agency or one above it; for everyone else the citizen ID shows its last four
digits and the other two are null (``domain/policy.py`` holds the rules). Every
officer listed and every officer an alert names is recorded in the audit trail
before the answer leaves (``resolvers/personal_data.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import strawberry

from domain import types as d
from domain.errors import AgencyError
from domain.personnel.alerts import PersonnelAlert as DomainPersonnelAlert
from domain.personnel.retirement import officer_retirement
from domain.personnel.rules import PersonnelRules
from domain.personnel.staffing import StaffingSummary as DomainStaffingSummary
from domain.policy import mask_officer_birth_date, mask_officer_citizen_id, mask_officer_discipline
from schema.context import OFFICERS_READ, Info
from schema.enums import PersonnelAlertKind, Sex
from schema.types.agency import Agency, agency_named
from schema.types.pagination import PageInfo


@strawberry.input(description="Filters for `officers`; all given conditions must hold.")
class OfficerFilter:
    agency: strawberry.ID | None = strawberry.field(
        default=None, description="Unit code, e.g. enforcement.ha-noi.kv01."
    )
    province: str | None = strawberry.field(default=None, description="Province code: its units.")
    title: str | None = strawberry.field(default=None, description="Exact title, e.g. 'Chấp hành viên trung cấp'.")
    post: str | None = strawberry.field(
        default=None, description="Exact leadership post, e.g. 'Chấp hành viên trưởng'."
    )
    leaders_only: bool = strawberry.field(
        default=False, description="Only holders of a leadership post with a term (the personnel rules' list)."
    )


@strawberry.type(
    description="A person on a unit's staff (enforcement agency, court, procuracy), as its personnel system records them."
)
class Officer:
    code: strawberry.ID = strawberry.field(description="The personnel system's code, e.g. CB.ha-noi.kv01.003.")
    name: str
    sex: Sex
    title: str = strawberry.field(description="Chức danh, e.g. 'Chấp hành viên trung cấp', 'Thư ký thi hành án'.")
    post: str | None = strawberry.field(
        description="Chức vụ (leadership post), e.g. 'Chấp hành viên trưởng'; null for staff."
    )
    appointed_on: date | None = strawberry.field(description="Start of the current term in the post.")
    term_ends_on: date | None = strawberry.field(description="Last day of the current term.")
    consecutive_terms: int = strawberry.field(description="Consecutive terms in the same post, this one included.")
    sensitive_post: bool = strawberry.field(description="The position is subject to periodic rotation.")
    position_since: date | None = strawberry.field(description="Since when the officer holds this position.")
    training: str | None
    retirement_on: date = strawberry.field(
        description="The day retirement takes effect (the personnel rules: the end of the month the age is reached, "
        "or a later retirement recorded for the officer, within its bound)."
    )
    birth_date: date | None = strawberry.field(
        description="Restricted: for the personnel department over the officer's agency; null for everyone else."
    )
    citizen_id: str = strawberry.field(
        description="Restricted: in clear for the personnel department over the officer's agency, else ********1234."
    )
    discipline: str | None = strawberry.field(
        description="Restricted: discipline record, for the personnel department over the officer's agency; "
        "null for everyone else (and when there is none)."
    )
    agency_code: strawberry.Private[str]

    @classmethod
    def from_domain(cls, o: d.Officer, *, in_clear: bool, personnel_rules: PersonnelRules) -> Officer:
        return cls(
            code=strawberry.ID(o.code),
            name=o.name,
            sex=o.sex,
            title=o.title,
            post=o.post,
            appointed_on=o.appointed_on,
            term_ends_on=o.term_ends_on,
            consecutive_terms=o.consecutive_terms,
            sensitive_post=o.sensitive_post,
            position_since=o.position_since,
            training=o.training,
            retirement_on=officer_retirement(o, personnel_rules).on,
            birth_date=mask_officer_birth_date(o.birth_date, in_clear),
            citizen_id=mask_officer_citizen_id(o.citizen_id, in_clear),
            discipline=mask_officer_discipline(o.discipline, in_clear),
            agency_code=o.agency_code,
        )

    @strawberry.field(description="The unit the officer works in.")
    def agency(self, info: Info) -> Agency | None:
        return agency_named(info.context, self.agency_code)


@strawberry.type(
    description="A unit whose personnel system did not answer: its people are not in this answer, nor in its counts."
)
class UnavailableUnit:
    code: str = strawberry.field(description="AGENCY_UNAVAILABLE, AGENCY_TIMEOUT or AGENCY_BAD_DATA.")
    message: str
    agency_code: strawberry.Private[str]

    @strawberry.field
    def agency(self, info: Info) -> Agency | None:
        return agency_named(info.context, self.agency_code)


def unavailable_units(failed: Mapping[str, AgencyError]) -> list[UnavailableUnit]:
    return [UnavailableUnit(code=e.code, message=e.message, agency_code=code) for code, e in sorted(failed.items())]


@strawberry.type
class OfficerEdge:
    cursor: str
    node: Officer


@strawberry.type(description="A page of officers, by agency code then officer code.")
class OfficerConnection:
    page_info: PageInfo
    total_count: int = strawberry.field(description="Officers matching the filter in your reach (all pages).")
    unavailable: list[UnavailableUnit] = strawberry.field(
        description="Units in reach whose personnel system did not answer (empty when all did)."
    )
    page: strawberry.Private[list[OfficerEdge]]

    @strawberry.field(description="The officers of this page; each one shown is recorded in the audit trail.")
    def edges(self, info: Info) -> list[OfficerEdge]:
        info.context.personal_reads.update((OFFICERS_READ, str(edge.node.code)) for edge in self.page)
        return self.page


@strawberry.type(description="People in post holding one title.")
class TitleCount:
    title: str
    count: int


def title_counts(by_title: Mapping[str, int]) -> list[TitleCount]:
    return [TitleCount(title=t, count=n) for t, n in sorted(by_title.items())]


@strawberry.type(description="A leadership seat the personnel rules require and nobody holds.")
class VacantPost:
    post: str
    agency_code: strawberry.Private[str]

    @strawberry.field
    def agency(self, info: Info) -> Agency | None:
        return agency_named(info.context, self.agency_code)


@strawberry.type(description="One unit's staffing: quota (biên chế) against people in post.")
class UnitStaffing:
    quota: int | None = strawberry.field(description="Biên chế; null when the personnel system has no unit row.")
    in_post: int
    by_title: list[TitleCount]
    vacant_leader_posts: list[str] = strawberry.field(description="One entry per vacant leadership seat.")
    agency_code: strawberry.Private[str]

    @strawberry.field(description="Quota minus people in post: positive when under-staffed; null without a quota.")
    def gap(self) -> int | None:
        return None if self.quota is None else self.quota - self.in_post

    @strawberry.field
    def agency(self, info: Info) -> Agency | None:
        return agency_named(info.context, self.agency_code)

    @classmethod
    def from_domain(cls, s: DomainStaffingSummary) -> UnitStaffing:
        return cls(
            quota=s.quota,
            in_post=s.in_post,
            by_title=title_counts(s.by_title),
            vacant_leader_posts=list(s.vacant_leader_posts),
            agency_code=s.agency_code,
        )


@strawberry.type(description="Staffing of a unit or of a province's units in your reach, with totals.")
class Staffing:
    province: str | None = strawberry.field(description="The province asked for; null when asked for one agency.")
    quota: int = strawberry.field(description="Sum of the units' quotas (units without a quota count 0).")
    in_post: int
    gap: int = strawberry.field(description="Quota minus people in post over the units.")
    by_title: list[TitleCount]
    vacant_leader_posts: list[VacantPost]
    units: list[UnitStaffing] = strawberry.field(description="One entry per unit, by agency code.")
    unavailable: list[UnavailableUnit] = strawberry.field(
        description="Units in reach whose personnel system did not answer: not in `units` nor in the totals."
    )

    @classmethod
    def of(
        cls,
        summaries: Sequence[DomainStaffingSummary],
        province: str | None,
        failed: Mapping[str, AgencyError],
    ) -> Staffing:
        by_title: dict[str, int] = {}
        for s in summaries:
            for title, count in s.by_title.items():
                by_title[title] = by_title.get(title, 0) + count
        quota = sum(s.quota or 0 for s in summaries)
        in_post = sum(s.in_post for s in summaries)
        return cls(
            province=province,
            quota=quota,
            in_post=in_post,
            gap=quota - in_post,
            by_title=title_counts(by_title),
            vacant_leader_posts=[
                VacantPost(post=post, agency_code=s.agency_code) for s in summaries for post in s.vacant_leader_posts
            ],
            units=[UnitStaffing.from_domain(s) for s in summaries],
            unavailable=unavailable_units(failed),
        )


@strawberry.type(description="The officer an alert is about.")
class AlertOfficer:
    code: strawberry.ID
    name: str


@strawberry.type(description="Something a personnel department should act on, with the rule, its basis and the date.")
class PersonnelAlert:
    kind: PersonnelAlertKind
    officer: AlertOfficer | None = strawberry.field(description="Null for alerts about the unit (quota, leaders).")
    rule: str = strawberry.field(description="The rule's key in the personnel rules table.")
    legal_basis: str = strawberry.field(description="Document, article and clause of the rule, in Vietnamese.")
    verified: bool = strawberry.field(
        description="True when the rule's figure and basis were checked against the text (data/personnel_rules.toml); "
        "false: a configurable default awaiting confirmation."
    )
    due_on: date = strawberry.field(description="When it falls due (past dates: overdue).")
    detail: str = strawberry.field(description="One sentence in Vietnamese.")
    agency_code: strawberry.Private[str]

    @strawberry.field
    def agency(self, info: Info) -> Agency | None:
        return agency_named(info.context, self.agency_code)

    @classmethod
    def from_domain(cls, a: DomainPersonnelAlert, names: Mapping[str, str]) -> PersonnelAlert:
        officer = (
            AlertOfficer(code=strawberry.ID(a.officer_code), name=names.get(a.officer_code, ""))
            if a.officer_code
            else None
        )
        return cls(
            kind=a.kind,
            officer=officer,
            rule=a.rule,
            legal_basis=a.legal_basis,
            verified=a.verified,
            due_on=a.due_on,
            detail=a.detail,
            agency_code=a.agency_code,
        )
