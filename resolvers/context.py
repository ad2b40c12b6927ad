"""The typed per-request context every resolver receives as ``info.context``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.registry import Adapters
from adapters.webhook_targets import TargetGuard
from domain.access import Principal
from domain.clock import Clock
from domain.coordination import DistributionRule
from domain.date_bounds import DateBounds
from domain.messages import ENGLISH
from domain.personnel.rules import PersonnelRules
from domain.policy import AccessPolicy
from domain.receipts import ReceiptSigner
from domain.reports.targets import EMPTY_TARGETS, ReportTargets
from domain.submission import EARLIEST_JUDGMENT
from domain.transfer_deadlines import DeadlinePolicy
from domain.types import Agency
from ledger.audit import AuditEntry, append
from ledger.audit_writer import AuditWriter
from ledger.judgments import RegistryEntry
from resolvers.dataloaders import Loaders
from resolvers.event_feed import EventFeeds
from resolvers.signals import EventSignal
from resolvers.stitching import stitch
from schema.types.judgment import Judgment


@dataclass(slots=True)
class Context:
    """Made fresh for every request (or WebSocket connection), with fresh loaders: a loader's cache must never
    outlive its request."""

    principal: Principal
    sessions: async_sessionmaker[AsyncSession]
    adapters: Adapters
    signal: EventSignal
    receipts: ReceiptSigner
    deadlines: DeadlinePolicy
    agencies: Mapping[str, Agency]  # the organisation, for access scopes (read-only, shared)
    policy: AccessPolicy  # who reaches which records (domain/policy.py), built once per process
    personnel_rules: PersonnelRules  # retirement, terms, rotation, leadership seats (data/personnel_rules.toml)
    request_id: str
    clock: Clock  # the hub's one clock: every "now" and "today" a request needs is read from it
    language: str = ENGLISH  # the messages' language (domain.messages): Accept-Language, "vi" for the console
    distribution: tuple[DistributionRule, ...] = ()  # who gets copies of coordination requests
    earliest_judgment: date = EARLIEST_JUDGMENT  # an adjudication date before it is refused (settings)
    # how far back and ahead every date argument may lie (settings; checked in schema/input_boundary.py)
    date_bounds: DateBounds = field(default_factory=DateBounds)
    report_targets: ReportTargets = EMPTY_TARGETS  # completion-rate targets (chỉ tiêu), data/report_targets.toml
    # where webhooks may point (settings: mode, LIENTHONG_WEBHOOK_ALLOW_HOSTS); the strict rules by default
    webhook_targets: TargetGuard = field(default_factory=TargetGuard)
    feeds: EventFeeds | None = None  # the app's live event feeds (subscriptions); None outside the app
    # the app's group commit for audit entries of reads; None: each request writes its own transaction
    audit_writer: AuditWriter | None = None
    # (kind of read, record id) of personal data shown, audited per kind (resolvers/personal_data.py)
    personal_reads: set[tuple[str, str]] = field(default_factory=set)
    request: Any = None  # starlette Request or WebSocket (Strawberry's view reads it)
    response: Any = None
    connection_params: dict[str, Any] | None = None  # graphql-transport-ws connection_init payload
    loaders: Loaders = field(init=False)  # this request's DataLoaders, over its sessions and adapters

    def __post_init__(self) -> None:
        self.loaders = Loaders.build(self.sessions, self.adapters)

    def audit_entry(self, operation: str, objects: Sequence[str], at: datetime | None = None) -> AuditEntry:
        """An audit-trail entry for what this request's principal did or read (``at``: now by default)."""
        p = self.principal
        return AuditEntry(
            p.agency_code,
            p.person,
            sorted(r.value for r in p.roles),
            operation,
            list(objects),
            self.request_id,
            at or self.clock.now(),
        )

    async def judgments(self, info: strawberry.Info[Any, None], entries: Sequence[RegistryEntry]) -> list[Judgment]:
        """``entries`` as judgments, stitched with the agency systems for what ``info``'s selection asks."""
        return await stitch(info, entries)

    async def append_audit(self, entries: Sequence[AuditEntry]) -> None:
        """Commit ``entries`` (all or none) in a transaction of their own, before the data they record is shown.

        Through the app's :class:`~ledger.audit_writer.AuditWriter`, so concurrent
        requests share the transaction; raises if the entries could not be written.
        Writes that belong to a mutation use :func:`ledger.audit.record` in its transaction instead.
        """
        if self.audit_writer is not None:
            await self.audit_writer.append(entries)
        else:
            await append(self.sessions, entries)
