"""Báo cáo: a statistical year without targets says "Chưa giao chỉ tiêu" in the target column (issue 22).

Before, the running statistical year (2027, no target in data/report_targets.toml) showed an en dash in the
target column with no word why. On SQLite and PostgreSQL (the ``hub`` fixture).
"""

from __future__ import annotations

import html
import itertools
import re
from pathlib import Path

from console.pages.dashboard_labels import rate
from domain.access import Role
from domain.registers import statistical_year
from domain.reports.targets import NO_TARGET
from gateway.policies import load_report_targets
from tests.fixtures.hub import Hub
from tests.support.console import signed_in

COMMITTEE = "committee.ha-noi"
DATA = Path(__file__).resolve().parents[2] / "data"  # the data the hub of the tests reads
TARGET_CELL = 8  # name, transferred, on time, on-time rate, decided late, with conditions, completed, rate, target
_people = itertools.count(1)


def _target_cells(page: str) -> dict[str, str]:
    """Unit code → the text of its target cell (the totals' row too)."""
    found = {}
    for code, row in re.findall(r'<tr data-code="([^"]*)">(.*?)</tr>', page, re.DOTALL):
        cells = [html.unescape(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)]
        found[code] = cells[TARGET_CELL]
    return found


async def test_the_target_column_says_chua_giao_chi_tieu_for_a_year_without_and_the_rate_for_a_year_with(
    hub: Hub,
) -> None:
    targets = load_report_targets(DATA)
    cookie = await signed_in(hub, f"console.dashboard.targets.{next(_people)}", COMMITTEE, (Role.COMMITTEE,))
    running = statistical_year(hub.clock.today())
    for year in (running, running - 1):
        answer = await hub.http.get(
            f"/bao-cao?year={year}&months=12" if year != running else "/bao-cao", headers=cookie
        )
        assert answer.status_code == 200, answer.text[:300]
        cells = _target_cells(answer.text)
        assert cells, "no unit rows on the dashboard"
        for code, shown in cells.items():
            target = targets.for_unit(year, province_code="ha-noi", agency_code=code)
            assert shown == (NO_TARGET if target is None else rate(float(target.cases_rate))), (year, code, shown)
