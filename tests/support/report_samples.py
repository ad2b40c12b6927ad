"""A hand-made committee report for the renderers' tests: three units of Hà Nội, figures chosen to check."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from decimal import Decimal

from domain.reports.committee import CommitteeReport, ReportRow, RowKind
from domain.reports.figures import Figures, Source, TransferFigures
from domain.reports.indicators import EnforcementFigures, Indicators
from domain.reports.period import Period
from domain.reports.targets import Target

TARGET = Target(Decimal("70.00"), Decimal("40.00"), "Quyết định số 1234/QĐ-BTP ngày 15/10/2025", "national")


def _row(code: str, name: str, cases: Indicators, money: Indicators, **kwargs: object) -> ReportRow:
    return ReportRow(
        code=code,
        name=name,
        kind=RowKind.AGENCY,
        province_code="ha-noi",
        current=Figures(
            transfers=TransferFigures(transferred=cases.newly_accepted, on_time=cases.newly_accepted - 1, late=1),
            enforcement=EnforcementFigures(cases, money),
            **kwargs,  # type: ignore[arg-type]
        ),
        previous=Figures(
            enforcement=EnforcementFigures(
                Indicators(carried_over=5, newly_accepted=15, with_conditions=16, without_conditions=4, completed=8)
            )
        ),
        target=TARGET,
    )


def sample_report(*, missing: bool = False, decomposed_name: bool = False) -> CommitteeReport:
    """Hà Nội, 6 months of 2026: KV1 (27 cases with conditions, 18 completed: 66.67%), KV2, and one with no
    conditions (no rate). ``missing``: KV2's personnel system did not answer. ``decomposed_name``: one name in
    NFD, which every output must print in NFC."""
    kv1 = _row(
        "enforcement.ha-noi.kv01",
        "Phòng Thi hành án dân sự khu vực 1 – Hà Nội",
        Indicators(
            carried_over=10,
            newly_accepted=30,
            entrusted_out=2,
            withdrawn=1,
            with_conditions=27,
            without_conditions=10,
            completed=18,
        ),
        Indicators(
            carried_over=2_000_000_000,
            newly_accepted=3_500_000_000,
            with_conditions=4_000_000_000,
            without_conditions=1_500_000_000,
            completed=1_234_567_890,
        ),
    )
    kv2_name = "Phòng Thi hành án dân sự khu vực 2 – Hà Nội"
    kv2 = _row(
        "enforcement.ha-noi.kv02",
        unicodedata.normalize("NFD", kv2_name) if decomposed_name else kv2_name,
        Indicators(carried_over=4, newly_accepted=12, with_conditions=12, without_conditions=4, completed=11),
        Indicators(
            newly_accepted=800_000_000,
            with_conditions=600_000_000,
            without_conditions=200_000_000,
            completed=300_000_000,
        ),
        missing=frozenset({Source.PERSONNEL}) if missing else frozenset(),
    )
    kv3 = _row(
        "enforcement.ha-noi.kv03",
        "Phòng Thi hành án dân sự khu vực 3 – Hà Nội",
        Indicators(newly_accepted=3, without_conditions=3),
        Indicators(),
    )
    return CommitteeReport(
        scope="ha-noi",
        scope_name="Thành phố Hà Nội",
        period=Period.cumulative(2026, 6),
        rows=(kv1, kv2, kv3),
        target=TARGET,
        generated_at=datetime(2026, 4, 2, 3, 4, tzinfo=UTC),
    )
