"""The root Subscription, assembled from per-area parts."""

from __future__ import annotations

import strawberry

from resolvers.coordination_events import CoordinationEventSubscriptions
from resolvers.transfer_events import TransferEventSubscriptions


@strawberry.type
class Subscription(TransferEventSubscriptions, CoordinationEventSubscriptions):
    pass
