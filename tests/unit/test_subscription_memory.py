"""A long-lived subscription keeps no memory per event it delivers (issue 17's soak).

graphql-core runs each event of a subscription on a shallow copy of the subscription's executor
(``build_per_event_executor``); the copy shares the executor's memos, keyed by the identity of
the field sets it collects anew for every event: never found again, each event's entries stayed
for as long as the subscription lived. Measured in the soak: about 6 KiB an event with the hub's
executor (2 KiB with graphql-core's own), the hub's workers 176 → 240 MiB in 30 minutes.
No test here asserts a timing: it counts the collected field sets alive after many events.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncGenerator

import strawberry
from graphql.execution.collect_fields import CollectedFields

from schema.execution import HubExecutionContext

EVENTS = 600
COUNT_AT = (100, EVENTS)


@strawberry.type
class Party:
    name: str
    code: str


@strawberry.type
class Event:
    id: int
    kind: str
    parties: list[Party]


@strawberry.type
class Query:
    hello: str = "hello"


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def events(self) -> AsyncGenerator[Event, None]:
        for number in range(EVENTS):
            yield Event(id=number, kind="SUBMITTED", parties=[Party(name="A", code="a"), Party(name="B", code="b")])


def collected_alive() -> int:
    gc.collect()
    return sum(1 for found in gc.get_objects() if type(found) is CollectedFields)


async def collected_during(schema: strawberry.Schema) -> dict[int, int]:
    """How many collected field sets are alive after the events numbered in ``COUNT_AT``."""
    stream = await schema.subscribe("subscription { events { id kind parties { name code } } }")
    assert not isinstance(stream, strawberry.types.ExecutionResult), stream
    counts: dict[int, int] = {}
    delivered = 0
    async for result in stream:
        assert not result.errors, result.errors
        delivered += 1
        if delivered in COUNT_AT:
            counts[delivered] = collected_alive()
    return counts


def test_a_subscription_delivering_many_events_keeps_no_memory_per_event() -> None:
    schema = strawberry.Schema(query=Query, subscription=Subscription, execution_context_class=HubExecutionContext)

    counts = asyncio.run(collected_during(schema))

    after_100, after_all = (counts[n] for n in COUNT_AT)
    assert after_all - after_100 < 10, f"{after_all - after_100} more collected field sets after {EVENTS - 100} events"
