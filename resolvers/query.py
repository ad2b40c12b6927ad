"""The root Query, assembled from per-area parts."""

from __future__ import annotations

import strawberry

from resolvers.agencies import AgencyQueries
from resolvers.audit import AuditQueries
from resolvers.coordination import CoordinationQueries
from resolvers.interagency import InteragencyQueries
from resolvers.judgments import JudgmentQueries
from resolvers.me import MeQueries
from resolvers.personnel import PersonnelQueries
from resolvers.reports_query import ReportQueries
from resolvers.transfers import TransferQueries
from resolvers.webhooks import WebhookQueries


@strawberry.type
class Query(
    MeQueries,
    AgencyQueries,
    JudgmentQueries,
    TransferQueries,
    CoordinationQueries,
    WebhookQueries,
    AuditQueries,
    PersonnelQueries,
    ReportQueries,
    InteragencyQueries,
):
    pass
