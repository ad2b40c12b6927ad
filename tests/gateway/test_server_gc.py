"""A server process tunes its garbage collector once the lifespan has started (gateway/server_gc.py)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator, Iterator

import pytest
from starlette.applications import Starlette

from gateway.server_gc import tuned_after_start


@pytest.fixture
def collector() -> Iterator[None]:
    """The process's collector as it was, restored after the test (it is process-wide)."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def app_with_lifespan(events: list[str]) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, str]]:
        events.append(f"started; threshold {gc.get_threshold()[0]}")
        yield {"state": "kept"}
        events.append("stopped")

    return Starlette(lifespan=lifespan)


async def test_the_collector_is_tuned_after_the_start_up_and_the_state_passes_through(collector: None) -> None:
    gc.set_threshold(700, *gc.get_threshold()[1:])
    events: list[str] = []
    app = tuned_after_start(app_with_lifespan(events), 12_345)
    async with app.router.lifespan_context(app) as state:
        assert state == {"state": "kept"}
        assert events == ["started; threshold 700"]  # the app's own start-up ran first, untuned
        assert gc.get_threshold()[0] == 12_345
        assert gc.get_freeze_count() > 0  # what start-up left alive is frozen
    assert events[-1] == "stopped"


async def test_threshold_zero_leaves_the_collector_alone(collector: None) -> None:
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    app = tuned_after_start(app_with_lifespan([]), 0)
    async with app.router.lifespan_context(app):
        assert gc.get_threshold() == before
        assert gc.get_freeze_count() == frozen
