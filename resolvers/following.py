"""How every subscription starts: may the caller follow this agency, from which cursor, then the app's feed.

``transferEvents`` and ``coordinationEvents`` differ only in what they follow::

    return follow(info.context, TRANSFER_FOLLOWING, str(office), after, read=transfer_events_of([str(office)]))

Refusals (FORBIDDEN, a bad cursor) are raised before the stream exists, so they reach the
client as one ``error`` message; the stream is closed with the subscription.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from dataclasses import dataclass
from typing import Generic, TypeVar

from domain.errors import Forbidden
from domain.messages import Text, msg
from resolvers.context import Context
from resolvers.event_feed import E, EventFeeds, FeedSource, ReadPage
from schema.types.event import parse_cursor

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Following(Generic[E, T]):
    """One kind of subscription: its operation in the access policy, its feed, and how an event is shown."""

    operation: str  # e.g. "transferEvents": domain/policy.py says whose events a principal may follow
    what: Text  # msg("transfer events"), in refusals
    cursor_of: str  # the GraphQL type whose cursors ``after`` takes, in refusals
    source: FeedSource[E]
    shown_as: Callable[[E], T]


def feeds_of(context: Context) -> EventFeeds:
    """The app's event feeds (``HubState.feeds``); a context built outside the app has none."""
    if context.feeds is None:
        raise RuntimeError("this context has no event feeds: subscriptions run only in the app")
    return context.feeds


def follow(
    context: Context, following: Following[E, T], agency: str, after: str | None, *, read: ReadPage[E]
) -> AsyncGenerator[T, None]:
    """``agency``'s events after the cursor ``after`` (read by ``read`` while catching up), then live ones."""
    principal = context.principal
    if not context.policy.may_act_for(principal, following.operation, agency):
        raise Forbidden(
            msg(
                "{caller} may not follow the {what} of {agency}",
                caller=principal.agency_code or msg("this caller"),
                what=following.what,
                agency=agency,
            )
        )
    start = parse_cursor(after, of=following.cursor_of)
    events = feeds_of(context).of(following.source).follow([agency], read, after=start)
    return _shown(events, following.shown_as)


async def _shown(source: AsyncGenerator[E, None], shown_as: Callable[[E], T]) -> AsyncGenerator[T, None]:
    async with aclosing(source):  # closed with the subscription, not left to the garbage collector
        async for event in source:
            yield shown_as(event)
