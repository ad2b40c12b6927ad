"""Cross-replica wake-ups: a transaction that writes events announces them on a PostgreSQL channel.

:func:`announce` queues ``NOTIFY lienthong_events`` inside the writer's own
transaction. PostgreSQL sends it only when that transaction commits (and drops
it on rollback), so a listener is never woken before the rows it should read
are visible, and never woken by a write that did not happen. Every hub replica
keeps one connection listening on the channel (``gateway.listen``) and turns a
notification into a local :class:`~resolvers.signals.EventSignal` wake-up.

The notification carries nothing: readers still read "after my cursor" from
the tables, which stay the only source of truth. Identical notifications of
one transaction are folded into one by PostgreSQL; we also skip the round trip
after the first announcement of a transaction. SQLite has no such channel:
there, other processes find new rows by their bounded poll.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

CHANNEL: Final = "lienthong_events"
"""The channel writers notify and every replica listens on."""

_ANNOUNCED: Final = "lienthong.announced_in"
"""``session.info`` key: the transaction that already carries a notification."""


async def announce(session: AsyncSession) -> None:
    """Wake every replica's readers when the current transaction commits (no-op outside PostgreSQL).

    Call it from the code that writes the event, in the same transaction; the
    committing caller still wakes its own process with ``EventSignal.notify()``.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    transaction = session.get_transaction()
    if transaction is not None and session.info.get(_ANNOUNCED) is transaction:
        return
    await session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
    session.info[_ANNOUNCED] = transaction
