"""Tables of the hub's ledger, as SQLAlchemy 2 typed declarative models, one module per area.

The migrations in ``ledger/migrations`` are the source of truth for the live
schema; these models must describe exactly the same thing (a test runs
Alembic autogenerate against a migrated database and expects no difference).
To add a table: add its model to the module of its area (and import it here,
so ``Base.metadata`` holds it), then a hand-reviewed migration in
``versions/`` that creates it with the constraint names the convention
produces.

Conventions:
- every constraint and index is named (``NAMING_CONVENTION`` in :mod:`ledger.models.base`),
  so later migrations can drop or alter them by name on PostgreSQL and in SQLite's
  batch mode alike;
- agency codes are plain strings (``court.ha-noi.kv01``) used as keys
  everywhere; the organisation is reference data with validity periods;
- timestamps are timezone-aware UTC (:class:`UtcDateTime`), dates are dates.
"""

from __future__ import annotations

from ledger.models.audit import AuditRow
from ledger.models.base import BIGID, CODE, NAMING_CONVENTION, OPTIONAL_INDEXES, Base, UtcDateTime, table_of
from ledger.models.console import ConsoleSessionRow
from ledger.models.coordination import (
    AgreementPartyRow,
    AgreementRow,
    CoordinationAudienceRow,
    CoordinationEventRow,
    CoordinationRequestRow,
)
from ledger.models.counters import RegisterCounterRow, SequenceRow
from ledger.models.delivery import OutboxRow, WebhookRow
from ledger.models.interagency import InteragencyStatisticsRow, InteragencyStepRow
from ledger.models.people import GrantRow, HolderRow
from ledger.models.rate_limits import RateLimitCounterRow
from ledger.models.registry import FILTER_COLUMNS, AgencyRow, CourtKeyRow, JudgmentRow
from ledger.models.report_summary import MONTH_COUNTS, ReportDeadlineRow, TransferMonthRow
from ledger.models.transfers import DECISION_EXCEPTIONS, REPORT_COLUMNS, DeadlineAlertRow, TransferEventRow, TransferRow

__all__ = [
    "BIGID",
    "CODE",
    "DECISION_EXCEPTIONS",
    "FILTER_COLUMNS",
    "MONTH_COUNTS",
    "NAMING_CONVENTION",
    "OPTIONAL_INDEXES",
    "REPORT_COLUMNS",
    "AgencyRow",
    "AgreementPartyRow",
    "AgreementRow",
    "AuditRow",
    "Base",
    "ConsoleSessionRow",
    "CoordinationAudienceRow",
    "CoordinationEventRow",
    "CoordinationRequestRow",
    "CourtKeyRow",
    "DeadlineAlertRow",
    "GrantRow",
    "HolderRow",
    "InteragencyStatisticsRow",
    "InteragencyStepRow",
    "JudgmentRow",
    "OutboxRow",
    "RateLimitCounterRow",
    "RegisterCounterRow",
    "ReportDeadlineRow",
    "SequenceRow",
    "TransferEventRow",
    "TransferMonthRow",
    "TransferRow",
    "UtcDateTime",
    "WebhookRow",
    "table_of",
]
