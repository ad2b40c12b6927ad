"""The enforcement statistics endpoint (POST /thads/v1/thong-ke) and the adapter's ``statistics``: a contract test.

The reference service computes Circular 05/2024 indicators from its catalogue of
cases; the adapter translates its dialect (Vietnamese names, dd/mm/yyyy, VND as
strings) into ``EnforcementFigures``. Checked here: the figures agree with the
catalogue they come from, every unit asked for answers, the indicators add up,
periods chain (carried to the next period = carried over into it), and errors
are mapped like the rest of the adapters.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import aiohttp
import pytest
from starlette.applications import Starlette

from adapters.config import HttpAgencyConfig
from adapters.enforcement import HttpEnforcementAdapter
from adapters.metrics import AdapterMetrics
from agencies.common.catalogue import Catalogue
from agencies.common.reference import ReferenceData
from agencies.common.settings import ServiceSettings
from agencies.enforcement.app import create_app
from agencies.enforcement.statistics import Statistics
from domain.errors import AgencyUnavailable
from domain.reports.classification import PostponementGround, Standing, rule_for
from domain.reports.indicators import EnforcementFigures
from tests.adapters.reference_services import serving

SEED = 7
KEY = "khoa-thads"
STATISTICS = "POST /thads/v1/thong-ke"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue(SEED, 400, ReferenceData.load())


class Served:
    def __init__(self, app: Starlette, adapter: HttpEnforcementAdapter, catalogue: Catalogue) -> None:
        self.app = app
        self.adapter = adapter
        self.catalogue = catalogue

    def calls(self) -> dict[str, int]:
        return dict(self.app.state.counter.snapshot()["theo_duong_dan"])


@pytest.fixture
async def served(
    catalogue: Catalogue, session: aiohttp.ClientSession, metrics: AdapterMetrics
) -> AsyncIterator[Served]:
    app = create_app(ServiceSettings(api_key=KEY, judgments=len(catalogue), seed=SEED), catalogue)
    async with serving(app) as url:
        yield Served(
            app, HttpEnforcementAdapter(session, HttpAgencyConfig(url, api_key=KEY, timeout_s=2.0), metrics), catalogue
        )


def busy_units(catalogue: Catalogue) -> list[str]:
    """Units holding cases in the catalogue, by code."""
    units: set[str] = set()
    for index in range(len(catalogue)):
        route = catalogue.route_of(index)
        units.add(route.enforcement_office_code or route.enforcement_agency_code)
    return sorted(units)


async def test_every_unit_asked_for_answers_in_one_call(served: Served) -> None:
    units = [*busy_units(served.catalogue)[:5], "enforcement.hue"]
    figures = await served.adapter.statistics(units, date(2025, 10, 1), date(2026, 9, 30))
    assert list(figures) == units
    assert all(isinstance(f, EnforcementFigures) for f in figures.values())
    assert served.calls()[STATISTICS] == 1


async def test_the_figures_are_the_catalogues_and_add_up(served: Served) -> None:
    units = busy_units(served.catalogue)
    start, end = served.catalogue.as_of - timedelta(days=400), served.catalogue.as_of
    figures = await served.adapter.statistics(units, start, end)
    reference = Statistics(served.app.state.store)
    for unit, f in figures.items():
        for indicators in (f.cases, f.money):
            assert indicators.check() == [], (unit, indicators)
        assert f.cases.entrusted_out == 0
    total_cases = sum(f.cases.carried_over + f.cases.newly_accepted for f in figures.values())
    assert total_cases > 0
    if reference is not None:
        facts = [
            x for x in reference.facts() if x.accepted_on <= end and (x.finished_on is None or x.finished_on >= start)
        ]
        assert total_cases == len(facts)


async def test_terminations_count_as_completed_and_agreed_postponements_with_conditions(served: Served) -> None:
    """The Law Art. 52(2) and 48(1)(c), by Circular 05/2024/TT-BTP: the reference service counts a case terminated
    (đình chỉ) in the range as completed, never as withdrawn, and a postponement the parties agreed with
    conditions, one on another ground without."""
    units = busy_units(served.catalogue)
    start, end = served.catalogue.as_of - timedelta(days=400), served.catalogue.as_of
    figures = await served.adapter.statistics(units, start, end)
    facts = [x.history for x in Statistics(served.app.state.store).facts()]
    finished = [h for h in facts if h.finished_on is not None and start <= h.finished_on <= end]
    postponed = [h for h in facts if h.standing is Standing.POSTPONED and h.accepted_on <= end]
    assert any(h.standing is Standing.TERMINATED for h in finished)
    assert {h.ground for h in postponed} >= {PostponementGround.PARTIES_AGREED, PostponementGround.DEBTOR_ILL}
    assert sum(f.cases.withdrawn for f in figures.values()) == 0
    assert sum(f.cases.completed for f in figures.values()) == len(finished)
    unfinished_without = sum(
        h.accepted_on <= end
        and h.finished_on is None
        and rule_for(h.standing, h.ground).column.value == "without_conditions"
        for h in facts
    )
    assert sum(f.cases.without_conditions for f in figures.values()) == unfinished_without


async def test_consecutive_periods_chain(served: Served) -> None:
    """What one period carries to the next is what the next carries over (Circular 05/2024's continuity)."""
    units = busy_units(served.catalogue)
    as_of = served.catalogue.as_of
    middle = as_of - timedelta(days=120)
    first = await served.adapter.statistics(units, middle - timedelta(days=365), middle)
    second = await served.adapter.statistics(units, middle + timedelta(days=1), as_of)
    for unit in units:
        assert first[unit].cases.carried_to_next == second[unit].cases.carried_over, unit
        assert first[unit].money.carried_to_next == second[unit].money.carried_over, unit


async def test_no_units_asks_nothing(served: Served) -> None:
    assert await served.adapter.statistics([], date(2026, 1, 1), date(2026, 1, 31)) == {}
    assert STATISTICS not in served.calls()


async def test_an_unknown_unit_is_refused_by_the_service(served: Served) -> None:
    # a 400 means the hub asked wrongly: unavailable, named as a hub bug (adapters/http.py)
    with pytest.raises(AgencyUnavailable, match="hub bug"):
        await served.adapter.statistics(["court.ha-noi.kv01"], date(2026, 1, 1), date(2026, 1, 31))


async def test_an_agency_that_is_down_is_unavailable(session: aiohttp.ClientSession, dead_url: str) -> None:
    adapter = HttpEnforcementAdapter(session, HttpAgencyConfig(dead_url, api_key=KEY, timeout_s=0.5))
    with pytest.raises(AgencyUnavailable):
        await adapter.statistics(["enforcement.hue"], date(2026, 1, 1), date(2026, 1, 31))
